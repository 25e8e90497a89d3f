import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceUnavailable } from '../../src/errors/index.ts';
import { createInProcessBackend, type QueueBackend } from '../../src/job/backends/index.ts';
import { OutboxEntry, outboxBacklog } from '../../src/job/outbox.ts';
import { DIALECTS, openTestDatabase } from '../support/dialects.ts';
import { syncSchema } from '../support/internals.ts';
import { API_MODELS, type ApiHarness, apiKey, Echo, startApiHarness } from './support/api-declarations.ts';

describe.each(DIALECTS)('a job whose outbox row is not published yet / %s', (dialect) => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let h: ApiHarness;
  let down = true;
  beforeAll(async () => {
    db = await openTestDatabase(dialect);
    await syncSchema(db, [...API_MODELS, OutboxEntry]);
    const inner = createInProcessBackend({ onError: () => {} });
    // The queue refuses every publish until the test lets it through: rows stay in the outbox.
    const backend: QueueBackend = {
      kind: inner.kind,
      publish: async (message) => {
        if (down) throw new ServiceUnavailable('the queue is down for this test');
        await inner.publish(message);
      },
      consume: (options) => inner.consume(options),
      stats: (queue) => inner.stats(queue),
      status: (id, queues) => inner.status(id, queues),
      health: () => inner.health(),
      close: () => inner.close(),
    };
    h = startApiHarness(db, backend);
  });
  afterAll(async () => {
    await h?.close();
    await db?.dispose();
  });

  it('is pending while its row waits in the outbox, then runs once the queue is back', async () => {
    const receipt = await h.runtime.dispatch(Echo, { payload: { key: apiKey('pending') } });
    expect(await outboxBacklog(db)).toBe(1);
    expect(await h.runtime.status(receipt.jobId)).toEqual({
      jobId: receipt.jobId,
      name: 'Echo',
      queue: 'api',
      state: 'pending',
      attempts: 0,
    });
    expect(await h.runtime.status(Echo, receipt.jobId)).toMatchObject({ state: 'pending' });
    down = false;
    expect(await receipt.wait({ timeoutMs: 10_000 })).toMatchObject({ state: 'completed', attempts: 1 });
  });
});
