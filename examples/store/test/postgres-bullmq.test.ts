import { describe, expect, it } from 'vitest';
import { describeStoreSuite } from './scenarios/store-suite.ts';
import { Fixtures } from './support/fixtures.ts';
import { type PostgresStoreSetup, startPostgresStore } from './support/postgres-setup.ts';
import type { DispatchReceipt } from './support/wire.ts';

// Setup (b): PostgreSQL (a database of its own), BullMQ on Redis, and the jobs run by a separate worker
// process (src/worker.ts) configured through DATABASE_URL, REDIS_URL and STORE_CONFIG_OVERLAYS.
let setup: PostgresStoreSetup | undefined;

describeStoreSuite(
  'store on PostgreSQL + BullMQ + worker process',
  async () => {
    setup = await startPostgresStore();
    return setup;
  },
  (suite) => {
    describe('the BullMQ dashboard', () => {
      it("GET /jobs serves bull-board, whose API lists the jobs the worker ran on this run's queues", async () => {
        const page = await suite.api.get('/jobs');
        expect(page.status).toBe(200);
        expect(page.contentType).toMatch(/^text\/html/);
        const product = await new Fixtures(suite).product({ stock: 0 });
        const dispatched = await suite.api.post<DispatchReceipt>(
          `/products/${product.id}/jobs/restock-email`,
          {
            recipientEmail: 'board@example.com',
          },
        );
        await suite.store.jobs.finished(`${dispatched.body.jobId}-success`);
        const queue = suite.store.queueOf('SendRestockEmail');
        const api = await suite.api.get<{ queues: { name: string; counts: Record<string, number> }[] }>(
          '/jobs/api/queues',
        );
        expect(api.status).toBe(200);
        const notifications = api.body.queues.find((q) => q.name === queue);
        expect(notifications?.counts.completed).toBeGreaterThan(0);
      });
    });

    describe('the worker process', () => {
      it('SIGTERM → finishes, logs "worker stopped" and exits 0', async () => {
        const worker = setup?.worker;
        if (!worker) throw new Error('the PostgreSQL setup did not start');
        worker.child.kill('SIGTERM');
        expect(await worker.exited).toEqual({ code: 0, signal: null });
        expect(worker.stdout.lines.some((l) => l.msg === 'worker stopped')).toBe(true);
      });
    });
  },
);
