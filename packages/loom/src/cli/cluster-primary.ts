import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../use-case/services.ts';

/** Options of {@link runCluster}. */
export interface ClusterOptions {
  /** Number of worker processes. */
  readonly workers: number;
  /** The script each worker runs (the `loom` bin) and its arguments (`serve <config>…`, no `--workers`). */
  readonly exec: string;
  readonly args: readonly string[];
  /** Aborted → SIGTERM to every worker, then wait for them. */
  readonly stop: AbortSignal;
  /** How long workers get to finish after SIGTERM before they are killed. */
  readonly timeoutMs: number;
  readonly logger: Logger;
}

/** A worker that dies this soon after it started counts as a quick crash: its restart is delayed. */
const QUICK_CRASH_MS = 5_000;
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * The primary process of `loom serve --workers N`: forks N workers that each build the app and listen
 * on the shared port (node:cluster distributes connections), restarts a worker that dies (with a
 * growing delay while they keep crashing at once), and on stop forwards SIGTERM to every worker and
 * waits for their graceful exit (SIGKILL past `timeoutMs`). A worker that dies before it ever listened
 * means the app cannot start: the cluster stops and resolves 1. Resolves 0 after a clean stop.
 *
 * @example
 * ```ts
 * const code = await runCluster({ workers: 4, exec: binPath, args: ['serve', 'config/api.yaml'], stop, timeoutMs: 30_000, logger });
 * ```
 */
export function runCluster(options: ClusterOptions): Promise<number> {
  const { logger } = options;
  cluster.setupPrimary({ exec: options.exec, args: [...options.args] });
  const live = new Set<Worker>();
  const listened = new WeakSet<Worker>();
  const startedAt = new WeakMap<Worker, number>();
  let quickCrashes = 0;
  let stopping = false;
  let failed = false;

  return new Promise((resolve) => {
    let killTimer: NodeJS.Timeout | undefined;
    const finish = () => {
      if (killTimer) clearTimeout(killTimer);
      cluster.off('exit', onExit);
      logger.info({ failed }, 'cluster stopped');
      resolve(failed ? 1 : 0);
    };
    const stopAll = (why: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ reason: why, workers: live.size }, 'cluster stopping');
      if (live.size === 0) return finish();
      for (const w of live) w.process.kill('SIGTERM');
      killTimer = setTimeout(() => {
        logger.error({ workers: live.size }, 'workers did not stop in time: killing them');
        failed = true;
        for (const w of live) w.process.kill('SIGKILL');
      }, options.timeoutMs + 1_000);
    };
    const fork = () => {
      const worker = cluster.fork();
      live.add(worker);
      startedAt.set(worker, Date.now());
      worker.once('listening', (address) => {
        listened.add(worker);
        logger.info({ worker: worker.process.pid, port: address.port }, 'cluster worker listening');
      });
    };
    function onExit(worker: Worker, code: number | null, signal: string | null) {
      live.delete(worker);
      if (stopping) {
        if (live.size === 0) finish();
        return;
      }
      if (!listened.has(worker)) {
        logger.error(
          { worker: worker.process.pid, code, signal },
          'a worker exited before it listened: stopping',
        );
        failed = true;
        stopAll('worker failed to start');
        return;
      }
      const quick = Date.now() - (startedAt.get(worker) ?? 0) < QUICK_CRASH_MS;
      quickCrashes = quick ? quickCrashes + 1 : 0;
      const delay = quick ? Math.min(MAX_RESTART_DELAY_MS, 250 * 2 ** quickCrashes) : 0;
      logger.warn(
        { worker: worker.process.pid, code, signal, restartInMs: delay },
        'cluster worker died: restarting',
      );
      setTimeout(() => {
        if (!stopping) fork();
      }, delay);
    }
    cluster.on('exit', onExit);
    options.stop.addEventListener('abort', () => stopAll(String(options.stop.reason)), { once: true });
    logger.info({ workers: options.workers }, 'cluster starting');
    for (let i = 0; i < options.workers; i++) fork();
    if (options.stop.aborted) stopAll(String(options.stop.reason));
  });
}
