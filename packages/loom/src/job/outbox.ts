import { type CompiledQuery, sql } from 'kysely';
import type { Database, Executor } from '../db/database.ts';
import { column } from '../model/column.ts';
import { model } from '../model/model.ts';
import { StatementCache } from '../repository/statement-cache.ts';
import { decodeMessage, encodeMessage, type JobMessage } from './backends/index.ts';

/**
 * The transactional outbox: a dispatch inside a use case writes its message here in the same database
 * transaction; the relay publishes rows to the queue after commit and deletes them once the queue has
 * them. Rollback → no row → nothing published. Queue down → rows wait.
 */
export const OutboxEntry = model(
  'loom_outbox',
  {
    id: column.string(120).primaryKey(),
    queue: column.string(120),
    name: column.string(200),
    message: column.text(),
    createdAt: column.datetime().index(),
    publishAttempts: column.int().default(0),
    lastError: column.text().nullable(),
  },
  { name: 'OutboxEntry' },
);

/** Writes a message to the outbox in the current transaction; a known id is ignored (idempotent). */
export function insertOutbox(db: Database, message: JobMessage): Promise<void> {
  return insertOutboxRows(db, db.executor(), [message]);
}

// The outbox statements run on every dispatch and every relay round: their texts are compiled once
// per database and row count, then re-run with new parameters (Kysely's build and compile skipped).
const statementsByDb = new WeakMap<Database, StatementCache>();

function statementsOf(db: Database): StatementCache {
  let cache = statementsByDb.get(db);
  if (cache === undefined) {
    cache = new StatementCache();
    statementsByDb.set(db, cache);
  }
  return cache;
}

/** `insert into loom_outbox … on conflict (id) do nothing` of `messages`, one row each. */
function outboxInsert(db: Database, messages: readonly JobMessage[]): CompiledQuery {
  const now = db.dialect === 'sqlite' ? new Date().toISOString() : new Date();
  const rows = messages.map((message) => ({
    id: message.id,
    queue: message.queue,
    name: message.name,
    // The text encoded at dispatch (checked there), not a second serialization.
    message: encodeMessage(message),
    created_at: now,
    publish_attempts: 0,
  }));
  const parameters = rows.flatMap((r) => [
    r.id,
    r.queue,
    r.name,
    r.message,
    r.created_at,
    r.publish_attempts,
  ]);
  return statementsOf(db).compiled(`insert:${rows.length}`, parameters, () =>
    db.kysely
      .insertInto(OutboxEntry.$table)
      .values(rows)
      .onConflict((oc) => oc.column('id').doNothing())
      .compile(),
  );
}

/**
 * Writes messages to the outbox in one statement on `executor` (the unit of work's); known ids are
 * ignored (idempotent).
 *
 * @example
 * ```ts
 * await insertOutboxRows(db, db.executor(), [first, second]);
 * ```
 */
export async function insertOutboxRows(
  db: Database,
  executor: Executor,
  messages: readonly JobMessage[],
): Promise<void> {
  if (messages.length === 0) return;
  await executor.executeQuery(outboxInsert(db, messages));
}

/**
 * {@link insertOutboxRows} in autocommit, outside the current unit of work (the outbox writer's
 * group commit): the statement commits on its own.
 *
 * @example
 * ```ts
 * await insertOutboxAutocommit(db, [message]);
 * ```
 */
export async function insertOutboxAutocommit(db: Database, messages: readonly JobMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await db.executeOutside(outboxInsert(db, messages));
}

export interface OutboxRow {
  readonly id: string;
  readonly message: JobMessage;
}

/** The oldest unpublished rows. */
export async function pendingOutbox(db: Database, limit: number): Promise<OutboxRow[]> {
  const rows = await db.kysely
    .selectFrom(OutboxEntry.$table)
    .select(['id', 'message'])
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: String(r.id), message: decodeMessage(String(r.message)) }));
}

/**
 * The outbox row of job `id`, if it waits there (committed, not yet taken by the queue).
 *
 * @example
 * ```ts
 * const row = await outboxEntry(db, jobId); // { name: 'SendMail', queue: 'mail' } | undefined
 * ```
 */
export async function outboxEntry(
  db: Database,
  id: string,
): Promise<{ readonly name: string; readonly queue: string } | undefined> {
  const row = await db
    .executor()
    .selectFrom(OutboxEntry.$table)
    .select(['name', 'queue'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row === undefined ? undefined : { name: String(row.name), queue: String(row.queue) };
}

export async function deleteOutbox(db: Database, id: string): Promise<void> {
  await db.kysely.deleteFrom(OutboxEntry.$table).where('id', '=', id).execute();
}

/** Deletes published rows in one statement (autocommitted; compiled once per number of ids). */
export async function deleteOutboxRows(db: Database, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const query = statementsOf(db).compiled(`delete:${ids.length}`, ids, () =>
    db.kysely.deleteFrom(OutboxEntry.$table).where('id', 'in', ids).compile(),
  );
  await db.executeOutside(query);
}

export async function recordPublishFailure(db: Database, id: string, error: string): Promise<void> {
  await db.kysely
    .updateTable(OutboxEntry.$table)
    .set({ publish_attempts: sql`publish_attempts + 1`, last_error: error.slice(0, 2000) })
    .where('id', '=', id)
    .execute();
}

/** Rows waiting to be published (the outbox backlog gauge). */
export async function outboxBacklog(db: Database): Promise<number> {
  const row = await db.kysely
    .selectFrom(OutboxEntry.$table)
    .select(sql<number>`count(*)`.as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
