import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config/index.ts';
import { createLogger } from '../observability/logger.ts';
import {
  type CliContext,
  configPathsOf,
  EXIT,
  parseCommand,
  positiveInt,
  processStopSignal,
  stopped,
  UsageError,
} from './cli-context.ts';
import { runCluster } from './cluster-primary.ts';
import { SERVE_HELP } from './help.ts';

// The `loom` bin next to this file: bin.js when compiled, bin.ts when run from the sources.
const BIN = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? './bin.ts' : './bin.js', import.meta.url),
);

function portOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new UsageError(`--port must be an integer 0..65535, got "${value}"`);
  return n;
}

/**
 * Runs `work` until it settles or `timeoutMs` passes: true when it finished in time.
 *
 * @example
 * ```ts
 * if (!(await within(app.close(), 30_000))) return EXIT.failure;
 * ```
 */
export async function within(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([work.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `loom serve [--workers N] [--host H] [--port P] [--shutdown-timeout MS] <config.yaml>...` */
export async function serveCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    workers: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    'shutdown-timeout': { type: 'string' },
  });
  if (values.help) {
    ctx.stdout(SERVE_HELP);
    return EXIT.ok;
  }
  const configPaths = configPathsOf(positionals, 'serve');
  const workers = positiveInt(values.workers, 'workers', 1);
  const port = portOf(values.port);
  const timeoutMs = positiveInt(values['shutdown-timeout'], 'shutdown-timeout', 30_000);
  const stop = ctx.stop ?? processStopSignal();

  if (workers > 1) {
    // Fail on a bad config here, once, rather than in every worker.
    const config = await loadConfig(...configPaths);
    const logger = createLogger({
      level: config.logger.level,
      pretty: config.logger.pretty,
      name: `${config.app.name}-cluster`,
    });
    if (config.jobs.backend !== 'bullmq') {
      logger.warn(
        { backend: config.jobs.backend },
        'each cluster worker runs its own in-process job queue: use the bullmq backend to share jobs',
      );
    }
    const passOn = [
      ...(values.host === undefined ? [] : ['--host', values.host]),
      ...(port === undefined ? [] : ['--port', String(port)]),
      '--shutdown-timeout',
      String(timeoutMs),
    ];
    return runCluster({
      workers,
      exec: BIN,
      args: ['serve', ...passOn, ...configPaths],
      stop,
      timeoutMs,
      logger,
    });
  }

  // Loaded here, not at the top: the cluster primary never builds the app.
  const { createApp } = await import('../app/create-app.ts');
  const app = await createApp(...configPaths);
  const rest = app.loom.config.app.rest;
  try {
    await app.listen({ host: values.host ?? rest.host, port: port ?? rest.port });
  } catch (error) {
    await app.close();
    throw error;
  }
  await stopped(stop);
  app.log.info({ signal: String(stop.reason) }, 'shutting down: finishing in-flight requests and jobs');
  if (!(await within(app.close(), timeoutMs))) {
    app.log.error({ timeoutMs }, 'shutdown timed out');
    return EXIT.failure;
  }
  app.log.info('stopped');
  return EXIT.ok;
}
