import { describe, expect, it } from 'vitest';
import { Fixtures } from '../support/fixtures.ts';
import { expectNotFound, expectProblem } from '../support/problem.ts';
import type { Suite } from '../support/suite-context.ts';
import type { Address, Page } from '../support/wire.ts';

/** §9 #26–#29, #52 and the address routes of §6: nested under the user, scoped to the owner. */
export function addressScenarios(suite: Suite): void {
  const fx = new Fixtures(suite);
  const body = { label: 'home', street: 'Main 1', city: 'Madrid', country: 'ES', zip_code: '28001' };

  describe('addresses', () => {
    it('POST /users/{id}/addresses/ with snake_case → 201, userId from the path, no timestamps (#26)', async () => {
      const user = await fx.user();
      const res = await suite.api.post<Address>(`/users/${user.id}/addresses/`, {
        ...body,
        user_id: 999_999,
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        userId: user.id,
        label: 'home',
        street: 'Main 1',
        city: 'Madrid',
        country: 'ES',
        zipCode: '28001',
      });
    });

    it('camelCase bodies are accepted too', async () => {
      const user = await fx.user();
      const { zip_code, ...rest } = body;
      const res = await suite.api.post<Address>(`/users/${user.id}/addresses`, {
        ...rest,
        zipCode: zip_code,
      });
      expect(res.status).toBe(201);
      expect(res.body.zipCode).toBe('28001');
    });

    it('POST under an unknown user → 404 User (#27); a missing field → 422', async () => {
      expectNotFound(await suite.api.post('/users/999999/addresses/', body), 'User', 999_999);
      const user = await fx.user();
      const { city: _city, ...withoutCity } = body;
      expectProblem(
        await suite.api.post(`/users/${user.id}/addresses/`, withoutCity),
        422,
        'LOOM_VALIDATION',
      );
    });

    it("GET another user's address → 404 Address (#28); its owner gets it", async () => {
      const [owner, other] = [await fx.user(), await fx.user()];
      const address = await fx.address(owner.id);
      expectNotFound(
        await suite.api.get(`/users/${other.id}/addresses/${address.id}`),
        'Address',
        address.id,
      );
      expect((await suite.api.get<Address>(`/users/${owner.id}/addresses/${address.id}`)).body).toEqual(
        address,
      );
    });

    it("PATCH city → 200 (#29); PATCH another user's address → 404 and nothing changes", async () => {
      const [owner, other] = [await fx.user(), await fx.user()];
      const address = await fx.address(owner.id);
      const res = await suite.api.patch<Address>(`/users/${owner.id}/addresses/${address.id}`, {
        city: 'Barcelona',
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...address, city: 'Barcelona' });
      expectNotFound(
        await suite.api.patch(`/users/${other.id}/addresses/${address.id}`, { city: 'Sevilla' }),
        'Address',
        address.id,
      );
      expect((await suite.api.get<Address>(`/users/${owner.id}/addresses/${address.id}`)).body.city).toBe(
        'Barcelona',
      );
    });

    it("the list shows only the user's addresses, whatever filters the client sends", async () => {
      const [owner, other] = [await fx.user(), await fx.user()];
      const mine = [await fx.address(owner.id, 'Madrid'), await fx.address(owner.id, 'Bilbao')];
      const theirs = await fx.address(other.id);
      const list = await suite.api.get<Page<Address>>(`/users/${owner.id}/addresses/`);
      expect(list.body).toEqual({ items: mine, totalCount: 2, page: 1, limit: 50, hasNext: false });
      const sneaky = await suite.api.get<Page<Address>>(`/users/${owner.id}/addresses/?user_id=${other.id}`);
      expect(sneaky.body.items).toEqual([]);
      const byId = await suite.api.get<Page<Address>>(`/users/${owner.id}/addresses/?id=${theirs.id}`);
      expect(byId.body.totalCount).toBe(0);
      const filtered = await suite.api.get<Page<Address>>(`/users/${owner.id}/addresses?city=Bilbao`);
      expect(filtered.body.items).toEqual([mine[1]]);
      const unknown = await suite.api.get<Page<Address>>('/users/999999/addresses/');
      expect(unknown.body).toMatchObject({ items: [], totalCount: 0 });
    });

    it("DELETE → 200 true, then 404; a missing or another user's address → 404 Address (#52)", async () => {
      const [owner, other] = [await fx.user(), await fx.user()];
      const address = await fx.address(owner.id);
      expectNotFound(await suite.api.delete(`/users/${owner.id}/addresses/999999`), 'Address', 999_999);
      expectNotFound(
        await suite.api.delete(`/users/${other.id}/addresses/${address.id}`),
        'Address',
        address.id,
      );
      const res = await suite.api.delete(`/users/${owner.id}/addresses/${address.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toBe(true);
      expectNotFound(
        await suite.api.delete(`/users/${owner.id}/addresses/${address.id}`),
        'Address',
        address.id,
      );
    });

    it('DELETE an address an order still ships to → 409 (ON DELETE RESTRICT), the address stays', async () => {
      const { user, address } = await fx.orderWithOwner();
      const res = await suite.api.delete(`/users/${user.id}/addresses/${address.id}`);
      expectProblem(res, 409, 'LOOM_CONFLICT');
      expect((await suite.api.get(`/users/${user.id}/addresses/${address.id}`)).status).toBe(200);
    });
  });
}
