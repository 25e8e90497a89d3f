import { describe, expect, it } from 'vitest';
import { Fixtures } from '../support/fixtures.ts';
import { expectBadParameter } from '../support/problem.ts';
import type { Suite } from '../support/suite-context.ts';
import type { CursorPage, Page, User } from '../support/wire.ts';

/** §9 #15–#25: envelopes, cursor and offset pagination, filters, sort, and every bad query parameter → 400. */
export function listQueryScenarios(suite: Suite): void {
  const fx = new Fixtures(suite);

  /** Three users whose emails share a domain no other scenario uses: a list filtered on it sees only them. */
  async function threeUsers(): Promise<{ users: User[]; scope: string }> {
    const domain = `${suite.unique('list')}.example.com`;
    const users = [
      await fx.user('Ana Demo', `ana@${domain}`),
      await fx.user('Bob', `bob@${domain}`),
      await fx.user('Carla', `carla@${domain}`),
    ];
    return { users, scope: `email__ilike=${encodeURIComponent(`%@${domain}`)}` };
  }
  const ids = (page: { items: readonly User[] }) => page.items.map((u) => u.id);

  describe('list queries', () => {
    it('GET /users/ → the offset envelope {items, totalCount, page, limit, hasNext} (#15)', async () => {
      const { users, scope } = await threeUsers();
      const res = await suite.api.get<Page<User>>(`/users/?${scope}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ items: users, totalCount: 3, page: 1, limit: 50, hasNext: false });
    });

    it('/users and /users/ are the same route (#25: no redirect)', async () => {
      const { scope } = await threeUsers();
      const [withSlash, without] = [
        await suite.api.get(`/users/?${scope}`),
        await suite.api.get(`/users?${scope}`),
      ];
      expect(without.status).toBe(200);
      expect(without.body).toEqual(withSlash.body);
    });

    it('offset pages: limit 2 → hasNext; page 2 → the rest; a page past the end reports the real totalCount (#23)', async () => {
      const { users, scope } = await threeUsers();
      const first = await suite.api.get<Page<User>>(`/users/?${scope}&limit=2`);
      expect(first.body).toMatchObject({ totalCount: 3, page: 1, limit: 2, hasNext: true });
      expect(ids(first.body)).toEqual([users[0]?.id, users[1]?.id]);
      const second = await suite.api.get<Page<User>>(`/users/?${scope}&limit=2&page=2`);
      expect(second.body).toMatchObject({ totalCount: 3, page: 2, limit: 2, hasNext: false });
      expect(ids(second.body)).toEqual([users[2]?.id]);
      const past = await suite.api.get<Page<User>>(`/users/?${scope}&page=5&limit=1`);
      expect(past.body).toEqual({ items: [], totalCount: 3, page: 5, limit: 1, hasNext: false });
    });

    it('cursor pages: opaque signed tokens, every row once, then nextCursor null (#16, #17)', async () => {
      const { users, scope } = await threeUsers();
      const first = await suite.api.get<CursorPage<User>>(`/users/?${scope}&pagination=cursor&limit=2`);
      expect(first.status).toBe(200);
      expect(Object.keys(first.body).sort()).toEqual(['hasNext', 'items', 'nextCursor']);
      expect(first.body.items).toEqual(users.slice(0, 2));
      expect(first.body.hasNext).toBe(true);
      const token = first.body.nextCursor ?? '';
      expect(token).not.toBe('');
      expect(token).not.toBe(Buffer.from(JSON.stringify({ id: users[1]?.id })).toString('base64'));
      const second = await suite.api.get<CursorPage<User>>(
        `/users/?${scope}&pagination=cursor&limit=2&after=${encodeURIComponent(token)}`,
      );
      expect(second.body).toEqual({ items: users.slice(2), nextCursor: null, hasNext: false });
    });

    it('cursor pages walk DESC order too, without skipping or repeating a row', async () => {
      const { users, scope } = await threeUsers();
      const seen: number[] = [];
      let after = '';
      for (let page = 0; page < 5; page++) {
        const res = await suite.api.get<CursorPage<User>>(
          `/users/?${scope}&pagination=cursor&limit=1&sort=id&direction=desc${after}`,
        );
        expect(res.status).toBe(200);
        seen.push(...ids(res.body));
        if (res.body.nextCursor === null) break;
        after = `&after=${encodeURIComponent(res.body.nextCursor)}`;
      }
      expect(seen).toEqual(users.map((u) => u.id).reverse());
    });

    it('a tampered or malformed cursor → 400 naming `after` (#24)', async () => {
      const { scope } = await threeUsers();
      const first = await suite.api.get<CursorPage<User>>(`/users/?${scope}&pagination=cursor&limit=1`);
      const token = first.body.nextCursor ?? '';
      const tampered = `${token.slice(0, 2)}${token[2] === 'A' ? 'B' : 'A'}${token.slice(3)}`;
      const bad = await suite.api.get(
        `/users/?${scope}&pagination=cursor&limit=1&after=${encodeURIComponent(tampered)}`,
      );
      expect(expectBadParameter(bad, 'after').code).toBe('LOOM_INVALID_CURSOR');
      expectBadParameter(await suite.api.get('/users/?pagination=cursor&after=zzz'), 'after');
    });

    it('a cursor is bound to its sort: reusing it with another order → 400', async () => {
      const { scope } = await threeUsers();
      const desc = await suite.api.get<CursorPage<User>>(
        `/users/?${scope}&pagination=cursor&limit=1&sort=id&direction=desc`,
      );
      const token = encodeURIComponent(desc.body.nextCursor ?? '');
      expectBadParameter(
        await suite.api.get(`/users/?${scope}&pagination=cursor&limit=1&after=${token}`),
        'after',
      );
    });

    it('filters: ilike, camel and snake field names, in (#18)', async () => {
      const { users, scope } = await threeUsers();
      const bob = users[1] as User;
      const count = async (query: string) =>
        (await suite.api.get<Page<User>>(`/users/?${scope}&${query}`)).body;
      expect(ids(await count('email__ilike=%25BOB%25'))).toEqual([bob.id]);
      expect(ids(await count('fullName=Bob'))).toEqual([bob.id]);
      expect(ids(await count('full_name__eq=Bob'))).toEqual([bob.id]);
      expect((await count(`id__in=${users[0]?.id},${bob.id}`)).totalCount).toBe(2);
      expect((await count(`id__ne=${bob.id}`)).totalCount).toBe(2);
      expect((await count(`id__gte=${bob.id}`)).totalCount).toBe(2);
      expect((await count('fullName__is_null=false')).totalCount).toBe(3);
      expect((await count('fullName__is_null=true')).totalCount).toBe(0);
    });

    it('like is case-sensitive, ilike is not, on every database', async () => {
      const { users, scope } = await threeUsers();
      const bob = users[1] as User;
      const found = async (query: string) =>
        ids((await suite.api.get<Page<User>>(`/users/?${scope}&${query}`)).body);
      expect(await found('fullName__like=B%25')).toEqual([bob.id]);
      expect(await found('fullName__like=b%25')).toEqual([]);
      expect(await found('fullName__ilike=b%25')).toEqual([bob.id]);
    });

    it('timestamp filters compare instants (ISO 8601 in, camel or snake field names)', async () => {
      const { users, scope } = await threeUsers();
      const first = users[0] as User;
      const total = async (query: string) =>
        (await suite.api.get<Page<User>>(`/users/?${scope}&${query}`)).body.totalCount;
      expect(await total(`createdAt__gte=${encodeURIComponent(first.createdAt)}`)).toBe(3);
      expect(await total(`created_at__lt=${encodeURIComponent(first.createdAt)}`)).toBe(0);
      expect(await total('createdAt__lt=2999-01-01T00:00:00Z')).toBe(3);
      expect(await total('createdAt__gt=2999-01-01T00:00:00.000Z')).toBe(0);
      expectBadParameter(await suite.api.get('/users/?createdAt__gt=yesterday'), 'createdAt__gt');
    });

    it('sort=id&direction=desc, and snake sort fields with any-case direction (#19)', async () => {
      const { users, scope } = await threeUsers();
      const desc = await suite.api.get<Page<User>>(`/users/?${scope}&sort=id&direction=desc`);
      expect(ids(desc.body)).toEqual(users.map((u) => u.id).reverse());
      const byName = await suite.api.get<Page<User>>(`/users/?${scope}&sort=full_name&direction=DeSc`);
      expect(byName.body.items.map((u) => u.fullName)).toEqual(['Carla', 'Bob', 'Ana Demo']);
    });

    it('bad query parameters → 400 naming the parameter, never 500 (#20, #21, #22, #24)', async () => {
      const cases: readonly [string, string][] = [
        ['/users/?direction=down', 'direction'],
        ['/users/?pagination=pages', 'pagination'],
        ['/users/?profile=default', 'profile'],
        ['/users/?nosuch=1', 'nosuch'],
        ['/users/?limit=abc', 'limit'],
        ['/users/?limit=0', 'limit'],
        ['/users/?limit=1001', 'limit'],
        ['/users/?page=0', 'page'],
        ['/users/?sort=nosuch', 'sort'],
        ['/users/?id__foo=1', 'id__foo'],
        ['/users/?id=abc', 'id'],
        ['/users/?id__in=1,abc', 'id__in'],
        ['/users/?after=zzz', 'after'],
      ];
      for (const [path, parameter] of cases) expectBadParameter(await suite.api.get(path), parameter);
    });

    it('?profile= on a GET by id → 400 (#22)', async () => {
      const user = await fx.user();
      expectBadParameter(await suite.api.get(`/users/${user.id}?profile=full`), 'profile');
    });

    it('limit 1000 is accepted (the upper bound)', async () => {
      const { scope } = await threeUsers();
      const res = await suite.api.get<Page<User>>(`/users/?${scope}&limit=1000`);
      expect(res.body).toMatchObject({ totalCount: 3, limit: 1000, hasNext: false });
    });
  });
}
