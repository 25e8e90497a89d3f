import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { memoryCache } from '../app/cache-choice.ts';
import { MEMORY_CACHE_WITH_WORKERS } from '../app/memory-cache-warning.ts';
import { assertSecretsSet, loadConfig } from '../config/index.ts';
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
  within,
} from './cli-context.ts';
import { runCluster } from './cluster-primary.ts';
import { SERVE_HELP } from './help.ts';

export { within } from './cli-context.ts';

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
  const flagTimeout = values['shutdown-timeout'];
  const stop = ctx.stop ?? processStopSignal();

  if (workers > 1) {
    // Fail on a bad config here, once, rather than in every worker.
    const config = await loadConfig(...configPaths);
    assertSecretsSet(config);
    const timeoutMs = positiveInt(flagTimeout, 'shutdown-timeout', config.app.shutdown.timeoutMs);
    const logger = createLogger({
      level: config.logger.level,
      pretty: config.logger.pretty,
      name: `${config.app.name}-cluster`,
    });
    // Each process would run its own queue and relay over the shared outbox: two of them may publish
    // the same row, and the job runs twice (decision 0060).
    if (config.jobs.backend !== 'bullmq') {
      throw new UsageError(
        `--workers ${workers} needs jobs.backend: bullmq; with "${config.jobs.backend}" every process ` +
          'would run its own queue over the shared outbox and a job could run twice. Set jobs.backend: ' +
          'bullmq (and jobs.redisUrl), or serve with --workers 1',
      );
    }
    if (memoryCache(config)) logger.warn(MEMORY_CACHE_WITH_WORKERS);
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
  const { rest, shutdown } = app.loom.config.app;
  const timeoutMs = positiveInt(flagTimeout, 'shutdown-timeout', shutdown.timeoutMs);
  try {
    await app.listen({ host: values.host ?? rest.host, port: port ?? rest.port });
  } catch (error) {
    await app.close();
    throw error;
  }
  await stopped(stop);
  // The deadline runs from the signal: draining, in-flight requests and jobs, closing connections. Past
  // it the command returns and the process exits, even when the database no longer answers.
  const deadline = Date.now() + timeoutMs;
  app.startDraining();
  if (shutdown.drainDelayMs > 0) {
    app.log.info({ drainDelayMs: shutdown.drainDelayMs }, 'draining: still serving while readiness is 503');
    await sleep(Math.min(shutdown.drainDelayMs, timeoutMs));
  }
  app.log.info({ signal: String(stop.reason) }, 'shutting down: finishing in-flight requests and jobs');
  if (!(await within(app.close(), Math.max(1, deadline - Date.now())))) {
    app.log.error({ timeoutMs }, 'shutdown timed out');
    return EXIT.failure;
  }
  app.log.info('stopped');
  return EXIT.ok;
}
