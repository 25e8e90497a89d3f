import { afterEach, describe, expect, it } from 'vitest';
import { command, defineServices, job, provide, restInterface, route, t, useCase } from '../../src/index.ts';
import { createTestApp, expectJson, expectProblem, type TestApp } from '../../src/testing/index.ts';
import { DIALECTS, openTestDatabase, PG_URL } from '../support/dialects.ts';
import {
  collectDeclarations,
  createInProcessBackend,
  createWorker,
  resolveConfig,
} from '../support/internals.ts';
import { AuditTrail, Journal, TestMailer, TestSections } from './registry.ts';

const Welcome = command({ to: t.String(), fail: t.Optional(t.Boolean()) }, { name: 'Welcome' });

/** Reads an app service, a call-scoped one and the app's config section; fails on demand, after using them. */
export const SendWelcome = useCase(null, {
  name: 'sendWelcome',
  input: Welcome,
  execute: async ({ input, services, config }) => {
    services.audit.record(`welcome ${input.to}`);
    await Promise.resolve();
    const count = services.mailer.send(input.to);
    services.audit.record('sent');
    if (input.fail === true) throw new Error('mail server refused');
    return { count, audit: services.audit.id, from: config.mailer.from, retries: config.mailer.retries };
  },
});

export const WelcomeJob = job({
  queue: 'mail',
  input: Welcome,
  execute: ({ input, services }) => {
    services.audit.record(`job ${input.to}`);
    return services.mailer.send(input.to);
  },
});

const Api = restInterface(null, {
  prefix: '/welcome',
  routes: [route.post('/', SendWelcome, { status: 200 })],
});

const declarations = () =>
  collectDeclarations([
    ['SendWelcome', SendWelcome],
    ['WelcomeJob', WelcomeJob],
    ['Api', Api],
  ]);

/** One registration for every process; the journal shows the order of builds and disposals. */
function servicesFor(journal: Journal, audits: AuditTrail[]) {
  return defineServices({
    journal: provide.value(journal),
    mailer: provide.app(
      ({ config, services }) => {
        services.journal.note('build mailer');
        return new TestMailer(config.mailer.from, services.journal);
      },
      { dispose: (m) => m.journal.note(`dispose mailer after ${m.sent.length}`) },
    ),
    audit: provide.call(
      ({ services }) => {
        const trail = new AuditTrail();
        services.journal.note(`build audit ${trail.id}`);
        audits.push(trail);
        return trail;
      },
      {
        dispose: (trail) => {
          trail.disposed = true;
          journal.note(`dispose audit ${trail.id}: ${trail.lines.join(', ')}`);
        },
      },
    ),
  });
}

describe.each(DIALECTS)('application services on %s', (dialect) => {
  const url = dialect === 'sqlite' ? 'sqlite::memory:' : PG_URL;
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('builds app services once at boot, a call service per call, disposed after it, also when it fails', async () => {
    const journal = new Journal();
    const audits: AuditTrail[] = [];
    app = await createTestApp(declarations(), {
      databaseUrl: url,
      services: servicesFor(journal, audits),
      configSections: TestSections,
      config: { mailer: { from: 'shop@example.com' } },
    });
    expect(journal.entries).toEqual(['build mailer']);

    const ok = expectJson<{ count: number; audit: number; from: string; retries: number }>(
      await app.post('/welcome', { to: 'ada@example.com' }),
    );
    expect(ok).toMatchObject({ count: 1, from: 'shop@example.com', retries: 2 });
    expect(audits.at(-1)?.disposed).toBe(true);

    const failed = await app.post('/welcome', { to: 'bo@example.com', fail: true });
    expectProblem(failed, { status: 500 });
    const failedTrail = audits.at(-1);
    expect(failedTrail?.id).not.toBe(ok.audit);
    expect(failedTrail?.disposed).toBe(true);
    expect(failedTrail?.lines).toEqual(['welcome bo@example.com', 'sent']);

    // A nested scope per invocation, never shared; the mailer is the same instance throughout.
    const again = await app.invoke(SendWelcome, { payload: { to: 'cy@example.com' } });
    expect(again.count).toBe(3);
    expect(journal.entries.filter((e) => e === 'build mailer')).toHaveLength(1);
    expect(journal.entries.filter((e) => e.startsWith('dispose audit'))).toHaveLength(3);

    await app.close();
    app = undefined;
    expect(journal.entries.at(-1)).toBe('dispose mailer after 3');
  });

  it('jobs get the same services, call scope included', async () => {
    const journal = new Journal();
    const audits: AuditTrail[] = [];
    app = await createTestApp(declarations(), {
      databaseUrl: url,
      services: servicesFor(journal, audits),
      configSections: TestSections,
      config: { mailer: { from: 'jobs@example.com' } },
    });
    const receipt = await app.server.loom.kernel.services.jobs.run(WelcomeJob, {
      payload: { to: 'ada@example.com' },
    });
    expect(receipt).toBe(1);
    expect(audits).toHaveLength(1);
    expect(audits[0]?.lines).toEqual(['job ada@example.com']);
    expect(audits[0]?.disposed).toBe(true);
  });

  it('createWorker takes the same registration, and disposes in reverse order at stop', async () => {
    const journal = new Journal();
    const db = await openTestDatabase(dialect);
    const order: string[] = [];
    const worker = await createWorker({
      config: [],
      resolvedConfig: resolveConfig(
        {
          app: { name: 'services-worker' },
          database: { url: 'sqlite::memory:' },
          jobs: { backend: 'inprocess' },
          logger: { level: 'silent' },
          mailer: { from: 'worker@example.com' },
        },
        undefined,
        TestSections,
      ),
      declarations: declarations(),
      database: db,
      // In-process jobs from config would make a worker refuse to start (decision 0060): handed in.
      backend: createInProcessBackend(),
      services: defineServices({
        journal: provide.value(journal, { dispose: () => void order.push('journal') }),
        mailer: provide.app(({ config, services }) => new TestMailer(config.mailer.from, services.journal), {
          dispose: () => void order.push('mailer'),
        }),
        audit: provide.call(() => new AuditTrail()),
      }),
      configSections: TestSections,
    });
    try {
      const result = await worker.assembly.kernel.invoke(SendWelcome, { payload: { to: 'w@example.com' } });
      expect(result.from).toBe('worker@example.com');
    } finally {
      await worker.stop();
      await db.dispose();
    }
    expect(order).toEqual(['mailer', 'journal']);
  });

  it('boot fails naming the service whose factory throws, or the cycle', async () => {
    await expect(
      createTestApp(declarations(), {
        databaseUrl: url,
        services: defineServices({
          mailer: provide.app(() => {
            throw new Error('SMTP host unreachable');
          }),
        }),
        configSections: TestSections,
        config: { mailer: { from: 'x@example.com' } },
      }),
    ).rejects.toThrow(/building "mailer" failed: SMTP host unreachable/);
    await expect(
      createTestApp(declarations(), {
        databaseUrl: url,
        services: defineServices({
          journal: provide.app(({ services }) => {
            void services.mailer;
            return new Journal();
          }),
          mailer: provide.app(({ services }) => new TestMailer('a@b.c', services.journal)),
        }),
      }),
    ).rejects.toThrow(/dependency cycle journal → mailer → journal/);
  });

  it('a use case reading a service nobody registered fails with the name', async () => {
    app = await createTestApp(declarations(), {
      databaseUrl: url,
      configSections: TestSections,
      config: { mailer: { from: 'x@example.com' } },
    });
    await expect(app.invoke(SendWelcome, { payload: { to: 'a@b.c' } })).rejects.toThrow(
      /no provider registered for "audit"/,
    );
  });
});
