/**
 * A job worker process for the multi-process tests: a JobRuntime over PostgreSQL (one schema) and
 * BullMQ, consuming queue `work` with concurrency 1, with short lock and stalled-check intervals so a
 * killed worker's job is handed on within about a second. SIGTERM stops it the way `createWorker`'s
 * `stop()` does: stop taking jobs, let the running one finish, close the relay, the queue, the database.
 *
 * Usage: `LOOM_TEST_WORKER_MODE=block|slow|normal node worker-process.ts <pg-url> <schema> <redis-url> <prefix>`
 * Says `ready`, `started <key>` (from the job), `stopping` and `stopped` on stdout.
 */
import { openDatabase } from '../../../src/db/database.ts';
import { createBullmqBackend } from '../../../src/job/backends/index.ts';
import { JobRuntime } from '../../../src/job/job-runtime.ts';
import { Kernel } from '../../support/internals.ts';
import { Work, WorkCallbacks, WorkGroupDone } from './process-declarations.ts';

const [pgUrl, schema, redisUrl, prefix] = process.argv.slice(2);
if (pgUrl === undefined || schema === undefined || redisUrl === undefined || prefix === undefined) {
  console.error('usage: worker-process.ts <pg-url> <schema> <redis-url> <prefix>');
  process.exit(2);
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);

const db = openDatabase({ dialect: 'postgres', connectionString: pgUrl, searchPath: schema, poolSize: 4 });
const kernel = new Kernel({ db, cursorSecret: 'worker-process-cursor-secret' });
const backend = createBullmqBackend({ url: redisUrl, prefix, lockDurationMs: 1_000, stalledIntervalMs: 300 });
const runtime = new JobRuntime({
  kernel,
  backend,
  jobs: [Work],
  callbacks: [WorkCallbacks],
  groupCallbacks: [WorkGroupDone],
  relay: { pollMs: 100 },
});
runtime.start();
const consumer = runtime.consume({ concurrency: 1 });

let stopping = false;
async function stop(): Promise<void> {
  say('stopping');
  await consumer.close({ timeoutMs: 10_000 });
  await runtime.close();
  await backend.close();
  await db.close();
  say('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => {
  // A repeated signal waits for the same shutdown.
  if (stopping) return;
  stopping = true;
  void stop();
});
say('ready');
