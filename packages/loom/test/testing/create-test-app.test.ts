import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, expectJson, expectProblem, type TestApp } from '../../src/testing/index.ts';
import { Conflict, type Infer } from '../support/internals.ts';
import {
  CreateMemberUseCase,
  GetMemberUseCase,
  KIT_DATABASES,
  KIT_DECLARATIONS,
  Member,
  Note,
} from './kit-app.ts';

type MemberRow = Infer<typeof Member>;

describe.each(KIT_DATABASES)('createTestApp on $dialect', ({ dialect, url }) => {
  let app: TestApp;
  beforeEach(async () => {
    app = await createTestApp(KIT_DECLARATIONS, { databaseUrl: url });
  });
  afterEach(() => app.close());

  it('boots the whole app on the chosen dialect, tables created', async () => {
    expect(app.dialect).toBe(dialect);
    const created = expectJson<MemberRow>(
      await app.post('/members', { name: 'Ada', email: 'ADA@example.com' }),
      201,
    );
    expect(created).toMatchObject({ id: 1, name: 'Ada', email: 'ada@example.com', status: 'new' });
    const read = expectJson<MemberRow>(await app.get(`/members/${created.id}`));
    expect(read.email).toBe('ada@example.com');
    expect((await app.get('/openapi.json')).json<{ openapi: string }>().openapi).toMatch(/^3\.1/);
  });

  it('asserts problem documents, and fails when the response is not the one expected', async () => {
    await app.seed(Member, [{ name: 'Ada', email: 'ada@example.com' }]);
    const taken = await app.post('/members', { name: ' ', email: 'ada@example.com' });
    const problem = expectProblem(taken, {
      status: 422,
      code: 'LOOM_RULE_VIOLATIONS',
      fields: ['name', 'email'],
    });
    expect(problem.violations).toHaveLength(2);
    expect(() => expectProblem(taken, { status: 422, fields: ['email'] })).toThrow(
      /fields are \[email, name\]/,
    );
    expect(() => expectProblem(taken, { status: 404 })).toThrow(/status is 422/);
    expect(() => expectJson(taken)).toThrow(/got 422/);
    expectProblem(await app.get('/members/99'), { status: 404, code: 'LOOM_NOT_FOUND' });
    expectProblem(await app.get('/members/abc'), { status: 400 });
    expect(() => expectProblem(taken, { status: 422, code: 'LOOM_NOT_FOUND' })).toThrow(/code is/);
    const ok = await app.get('/members/1');
    expect(() => expectProblem(ok, { status: 200 })).toThrow(/content-type/);
  });

  it('invokes use cases with typed results and typed errors', async () => {
    const member = await app.invoke(CreateMemberUseCase, {
      payload: { name: 'Bo', email: 'bo@example.com' },
    });
    expect(member.id).toBe(1);
    const again = await app.invoke(GetMemberUseCase, { params: { memberId: member.id } });
    expect(again.name).toBe('Bo');
    expect(await app.entity(Member).get(member.id)).toMatchObject({ name: 'Bo' });
  });

  it('seeds rows through the repository, in one transaction', async () => {
    const rows = await app.seed(Member, [
      { name: 'A', email: 'a@example.com' },
      { name: 'B', email: 'b@example.com' },
    ]);
    expect(rows.map((r) => r.id)).toEqual([1, 2]);
    expect(rows[0]?.createdAt).toBeInstanceOf(Date);
    await app.seed(Note, [{ memberId: 2, text: 'hello' }]);
    expect(await app.kernel.repository(Note).count()).toBe(1);
    // All or nothing: the second row's unique violation rolls the first back.
    await expect(
      app.seed(Member, [
        { name: 'C', email: 'c@example.com' },
        { name: 'A again', email: 'a@example.com' },
      ]),
    ).rejects.toBeInstanceOf(Conflict);
    expect(await app.kernel.repository(Member).count()).toBe(2);
  });

  it('factories number their rows and take overrides; reset restarts the sequence', async () => {
    const members = app.factory(Member, (n) => ({ name: `Member ${n}`, email: `m${n}@example.com` }));
    const first = await members.create();
    const named = await members.create({ name: 'Named' });
    const computed = await members.createMany(2, (n) => ({ email: `custom${n}@example.com` }));
    expect(first).toMatchObject({ name: 'Member 1', email: 'm1@example.com' });
    expect(named).toMatchObject({ name: 'Named', email: 'm2@example.com' });
    expect(computed.map((m) => [m.name, m.email])).toEqual([
      ['Member 3', 'custom3@example.com'],
      ['Member 4', 'custom4@example.com'],
    ]);
    expect(members.build()).toEqual({ name: 'Member 5', email: 'm5@example.com' });
    await app.reset();
    expect(await members.create()).toMatchObject({ id: 1, name: 'Member 1' });
  });

  it('reset empties every table and restarts ids', async () => {
    await app.seed(Member, [{ name: 'A', email: 'a@example.com' }]);
    await app.seed(Note, [{ memberId: 1, text: 'x' }]);
    await app.reset();
    expect(await app.kernel.repository(Member).count()).toBe(0);
    expect(await app.kernel.repository(Note).count()).toBe(0);
    const [again] = await app.seed(Member, [{ name: 'A', email: 'a@example.com' }]);
    expect(again?.id).toBe(1);
  });

  it('isolates apps from each other: a second app does not see the first one’s rows', async () => {
    await app.seed(Member, [{ name: 'A', email: 'a@example.com' }]);
    const other = await createTestApp(KIT_DECLARATIONS, { databaseUrl: url });
    try {
      expect(await other.kernel.repository(Member).count()).toBe(0);
      await other.seed(Member, [{ name: 'A', email: 'a@example.com' }]);
    } finally {
      await other.close();
    }
    expect(await app.kernel.repository(Member).count()).toBe(1);
  });
});

describe('createTestApp: choosing the database', () => {
  it('runs on PostgreSQL, in a schema of its own, when LOOM_TEST_DATABASE_URL is set', async () => {
    const saved = process.env.LOOM_TEST_DATABASE_URL;
    process.env.LOOM_TEST_DATABASE_URL = KIT_DATABASES[1].url;
    let app: TestApp | undefined;
    try {
      app = await createTestApp(KIT_DECLARATIONS);
      expect(app.dialect).toBe('postgres');
      const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(
        app.db.kysely,
      );
      expect(String(rows[0]?.schema)).toMatch(/^loom_test_[0-9a-f]{12}$/);
    } finally {
      if (saved === undefined) delete process.env.LOOM_TEST_DATABASE_URL;
      else process.env.LOOM_TEST_DATABASE_URL = saved;
      await app?.close();
    }
  });

  it('defaults to SQLite in memory', async () => {
    const saved = process.env.LOOM_TEST_DATABASE_URL;
    delete process.env.LOOM_TEST_DATABASE_URL;
    const app = await createTestApp(KIT_DECLARATIONS);
    try {
      expect(app.dialect).toBe('sqlite');
    } finally {
      if (saved !== undefined) process.env.LOOM_TEST_DATABASE_URL = saved;
      await app.close();
    }
  });

  it('accepts a manifest and config overrides', async () => {
    const app = await createTestApp(
      { MODELS: [Member], USE_CASES: [CreateMemberUseCase], INTERFACES: [] },
      { config: { app: { name: 'manifest-app' } } },
    );
    try {
      expect(app.server.loom.config.app.name).toBe('manifest-app');
      expect((await app.invoke(CreateMemberUseCase, { payload: { name: 'A', email: 'a@b.co' } })).id).toBe(1);
    } finally {
      await app.close();
    }
  });
});
