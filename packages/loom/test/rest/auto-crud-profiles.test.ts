import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCH_MODELS, BenchNote, BenchRecord, BenchUser } from '../relations/models.ts';
import { DIALECTS, openTestDatabase } from '../support/dialects.ts';
import {
  autoCrud,
  createRestServer,
  Kernel,
  type RestServer,
  restInterface,
  syncSchema,
} from '../support/internals.ts';

// Auto-CRUD get and list read in the profile the client asks for (`?profile=`), among those the
// interface allows; an interface without profiles answers `?profile=` with a 400 naming the parameter.

const Records = restInterface(BenchRecord, {
  prefix: '/records',
  profiles: { allowed: ['with_details', 'counts'] },
  routes: autoCrud(BenchRecord),
});
const Users = restInterface(BenchUser, { prefix: '/users', routes: autoCrud(BenchUser) });

describe.each(DIALECTS)('auto-CRUD read profiles over HTTP on %s', (dialect) => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let app: RestServer;
  let base: string;
  let recordId: number;
  let userId: number;
  beforeAll(async () => {
    db = await openTestDatabase(dialect);
    await syncSchema(db, BENCH_MODELS);
    const kernel = new Kernel({ db, cursorSecret: 'auto-crud-profiles' });
    const user = await kernel.entity(BenchUser).create({ fullName: 'Ada', email: 'ada@x.io' });
    const record = await kernel.entity(BenchRecord).create({ title: 'first', ownerId: user.id });
    await kernel.entity(BenchNote).create({ recordId: record.id, body: 'alpha' });
    recordId = record.id;
    userId = user.id;
    app = createRestServer({ kernel, interfaces: [Records, Users] });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.close();
    await db.dispose();
  });

  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('GET /{id} reads the default profile without ?profile=, and the asked one with it (either spelling)', async () => {
    const plain = await get(`/records/${recordId}`);
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject({ id: recordId, title: 'first', hasNotes: true });
    expect(plain.body).not.toHaveProperty('owner');
    for (const spelling of ['with_details', 'withDetails']) {
      const detailed = await get(`/records/${recordId}?profile=${spelling}`);
      expect(detailed.status).toBe(200);
      expect(detailed.body).toMatchObject({
        id: recordId,
        owner: { id: userId, fullName: 'Ada' },
        notes: [{ body: 'alpha' }],
        notesCount: 1,
      });
    }
    const counts = await get(`/records/${recordId}?profile=counts`);
    expect(counts.body).toMatchObject({ id: recordId, notesCount: 1 });
    expect(counts.body).not.toHaveProperty('notes');
  });

  it('GET / lists in the asked profile, with the list grammar alongside', async () => {
    const page = await get('/records?profile=with_details&title__eq=first&limit=5');
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({
      totalCount: 1,
      items: [{ id: recordId, owner: { fullName: 'Ada' }, notesCount: 1 }],
    });
    const cursor = await get('/records?profile=counts&pagination=cursor');
    expect(cursor.body).toMatchObject({ items: [{ id: recordId, notesCount: 1 }], hasNext: false });
  });

  it('answers a profile the interface does not allow, or an unknown one, with a 400 naming it', async () => {
    for (const path of [`/records/${recordId}?profile=stats`, '/records?profile=nope']) {
      const res = await get(path);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'LOOM_BAD_REQUEST', parameter: 'profile' });
    }
    const res = await get(`/users/${userId}?profile=with_profile`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ parameter: 'profile' });
    expect(res.body.detail).toContain('not allowed');
  });

  it('documents the profile parameter on the auto routes of an interface with profiles only', () => {
    const doc = app.openapi as unknown as {
      paths: Record<
        string,
        Record<string, { parameters?: { name: string; schema?: { enum?: string[] } }[] }>
      >;
    };
    const profileOf = (path: string) =>
      doc.paths[path]?.get?.parameters?.find((p) => p.name === 'profile')?.schema?.enum;
    expect(profileOf('/records/{id}')).toEqual(['default', 'withDetails', 'counts']);
    expect(profileOf('/records')).toEqual(['default', 'withDetails', 'counts']);
    expect(profileOf('/users/{id}')).toBeUndefined();
  });
});
