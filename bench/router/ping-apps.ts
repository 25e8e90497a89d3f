/**
 * The apps of the router benchmarks (`ping.ts`, `ping-instructions.ts`): each serves `GET /ping` →
 * `{"status":"ok"}`.
 */
/**
 * `loom`: the REST layer. `plain`: Fastify alone. `kernel`: Fastify calling the same use case through the
 * kernel by hand, with the call context: loom minus the REST layer, which splits the overhead between
 * the REST layer and the kernel. `ambient`: loom with `ambientContext` on (each request also runs in an
 * AsyncLocalStorage, as with statement logging or tracing), which shows what that costs on this Node.
 */
export type Target = 'loom' | 'plain' | 'kernel' | 'ambient';
export const TARGETS: readonly Target[] = ['plain', 'loom', 'kernel', 'ambient'];

async function serveLoom(ambientContext: boolean) {
  const { createRestServer, Kernel, openDatabase, restInterface, route, useCase } = await import(
    '../../packages/loom/test/support/internals.ts'
  );
  const db = openDatabase({ dialect: 'sqlite', filename: ':memory:' });
  const kernel = new Kernel({ db, cursorSecret: 'bench-ping-secret' });
  const Ping = useCase(null, { name: 'ping', readOnly: true, execute: () => ({ status: 'ok' }) });
  const api = restInterface(null, { prefix: '/', routes: [route.get('/ping', Ping)] });
  return createRestServer({ kernel, interfaces: [api], ambientContext });
}

async function serveKernel() {
  const { default: Fastify } = await import('fastify');
  const { Kernel, openDatabase, useCase } = await import('../../packages/loom/test/support/internals.ts');
  const db = openDatabase({ dialect: 'sqlite', filename: ':memory:' });
  const kernel = new Kernel({ db, cursorSecret: 'bench-ping-secret' });
  const Ping = useCase(null, { name: 'ping', readOnly: true, execute: () => ({ status: 'ok' }) });
  const app = Fastify();
  app.get('/ping', (request) => kernel.call(Ping, { readOnly: true, context: { traceId: request.id } }));
  return app;
}

async function servePlain() {
  const { default: Fastify } = await import('fastify');
  const app = Fastify();
  app.get('/ping', async () => ({ status: 'ok' }));
  return app;
}

/** What each app is, for the result tables. */
export const LABELS: Record<Target, string> = {
  plain: 'plain Fastify',
  loom: 'loom route',
  kernel: 'Fastify + kernel.call by hand',
  ambient: 'loom route, ambientContext on',
};

/** Builds one of the apps (not listening yet). */
export function createPingApp(target: Target) {
  return target === 'plain'
    ? servePlain()
    : target === 'kernel'
      ? serveKernel()
      : serveLoom(target === 'ambient');
}

/** A positive number from the environment, else `fallback`. */
export function positiveEnv(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/** The apps named in `PING_TARGETS` (comma-separated), else all of them. */
export function targetsFromEnv(): Target[] {
  return (process.env.PING_TARGETS?.split(',') ?? TARGETS).filter((t): t is Target =>
    TARGETS.includes(t as Target),
  );
}
