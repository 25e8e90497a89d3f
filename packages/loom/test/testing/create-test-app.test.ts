import { sql } from 'kysely';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createTestApp,
  expectJson,
  expectProblem,
  type TestApp,
  testResponse,
} from '../../src/testing/index.ts';
import { Conflict, type Infer } from '../support/internals.ts';
import {
  CreateMemberUseCase,
  GetMemberUseCase,
  KIT_DATABASES,
  KIT_DECLARATIONS,
  Label,
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

  it('sends each helper’s method, body, query and headers', async () => {
    await app.seed(Member, [
      { name: 'A', email: 'a@example.com' },
      { name: 'B', email: 'b@example.com' },
      { name: 'C', email: 'c@example.com' },
    ]);
    const page = expectJson<{ items: MemberRow[] }>(await app.get('/members', { query: { limit: '2' } }));
    expect(page.items).toHaveLength(2);
    const traced = await app.get('/members/1', { headers: { 'x-request-id': 'kit-get-1' } });
    expect(traced.headers['x-request-id']).toBe('kit-get-1');
    const posted = await app.post(
      '/members',
      { name: 'D', email: 'd@example.com' },
      { headers: { 'x-request-id': 'kit-post-1' } },
    );
    expect(posted.status).toBe(201);
    expect(posted.headers['x-request-id']).toBe('kit-post-1');
    expect(expectJson<MemberRow>(await app.patch('/members/1', { name: 'Patched' })).name).toBe('Patched');
    expect(expectJson<MemberRow>(await app.put('/members/2/name', { name: 'Put' })).name).toBe('Put');
    await app.seed(Note, [{ memberId: 1, text: 'x' }]);
    expect((await app.delete('/notes/1')).status).toBe(200);
    expect(await app.kernel.repository(Note).count()).toBe(0);
    const raw = await app.request({ method: 'GET', url: '/members/3' });
    expect(raw.json<MemberRow>().name).toBe('C');
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
    // Labels have no foreign key to members: only a reset of every table empties them.
    await app.seed(Label, [{ text: 'l1' }, { text: 'l2' }]);
    await app.reset();
    expect(await app.kernel.repository(Member).count()).toBe(0);
    expect(await app.kernel.repository(Note).count()).toBe(0);
    expect(await app.kernel.repository(Label).count()).toBe(0);
    const [again] = await app.seed(Member, [{ name: 'A', email: 'a@example.com' }]);
    expect(again?.id).toBe(1);
    const [label] = await app.seed(Label, [{ text: 'l3' }]);
    expect(label?.id).toBe(1);
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

  it('an explicit databaseUrl wins over LOOM_TEST_DATABASE_URL', async () => {
    const saved = process.env.LOOM_TEST_DATABASE_URL;
    process.env.LOOM_TEST_DATABASE_URL = KIT_DATABASES[1].url;
    let app: TestApp | undefined;
    try {
      app = await createTestApp(KIT_DECLARATIONS, { databaseUrl: 'sqlite::memory:' });
      expect(app.dialect).toBe('sqlite');
    } finally {
      if (saved === undefined) delete process.env.LOOM_TEST_DATABASE_URL;
      else process.env.LOOM_TEST_DATABASE_URL = saved;
      await app?.close();
    }
  });

  it('close drops the app’s PostgreSQL schema', async () => {
    const app = await createTestApp(KIT_DECLARATIONS, { databaseUrl: KIT_DATABASES[1].url });
    const probe = await createTestApp(KIT_DECLARATIONS, { databaseUrl: KIT_DATABASES[1].url });
    try {
      const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(
        app.db.kysely,
      );
      const schema = String(rows[0]?.schema);
      const count = async () =>
        Number(
          (
            await sql<{ n: number }>`select count(*) as n from information_schema.schemata
              where schema_name = ${schema}`.execute(probe.db.kysely)
          ).rows[0]?.n,
        );
      expect(await count()).toBe(1);
      await app.close();
      expect(await count()).toBe(0);
    } finally {
      await probe.close();
    }
  });

  it('accepts a manifest and config overrides', async () => {
    const app = await createTestApp(
      { MODELS: [Member], USE_CASES: [CreateMemberUseCase], INTERFACES: [] },
      { config: { app: { name: 'manifest-app' } } },
    );
    try {
      expect(app.server.loom.config.app.name).toBe('manifest-app');
      expect(app.jobs.mode).toBe('eager');
      expect((await app.invoke(CreateMemberUseCase, { payload: { name: 'A', email: 'a@b.co' } })).id).toBe(1);
    } finally {
      await app.close();
    }
  });
});

describe('createTestApp: config and request options reach the server', () => {
  it('a query on a body request reaches the route (unknown parameters rejected by config)', async () => {
    const app = await createTestApp(KIT_DECLARATIONS, {
      config: { app: { name: 'kit-unknown-query', rest: { unknownQuery: 'reject' } } },
    });
    try {
      const body = { name: 'A', email: 'a@example.com' };
      expectProblem(await app.post('/members', body, { query: { bogus: '1' } }), { status: 400 });
      expect((await app.post('/members', body)).status).toBe(201);
    } finally {
      await app.close();
    }
  });
});

describe('createTestApp({ logger })', () => {
  it('logs to the logger given (here: the error behind a 500)', async () => {
    const lines: { level: number; msg?: string }[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const app = await createTestApp(KIT_DECLARATIONS, { logger });
    try {
      app.faults.repository(Member, 'getById');
      expectProblem(await app.get('/members/1'), { status: 500 });
      expect(lines.some((l) => l.level >= 50)).toBe(true);
    } finally {
      await app.close();
    }
  });
});

describe('expectJson and expectProblem on hand-made responses', () => {
  const problem = {
    type: 'urn:loom:problem:not-found',
    title: 'Not Found',
    status: 404,
    detail: 'Member 9 not found',
    code: 'LOOM_NOT_FOUND',
    traceId: 't-1',
  };
  const reply = (status: number, type: string, body: unknown) =>
    testResponse({ statusCode: status, headers: { 'content-type': type }, body: JSON.stringify(body) });

  it('expectProblem requires type, title, detail, code and traceId, and a matching status member', () => {
    expect(expectProblem(reply(404, 'application/problem+json', problem), { status: 404 })).toEqual(problem);
    for (const key of ['type', 'title', 'detail', 'code', 'traceId'] as const) {
      const { [key]: _dropped, ...rest } = problem;
      expect(() => expectProblem(reply(404, 'application/problem+json', rest), { status: 404 })).toThrow(
        `"${key}" is missing`,
      );
    }
    const lying = reply(404, 'application/problem+json', { ...problem, status: 500 });
    expect(() => expectProblem(lying, { status: 404 })).toThrow('its "status" is 500');
  });

  it('expectJson requires a JSON content type, and the exact status when given', () => {
    expect(expectJson(reply(200, 'application/json; charset=utf-8', { ok: 1 }))).toEqual({ ok: 1 });
    expect(() => expectJson(reply(200, 'text/plain', { ok: 1 }))).toThrow('expected an application/json');
    expect(() => expectJson(reply(200, 'application/json', { ok: 1 }), 201)).toThrow('expected 201');
  });
});
