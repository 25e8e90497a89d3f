import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  constraintViolation,
  createTestApp,
  expectError,
  repositoryOverride,
  runUseCase,
  systemError,
  type TestApp,
  throws,
} from '../../src/testing/index.ts';
import {
  BadRequest,
  Conflict,
  NotFound,
  RuleViolations,
  useCase,
  ValidationError,
} from '../support/internals.ts';
import {
  CreateMemberUseCase,
  GetMemberUseCase,
  KIT_DATABASES,
  KIT_DECLARATIONS,
  ListMembersUseCase,
  MAILER,
  MailMemberUseCase,
  Member,
  RenameMemberUseCase,
  WelcomeMemberUseCase,
} from './kit-app.ts';

const ada = {
  id: 7,
  name: 'Ada',
  email: 'ada@example.com',
  status: 'new',
  createdAt: new Date(0),
  updatedAt: new Date(0),
};

describe('runUseCase without an app (loads given, or run on an empty in-memory database)', () => {
  it('uses the given load values instead of reading the database', async () => {
    const member = await runUseCase(GetMemberUseCase, { params: { memberId: 7 }, load: { member: ada } });
    expect(member).toBe(ada);
  });

  it('runs loads that are not given for real (here: nothing stored, so NotFound)', async () => {
    const error = await expectError(runUseCase(GetMemberUseCase, { params: { memberId: 7 } }), NotFound);
    expect(error).toMatchObject({ entity: 'Member', id: 7 });
  });

  it('reports rule violations with their fields, after computes', async () => {
    const error = await expectError(
      runUseCase(CreateMemberUseCase, {
        payload: { name: ' ', email: 'ADA@example.com' },
        load: { emailTaken: true },
      }),
      RuleViolations,
    );
    expect(error.violations).toEqual([
      { field: 'name', message: 'name must not be blank' },
      { field: 'email', message: 'email already exists' },
    ]);
  });

  it('binds params and parses the payload as app.invoke does', async () => {
    await expectError(runUseCase(CreateMemberUseCase, { payload: { name: 3 } as never }), ValidationError);
    const renamed = await runUseCase(RenameMemberUseCase, {
      params: { memberId: 7 },
      payload: {},
      load: { current: ada },
      repo: {
        update: async (_id, patch) => ({
          ...ada,
          name: typeof patch.name === 'string' ? patch.name : ada.name,
        }),
      },
    });
    expect(renamed.name).toBe('Ada');
  });

  it('binds params: a param of the wrong type is a 400 (BadRequest) before any load', async () => {
    const error = await expectError(
      runUseCase(GetMemberUseCase, { params: { memberId: 'seven' } as never, load: { member: ada } }),
      BadRequest,
    );
    expect(error).toMatchObject({ parameter: 'memberId', status: 400 });
  });

  it('gives the use case the trace id of the call', async () => {
    const Trace = useCase(null, { name: 'Trace', execute: ({ traceId }) => traceId });
    expect(await runUseCase(Trace, { traceId: 'kit-trace-7' })).toBe('kit-trace-7');
    expect(await runUseCase(Trace, { services: { traceId: 'from-services' } })).toBe('from-services');
  });

  it('replaces main-repository methods, and only those', async () => {
    const calls: unknown[] = [];
    const created = await runUseCase(CreateMemberUseCase, {
      payload: { name: 'Ada', email: 'ADA@example.com' },
      repo: {
        create: async (data) => {
          calls.push(data);
          return { ...ada, ...data };
        },
      },
    });
    expect(calls).toEqual([{ name: 'Ada', email: 'ada@example.com' }]);
    expect(created.email).toBe('ada@example.com');
    // `exists` was not replaced: it ran on the (empty) database.
    const exists = await runUseCase(CreateMemberUseCase, {
      payload: { name: 'Ada', email: 'a@b.co' },
      repo: { exists: async () => true, create: throws(new Error('must not be reached')) },
    }).catch((e: unknown) => e);
    expect(exists).toBeInstanceOf(RuleViolations);
  });

  it('replaces other models’ repositories (loads of that model go through them)', async () => {
    const member = await runUseCase(GetMemberUseCase, {
      params: { memberId: 7 },
      repositories: [repositoryOverride(Member, { getById: async () => ada })],
    });
    expect(member).toBe(ada);
  });

  it('replaces services', async () => {
    const sent: string[] = [];
    const result = await runUseCase(MailMemberUseCase, {
      params: { memberId: 7 },
      load: { member: ada },
      services: {
        resolve: <T>() =>
          ({
            send: async (to: string) => {
              sent.push(to);
              return 'queued';
            },
          }) as T,
      },
    });
    expect(result).toBe('queued');
    expect(sent).toEqual(['ada@example.com']);
    const dispatched: unknown[] = [];
    await runUseCase(WelcomeMemberUseCase, {
      params: { memberId: 7 },
      payload: { greeting: 'hi' },
      load: { member: ada },
      services: {
        jobs: {
          dispatch: async (_job, args) => {
            dispatched.push(args);
            return { jobId: 'j1', queue: 'mail', wait: throws(new Error('not expected')) };
          },
          dispatchRaw: throws(new Error('not expected')),
          dispatchGroup: throws(new Error('not expected')),
          run: throws(new Error('not expected')),
          status: throws(new Error('not expected')),
        },
      },
    });
    expect(dispatched).toMatchObject([{ params: { memberId: 7 }, payload: { greeting: 'hi' } }]);
  });

  it('surfaces forced repository failures as the errors they are', async () => {
    const conflict = await expectError(
      runUseCase(CreateMemberUseCase, {
        payload: { name: 'Ada', email: 'a@b.co' },
        repo: { create: throws(constraintViolation('unique', 'members', 'email')) },
      }),
      Conflict,
    );
    expect(conflict).toMatchObject({ kind: 'unique', constraint: 'uq_members_email', status: 409 });
    const system = await runUseCase(CreateMemberUseCase, {
      payload: { name: 'Ada', email: 'a@b.co' },
      repo: { create: throws(systemError('disk full')) },
    }).catch((e: unknown) => e);
    expect(system).toMatchObject({ name: 'SimulatedSystemError', message: 'disk full' });
  });

  it('expectError fails when the call resolves or throws something else', async () => {
    await expect(expectError(Promise.resolve({ ok: 1 }), NotFound)).rejects.toThrow(
      'expected NotFound to be thrown, but the call resolved with {"ok":1}',
    );
    await expect(expectError(Promise.reject(new Error('boom')), NotFound)).rejects.toThrow(
      'expected NotFound to be thrown, got Error: boom',
    );
  });
});

describe.each(KIT_DATABASES)('runUseCase on a test app ($dialect)', ({ url }) => {
  let app: TestApp;
  beforeEach(async () => {
    app = await createTestApp(KIT_DECLARATIONS, { databaseUrl: url });
  });
  afterEach(() => app.close());

  it('runs for real on the app’s database, with overrides for this call only', async () => {
    const created = await runUseCase(CreateMemberUseCase, { payload: { name: 'Ada', email: 'a@b.co' }, app });
    expect((await app.get(`/members/${created.id}`)).status).toBe(200);
    const taken = await expectError(
      runUseCase(CreateMemberUseCase, { payload: { name: 'Ada', email: 'a@b.co' }, app }),
      RuleViolations,
    );
    expect(taken.violations.map((v) => v.field)).toEqual(['email']);
    // Told the email is free, the database's unique constraint answers (and the transaction rolls back).
    await expectError(
      runUseCase(CreateMemberUseCase, {
        payload: { name: 'Ada', email: 'a@b.co' },
        load: { emailTaken: false },
        app,
      }),
      Conflict,
    );
    expect(await app.kernel.repository(Member).count()).toBe(1);
    // The override did not leak into the app.
    await expectError(
      app.invoke(CreateMemberUseCase, { payload: { name: 'A', email: 'a@b.co' } }),
      RuleViolations,
    );
  });

  it('passes the list query given, instead of the default one', async () => {
    await app.seed(Member, [
      { name: 'A', email: 'a@example.com' },
      { name: 'B', email: 'b@example.com' },
      { name: 'C', email: 'c@example.com' },
    ]);
    const page = await runUseCase(ListMembersUseCase, {
      query: { pagination: { mode: 'offset', page: 2, limit: 2 } },
      app,
    });
    expect(page).toMatchObject({ page: 2, limit: 2, totalCount: 3 });
    expect(page.items.map((m) => m.name)).toEqual(['C']);
  });

  it('repository overrides on an app apply to that call only', async () => {
    await expectError(
      runUseCase(CreateMemberUseCase, {
        payload: { name: 'Ada', email: 'a@b.co' },
        repo: { create: throws(constraintViolation('unique', 'members', 'email')) },
        app,
      }),
      Conflict,
    );
    expect((await app.post('/members', { name: 'Ada', email: 'a@b.co' })).status).toBe(201);
    const seen = await runUseCase(GetMemberUseCase, {
      params: { memberId: 7 },
      repositories: [repositoryOverride(Member, { getById: async () => ada })],
      app,
    });
    expect(seen).toBe(ada);
    expect((await app.get('/members/7')).status).toBe(404);
  });

  it('forces a repository to fail inside the app: errors map to problem documents', async () => {
    const restore = app.faults.repository(
      Member,
      'create',
      constraintViolation('unique', 'members', 'email'),
    );
    const conflict = await app.post('/members', { name: 'Ada', email: 'a@b.co' });
    expect(conflict.status).toBe(409);
    expect(conflict.json()).toMatchObject({ code: 'LOOM_CONFLICT', constraint: 'uq_members_email' });
    restore();
    expect((await app.post('/members', { name: 'Ada', email: 'a@b.co' })).status).toBe(201);

    app.faults.repository(Member, 'getById');
    const broken = await app.get('/members/1');
    expect(broken.status).toBe(500);
    expect(broken.text).not.toContain('simulated');
    await app.reset(); // undoes faults
    expect((await app.get('/members/1')).status).toBe(404);
  });

  it('forces a registered service to fail', async () => {
    app.kernel.container.register(MAILER, { useValue: { send: async () => 'sent' } });
    await app.seed(Member, [{ name: 'Ada', email: 'a@b.co' }]);
    expect(await app.invoke(MailMemberUseCase, { params: { memberId: 1 } })).toBe('sent');
    const restore = app.faults.service(MAILER, 'send', systemError('SMTP down'));
    await expect(app.invoke(MailMemberUseCase, { params: { memberId: 1 } })).rejects.toThrow('SMTP down');
    expect((await app.post('/members/1/welcome', { greeting: 'x' })).status).toBe(202);
    restore();
    expect(await app.invoke(MailMemberUseCase, { params: { memberId: 1 } })).toBe('sent');
  });
});
