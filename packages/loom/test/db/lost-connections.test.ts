import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseFailureOf } from '../../src/db/connection-errors.ts';
import { type Database, type DatabaseOptions, openDatabase } from '../../src/db/database.ts';
import { openTestDatabase, PG_URL } from '../support/dialects.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';

/** Terminates the backends of `pids` from a session of its own; resolves how many it terminated. */
async function terminate(pids: readonly number[]): Promise<number> {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    const killed = await admin.query<{ ok: boolean }>(
      'select pg_terminate_backend(pid) as ok from unnest($1::int[]) as pid',
      [pids],
    );
    return killed.rows.filter((r) => r.ok).length;
  } finally {
    await admin.end();
  }
}

/** Resolves once `predicate` holds, checking every 20 ms, for at most 5 s. */
async function until(what: string, predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 250; i++) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const pidOf = async (db: Database): Promise<number> => {
  const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db.executor());
  const pid = rows[0]?.pid;
  if (typeof pid !== 'number') throw new Error('no backend pid');
  return pid;
};

/** The rejection of `work` (fails the test when it resolves). */
async function rejectionOf(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

// PostgreSQL only: SQLite is a file in the process, it has no pooled connection a server could drop.
describe('postgres: connections lost, idle or checked out, and bounded waits', () => {
  const opened: { close(): Promise<void> }[] = [];
  let proxy: TcpProxy | undefined;
  afterEach(async () => {
    for (const db of opened.splice(0)) await db.close().catch(() => {});
    await proxy?.close();
    proxy = undefined;
  });
  const open = (options: Partial<Extract<DatabaseOptions, { dialect: 'postgres' }>> = {}): Database => {
    const db = openDatabase({
      dialect: 'postgres',
      connectionString: PG_URL,
      applicationName: `loom-lost-${randomBytes(4).toString('hex')}`,
      ...options,
    });
    opened.push(db);
    return db;
  };

  it('an idle pooled connection dropped by the server is reported, does not crash, and the next statement reconnects', async () => {
    const db = await openTestDatabase('postgres');
    opened.push({ close: () => db.dispose() });
    const errors: Error[] = [];
    db.onConnectionError((error) => errors.push(error));
    const pid = await pidOf(db);
    expect(await terminate([pid])).toBe(1);
    await until('the connection error', () => errors.length > 0);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/terminating connection/);
    expect(await pidOf(db)).not.toBe(pid);
  });

  it('a checked-out connection terminated inside a transaction fails that transaction (503 kind), is discarded, and the pool refills', async () => {
    const db = open({ poolSize: 2 });
    const errors: Error[] = [];
    db.onConnectionError((error) => errors.push(error));
    let pid = 0;
    const failed = await rejectionOf(
      db.transaction(async () => {
        pid = await pidOf(db);
        await terminate([pid]);
        await sql`select 1`.execute(db.executor());
      }),
    );
    expect(databaseFailureOf(failed)).toBe('unreachable');
    // The checked-out client had no listener of pg-pool's: without loom's, this event crashed the process.
    await until('the connection error', () => errors.length > 0);
    expect(errors[0]?.message).toMatch(/terminating connection|Connection terminated/);
    expect(db.poolStats().total).toBeLessThanOrEqual(1);
    // The next transaction runs on a fresh connection.
    const next = await db.transaction(() => pidOf(db));
    expect(next).not.toBe(pid);
  });

  it('a statement past statementTimeoutMs fails as a timeout and leaves the connection usable', async () => {
    const db = open({ poolSize: 1, statementTimeoutMs: 100 });
    const pid = await pidOf(db);
    const failed = await rejectionOf(sql`select pg_sleep(5)`.execute(db.kysely));
    expect((failed as { code?: string }).code).toBe('57014');
    expect(databaseFailureOf(failed)).toBe('timeout');
    expect(await pidOf(db)).toBe(pid);
  });

  it('starts no timer per statement: the client-side bound is one watchdog per pool', async () => {
    const db = open({ poolSize: 1, statementTimeoutMs: 5_000 });
    await pidOf(db);
    const original = globalThis.setTimeout;
    const delays: number[] = [];
    globalThis.setTimeout = ((callback: () => void, ms?: number) => {
      delays.push(Number(ms));
      return original(callback, ms);
    }) as typeof setTimeout;
    try {
      await pidOf(db);
      await db.execute(sql`select 1`.compile(db.kysely));
    } finally {
      globalThis.setTimeout = original;
    }
    // pg's query_timeout would start one of statementTimeoutMs + 1 s for each statement.
    expect(delays.filter((ms) => ms === 6_000)).toEqual([]);
  });

  it('no pooled connection within connectTimeoutMs fails as a timeout', async () => {
    const db = open({ poolSize: 1, connectTimeoutMs: 100 });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holding: () => void = () => {};
    const isHolding = new Promise<void>((resolve) => {
      holding = resolve;
    });
    const tx = db.transaction(async () => {
      await pidOf(db);
      holding();
      await held;
    });
    await isHolding;
    const failed = await rejectionOf(sql`select 1`.execute(db.kysely));
    expect(String((failed as Error).message)).toMatch(/timeout exceeded when trying to connect/);
    expect(databaseFailureOf(failed)).toBe('timeout');
    release();
    await tx;
  });

  it('a transaction left idle past idleInTransactionTimeoutMs is ended by the server; the process lives on', async () => {
    const db = open({ poolSize: 1, idleInTransactionTimeoutMs: 100 });
    const errors: Error[] = [];
    db.onConnectionError((error) => errors.push(error));
    const failed = await rejectionOf(
      db.transaction(async () => {
        await pidOf(db);
        // Idle in the transaction until the server gives up on it (it reports it on the connection).
        await until('the server to end the idle transaction', () => errors.length > 0);
        await sql`select 1`.execute(db.executor());
      }),
    );
    expect(databaseFailureOf(failed)).not.toBeNull();
    expect(typeof (await pidOf(db))).toBe('number');
  });

  it('a partition (stalled proxy) fails statements within the client bound, and they recover after it heals', async () => {
    proxy = await startTcpProxy(5432);
    const url = new URL(PG_URL);
    url.port = String(proxy.port);
    const db = open({
      connectionString: url.toString(),
      poolSize: 2,
      statementTimeoutMs: 200,
      connectTimeoutMs: 300,
    });
    const errors: Error[] = [];
    db.onConnectionError((error) => errors.push(error));
    // One connection through the proxy, inside a transaction (the Kysely path), one on the direct path.
    await db.transaction(() => pidOf(db));
    proxy.stall();
    const inTransaction = await rejectionOf(db.transaction(() => pidOf(db)));
    expect(databaseFailureOf(inTransaction)).toBe('timeout');
    const direct = await rejectionOf(db.execute(sql`select 1`.compile(db.kysely)));
    expect(databaseFailureOf(direct)).toBe('timeout');
    await proxy.restore();
    expect(typeof (await db.transaction(() => pidOf(db)))).toBe('number');
    expect((await db.execute(sql`select 1 as one`.compile(db.kysely))).rows).toEqual([{ one: 1 }]);
  });
});
