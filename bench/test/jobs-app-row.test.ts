import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseUrl } from '../db-url.ts';
import { runLoomApp } from '../jobs/loom-app-jobs.ts';

// The jobs bench's headline row must be the app as users run it: createApp + createWorker from
// jobs/app/jobs.yaml, with the worker's observability on (a log line per attempt, the callback's too).
describe('jobs bench: the createApp + createWorker row', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loom-jobs-row-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every job and its success callback through the configured app, logging each attempt', async () => {
    const logFile = join(dir, 'app.log');
    const result = await runLoomApp(
      {
        jobs: 40,
        warmup: 5,
        concurrency: 4,
        dispatchers: 4,
        redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        databaseUrl: databaseUrl(),
      },
      logFile,
    );
    expect(result.name).toBe('loom via createApp + createWorker');
    expect(result.jobs).toBe(40);
    expect(result.elapsedMs).toBeGreaterThan(0);
    // A use case that writes nothing publishes straight to BullMQ: no SQL per job (decision 0067); the
    // outbox relay's background poll may run once or twice during the window.
    expect(result.statementsPerJob).toBeLessThan(0.2);
    expect(result.p99Ms).toBeGreaterThanOrEqual(result.p50Ms ?? 0);
    const lines = readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; job?: string; outcome?: string });
    const attempts = (job: string) =>
      lines.filter((l) => l.msg === 'job' && l.job === job && l.outcome === 'succeeded');
    expect(lines.some((l) => l.msg === 'worker started')).toBe(true);
    expect(attempts('Noop')).toHaveLength(45);
    expect(attempts('NoopCallbacks.onSuccess')).toHaveLength(45);
  });
});
