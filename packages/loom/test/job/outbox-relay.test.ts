import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ServiceUnavailable } from '../../src/errors/index.ts';
import type { JobMessage, QueueBackend } from '../../src/job/backends/index.ts';
import { insertOutbox, OutboxEntry, outboxBacklog } from '../../src/job/outbox.ts';
import { OutboxRelay } from '../../src/job/outbox-relay.ts';
import { silentLogger } from '../../src/kernel/silent-logger.ts';
import { openDatabase, syncSchema } from '../support/internals.ts';

type Db = ReturnType<typeof openDatabase>;

const message = (): JobMessage => ({
  id: randomUUID(),
  name: 'Probe',
  queue: 'default',
  payload: {},
  attempts: 1,
  backoffMs: 0,
});

/** A backend that records what it is given; `publish` runs `onPublish` first (may throw, may wait). */
function recordingBackend(onPublish: (m: JobMessage) => Promise<void> | void = () => {}) {
  const published: JobMessage[] = [];
  const backend: QueueBackend = {
    kind: 'inprocess',
    async publish(m) {
      await onPublish(m);
      published.push(m);
    },
    consume: () => ({ close: async () => {} }),
    stats: async () => ({ waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 }),
    status: async () => undefined,
    health: async () => ({ ok: true }),
    close: async () => {},
  };
  return { backend, published };
}

describe('OutboxRelay', () => {
  let db: Db;
  let relay: OutboxRelay | undefined;
  beforeEach(async () => {
    db = openDatabase({ dialect: 'sqlite', filename: ':memory:' });
    await syncSchema(db, [OutboxEntry]);
  });
  afterEach(async () => {
    await relay?.stop();
    relay = undefined;
    await db.close();
  });

  it('publishes committed rows and deletes them; a rolled-back row is never seen', async () => {
    const { backend, published } = recordingBackend();
    relay = new OutboxRelay(db, backend, silentLogger);
    const kept = message();
    await db.transaction(() => insertOutbox(db, kept));
    await db
      .transaction(async () => {
        await insertOutbox(db, message());
        throw new Error('rollback');
      })
      .catch(() => {});
    await relay.kick();
    expect(published.map((m) => m.id)).toEqual([kept.id]);
    expect(await outboxBacklog(db)).toBe(0);
  });

  it('a kick during a drain resolves only after a drain that saw the rows committed before it', async () => {
    let release: (() => void) | undefined;
    const first = message();
    const { backend, published } = recordingBackend((m) =>
      m.id === first.id ? new Promise<void>((resolve) => (release = resolve)) : undefined,
    );
    relay = new OutboxRelay(db, backend, silentLogger);
    await insertOutbox(db, first);
    const draining = relay.kick();
    await expect.poll(() => release !== undefined).toBe(true);
    const second = message();
    await insertOutbox(db, second); // committed while the drain is blocked on the first publish
    const kicked = relay.kick();
    release?.();
    await draining;
    await kicked;
    expect(published.map((m) => m.id)).toEqual([first.id, second.id]);
  });

  it('keeps rows while the backend fails, does not block kicks meanwhile, and publishes them once it is back', async () => {
    let down = true;
    // Like Redis away: a publish fails only after its timeout.
    const { backend, published } = recordingBackend(async () => {
      if (!down) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
      throw new ServiceUnavailable('queue down');
    });
    relay = new OutboxRelay(db, backend, silentLogger, { pollMs: 20, maxRetryMs: 300 });
    relay.start();
    const m = message();
    await insertOutbox(db, m);
    await relay.kick();
    const row = await db.kysely
      .selectFrom('loom_outbox')
      .select(['publish_attempts', 'last_error'])
      .executeTakeFirst();
    expect(row?.last_error).toMatch(/queue down/);
    // Backing off: a kick returns at once instead of trying (and waiting for) the dead queue again.
    const t0 = performance.now();
    await relay.kick();
    expect(performance.now() - t0).toBeLessThan(20);
    down = false;
    await expect.poll(() => published.length, { timeout: 2_000 }).toBe(1);
    await expect.poll(() => outboxBacklog(db)).toBe(0);
  });

  it('rows published from memory wait for one batched DELETE; the poll does not publish them again', async () => {
    const { backend, published } = recordingBackend();
    // The DELETE waits longer than the test: it runs when the relay stops.
    relay = new OutboxRelay(db, backend, silentLogger, { deleteDelayMs: 60_000 });
    const rows = [message(), message(), message()];
    for (const m of rows) await insertOutbox(db, m);
    await relay.publishMessages(rows);
    expect(published).toHaveLength(3);
    // Published, not deleted yet (the DELETE waits for more): the poll leaves them alone.
    expect(await outboxBacklog(db)).toBe(3);
    await relay.kick();
    expect(published).toHaveLength(3);
    // One DELETE for the three, when the relay stops.
    const deletes: string[] = [];
    const stopListening = db.onStatement((sql) => {
      if (/^delete/i.test(sql)) deletes.push(sql);
    });
    await relay.stop();
    stopListening();
    expect(deletes).toHaveLength(1);
    expect(await outboxBacklog(db)).toBe(0);
  });

  it('never rejects, even when the database fails under it (the poll just tries again)', async () => {
    const { backend } = recordingBackend(async () => {
      // Published, but the row cannot be deleted afterwards.
      await db.kysely.schema.dropTable('loom_outbox').execute();
    });
    relay = new OutboxRelay(db, backend, silentLogger);
    await insertOutbox(db, message());
    await expect(relay.kick()).resolves.toBeUndefined();
    await expect(relay.kick()).resolves.toBeUndefined(); // reading fails now too
  });
});
