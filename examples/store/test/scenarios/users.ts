import { describe, expect, it } from 'vitest';
import { Fixtures } from '../support/fixtures.ts';
import {
  expectBadParameter,
  expectInvalidBody,
  expectNotFound,
  expectProblem,
  expectViolations,
} from '../support/problem.ts';
import type { Suite } from '../support/suite-context.ts';
import { TRACE_ID, type User } from '../support/wire.ts';

/** §9 #1–#14 and the user routes of §6: create, validation, rules, get, patch, delete. */
export function userScenarios(suite: Suite): void {
  const fx = new Fixtures(suite);

  describe('users', () => {
    it('POST /users/ with a snake_case body → 201, the camelCase user with timestamps, a 32-hex x-request-id (#1)', async () => {
      const email = `${suite.unique('ana')}@example.com`;
      const res = await suite.api.post<User>('/users/', { full_name: 'Ana Demo', email });
      expect(res.status).toBe(201);
      expect(res.headers.get('x-request-id')).toMatch(TRACE_ID);
      expect(Object.keys(res.body).sort()).toEqual(['createdAt', 'email', 'fullName', 'id', 'updatedAt']);
      expect(res.body).toMatchObject({ id: expect.any(Number), fullName: 'Ana Demo', email });
      expect(Date.parse(res.body.createdAt)).not.toBeNaN();
      expect(res.body.updatedAt).toBe(res.body.createdAt);
    });

    it('POST /users (no trailing slash) with a camelCase body → 201, the next id (#2)', async () => {
      const first = await fx.user();
      const res = await suite.api.post<User>('/users', {
        fullName: 'Bob',
        email: `${suite.unique('bob')}@example.com`,
      });
      expect(res.status).toBe(201);
      expect(res.body.fullName).toBe('Bob');
      expect(res.body.id).toBeGreaterThan(first.id);
    });

    it('unknown body keys are ignored and never written', async () => {
      const email = `${suite.unique('keys')}@example.com`;
      const body = {
        full_name: 'Keys',
        email,
        id: 987_654,
        createdAt: '2000-01-01T00:00:00.000Z',
        role: 'admin',
      };
      const res = await suite.api.post<User>('/users/', body);
      expect(res.status).toBe(201);
      expect(res.body.id).not.toBe(987_654);
      expect(res.body.createdAt).not.toBe('2000-01-01T00:00:00.000Z');
      expect(res.body).not.toHaveProperty('role');
      expect((await suite.api.get(`/users/${res.body.id}`)).body).toEqual(res.body);
    });

    it('an invalid email → 422 problem with the violation on `email` (#3)', async () => {
      const res = await suite.api.post('/users/', { full_name: 'Ana', email: 'invalid' });
      expectViolations(res, [{ field: 'email', message: 'email must be valid' }]);
    });

    it('a blank name and an invalid email → one 422 with both violations, in rule order (#4)', async () => {
      const res = await suite.api.post('/users/', { full_name: '  ', email: 'invalid' });
      expectViolations(res, [
        { field: 'fullName', message: 'fullName must not be blank' },
        { field: 'email', message: 'email must be valid' },
      ]);
    });

    it('a taken email → 422 `email already exists` (#5), and nothing is written', async () => {
      const taken = await fx.user();
      const res = await suite.api.post('/users/', { full_name: 'Ana2', email: taken.email });
      expectViolations(res, [{ field: 'email', message: 'email already exists' }]);
      const list = await suite.api.get<{ totalCount: number }>(
        `/users/?email=${encodeURIComponent(taken.email)}`,
      );
      expect(list.body.totalCount).toBe(1);
    });

    it('racing creates with one email: exactly one 201, the others 422 (rule) or 409 (unique index), never 500', async () => {
      const email = `${suite.unique('race')}@example.com`;
      const replies = await Promise.all(
        Array.from({ length: 6 }, (_, i) => suite.api.post('/users/', { full_name: `Racer ${i}`, email })),
      );
      const statuses = replies.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.every((s) => s === 201 || s === 409 || s === 422)).toBe(true);
      for (const r of replies.filter((x) => x.status === 409)) expectProblem(r, 409, 'LOOM_CONFLICT');
    });

    it('a missing field → 422 naming it, not 500 (#6)', async () => {
      expectInvalidBody(await suite.api.post('/users/', { full_name: 'X' }), 'email');
      expectInvalidBody(
        await suite.api.post('/users/', { email: `${suite.unique('x')}@example.com` }),
        'fullName',
      );
    });

    it('no body → 422, not 500 (#7); a wrongly typed field → 422 naming it', async () => {
      expectProblem(await suite.api.post('/users/'), 422, 'LOOM_VALIDATION');
      expectInvalidBody(await suite.api.post('/users/', { full_name: 5, email: 'a@b.co' }), 'fullName');
    });

    it('malformed JSON → 400 LOOM_MALFORMED_BODY', async () => {
      expectProblem(
        await suite.api.post('/users/', undefined, { raw: '{"full_name": ' }),
        400,
        'LOOM_MALFORMED_BODY',
      );
    });

    it('GET /users/{id} echoes a client x-request-id (#8)', async () => {
      const user = await fx.user();
      const res = await suite.api.get<User>(`/users/${user.id}`, {
        headers: { 'x-request-id': 'my-trace-123' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toBe('my-trace-123');
      expect(res.body).toEqual(user);
    });

    it('GET /users/999999 → 404 problem with entity User and id 999999 (#9)', async () => {
      const res = await suite.api.get('/users/999999', { headers: { 'x-request-id': 'trace-404' } });
      expect(expectNotFound(res, 'User', 999_999).traceId).toBe('trace-404');
    });

    it('GET /users/abc → 400 naming the path parameter, not 422/500 (#10)', async () => {
      expectBadParameter(await suite.api.get('/users/abc'), 'userId');
    });

    it('PATCH /users/{id} with snake_case → 200, persisted, updatedAt moves (#11)', async () => {
      const user = await fx.user();
      const res = await suite.api.patch<User>(`/users/${user.id}`, { full_name: 'Ana Updated' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: user.id,
        fullName: 'Ana Updated',
        email: user.email,
        createdAt: user.createdAt,
      });
      expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(user.updatedAt));
      expect((await suite.api.get<User>(`/users/${user.id}`)).body.fullName).toBe('Ana Updated');
    });

    it("PATCH to another user's email → 422 `email already exists` (#12)", async () => {
      const [ana, bob] = [await fx.user(), await fx.user('Bob')];
      expectViolations(await suite.api.patch(`/users/${ana.id}`, { email: bob.email }), [
        { field: 'email', message: 'email already exists' },
      ]);
      expect((await suite.api.get<User>(`/users/${ana.id}`)).body.email).toBe(ana.email);
    });

    it('PATCH with its own email → 200 (#13)', async () => {
      const ana = await fx.user();
      const res = await suite.api.patch<User>(`/users/${ana.id}`, { email: ana.email });
      expect(res.status).toBe(200);
      expect(res.body.email).toBe(ana.email);
    });

    it('PATCH rules apply to present fields only: blank name / invalid email → 422; {} → 200 unchanged', async () => {
      const ana = await fx.user();
      expectViolations(await suite.api.patch(`/users/${ana.id}`, { fullName: ' ' }), [
        { field: 'fullName', message: 'fullName must not be blank' },
      ]);
      expectViolations(await suite.api.patch(`/users/${ana.id}`, { email: 'nope' }), [
        { field: 'email', message: 'email must be valid' },
      ]);
      const empty = await suite.api.patch<User>(`/users/${ana.id}`, {});
      expect(empty.status).toBe(200);
      expect(empty.body).toMatchObject({ fullName: ana.fullName, email: ana.email });
    });

    it('PATCH with null for a non-nullable field → 422, not 500', async () => {
      const ana = await fx.user();
      expectInvalidBody(await suite.api.patch(`/users/${ana.id}`, { full_name: null }), 'fullName');
    });

    it('PATCH /users/999999 with a blank name → 404: the load precedes the rules (#14)', async () => {
      expectNotFound(await suite.api.patch('/users/999999', { full_name: '  ' }), 'User', 999_999);
    });

    it('DELETE /users/{id} → 200 true; then GET and DELETE → 404', async () => {
      const user = await fx.user();
      const res = await suite.api.delete(`/users/${user.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toBe(true);
      expectNotFound(await suite.api.get(`/users/${user.id}`), 'User', user.id);
      expectNotFound(await suite.api.delete(`/users/${user.id}`), 'User', user.id);
    });

    it('DELETE /users/{id} cascades to its addresses and orders', async () => {
      const { user, address, order } = await fx.orderWithOwner();
      expect((await suite.api.delete(`/users/${user.id}`)).body).toBe(true);
      expectNotFound(await suite.api.get(`/orders/${order.id}`), 'Order', order.id);
      const addresses = await suite.api.get<{ totalCount: number }>(
        `/users/${user.id}/addresses/?id=${address.id}`,
      );
      expect(addresses.body.totalCount).toBe(0);
    });
  });
}
