import type { Database } from '../db/database.ts';
import type { JobMessage } from './backends/index.ts';
import { insertOutboxAutocommit } from './outbox.ts';

interface Pending {
  readonly messages: readonly JobMessage[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit of autocommitted outbox writes: rows written outside any transaction (a unit of work
 * whose only write is its outbox batch, a dispatch outside any unit) while the inserts in flight are
 * on their way share the next one: one `INSERT … VALUES (…), (…)` for every caller that arrived
 * meanwhile, each caller resolved when that statement committed (or rejected when it failed: none of
 * its rows committed, since a single statement is atomic).
 *
 * On PostgreSQL two inserts may be in flight (on two pooled connections; the server flushes their
 * commits together when they meet): with one, a caller that arrives while an insert is on its way
 * waits for it and then for its own, about two commit round trips; with two, about one. SQLite
 * writes one statement at a time anyway: one in flight.
 *
 * @example
 * ```ts
 * const writer = new OutboxWriter(db);
 * await writer.write([message]); // committed
 * ```
 */
export class OutboxWriter {
  readonly #db: Database;
  readonly #maxInFlight: number;
  #queue: Pending[] = [];
  #inFlight = 0;

  constructor(db: Database) {
    this.#db = db;
    this.#maxInFlight = db.dialect === 'postgres' ? 2 : 1;
  }

  /** Inserts `messages` in autocommit, grouped with concurrent callers; resolves once committed. */
  write(messages: readonly JobMessage[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ messages, resolve, reject });
      if (this.#inFlight < this.#maxInFlight) void this.#flush();
    });
  }

  async #insert(group: readonly Pending[]): Promise<void> {
    try {
      await insertOutboxAutocommit(
        this.#db,
        group.flatMap((p) => p.messages),
      );
      for (const p of group) p.resolve();
    } catch (error) {
      for (const p of group) p.reject(error);
    }
  }

  /** One flusher: inserts what waits until nothing does (up to `#maxInFlight` run at once). */
  async #flush(): Promise<void> {
    this.#inFlight++;
    try {
      while (this.#queue.length > 0) {
        const waiting = this.#queue;
        this.#queue = [];
        // Statements of whole callers (each caller's rows commit together), up to ~500 rows each:
        // well below every driver's parameter limit.
        let group: Pending[] = [];
        let size = 0;
        for (const [i, p] of waiting.entries()) {
          group.push(p);
          size += p.messages.length;
          if (size < 500 && i < waiting.length - 1) continue;
          await this.#insert(group);
          group = [];
          size = 0;
        }
      }
    } finally {
      this.#inFlight--;
    }
  }
}
