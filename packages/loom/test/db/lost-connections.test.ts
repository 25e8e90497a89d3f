import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestDatabase, PG_URL } from '../support/dialects.ts';

// PostgreSQL only: SQLite is a file in the process, it has no pooled connection a server could drop.
describe('postgres: an idle pooled connection dropped by the server', () => {
  let dispose: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await dispose?.();
    dispose = undefined;
  });

  it('is reported to onConnectionError, does not crash the process, and the next statement reconnects', async () => {
    const db = await openTestDatabase('postgres');
    dispose = () => db.dispose();
    const errors: Error[] = [];
    db.onConnectionError((error) => errors.push(error));

    const before = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db.kysely);
    const pid = before.rows[0]?.pid;
    expect(typeof pid).toBe('number');

    // The connection is idle in the pool now; terminate its backend from another session.
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      const killed = await admin.query('select pg_terminate_backend($1) as ok', [pid]);
      expect(killed.rows[0]?.ok).toBe(true);
    } finally {
      await admin.end();
    }
    for (let i = 0; i < 100 && errors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/terminating connection/);

    const after = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db.kysely);
    expect(after.rows[0]?.pid).not.toBe(pid);
  });
});
