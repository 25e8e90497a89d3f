import { deserialize, serialize } from 'node:v8';
import type { CacheMetrics, CacheOperation } from './cache-metrics.ts';
import type { CacheStore } from './cache-store.ts';
import { ANY_TABLE } from './write-tracker.ts';

/** How often failed generation bumps are retried while the store does not answer. */
const REPAIR_INTERVAL_MS = 1_000;

/** One cacheable read. */
export interface CachedRead<T> {
  readonly entity: string;
  readonly op: CacheOperation;
  /** The key without generations (entity, id or query hash, profile, shape). */
  readonly key: string;
  /** Tables whose writes change the result. */
  readonly tables: readonly string[];
  readonly ttlMs: number;
  /** Reads from the database on a miss. */
  readonly load: () => Promise<T>;
}

/**
 * The generational read-through core of the repository cache. A read's key carries the generations of
 * the tables it depends on, read **before** the database is: a value loaded while a write commits is
 * stored under the generations seen before the write, which the write's bump has already left behind,
 * so it is never served as current. Concurrent misses of one key share one load (single-flight).
 * Values are stored as V8 structured-clone bytes (Dates and nested objects survive) and every caller
 * gets its own copy.
 */
export class ReadThrough {
  readonly #store: CacheStore;
  readonly #metrics: CacheMetrics | undefined;
  readonly #flights = new Map<string, Promise<Filled>>();
  /** Generation bumps in flight per table: reads of these tables wait for them. */
  readonly #pending = new Map<string, Promise<void>>();
  /** Tables whose bump failed: read from the database until every value cached before may have expired. */
  readonly #suspect = new Map<string, number>();
  /**
   * Tables whose bump failed and has not landed since: bumped again once the store answers, so other
   * processes, which may cache again as soon as it does, never serve what was cached before the write.
   */
  readonly #unbumped = new Set<string>();
  #repairTimer: NodeJS.Timeout | undefined;
  #stopped = false;
  readonly #maxTtlMs: number;

  constructor(store: CacheStore, maxTtlMs: number, metrics?: CacheMetrics) {
    this.#store = store;
    this.#maxTtlMs = maxTtlMs;
    this.#metrics = metrics;
  }

  /**
   * Bumps the generations of tables written and committed. The bump is registered synchronously, so a
   * read that starts after this call returns waits for it: a process never serves a value older than
   * its own last committed write.
   */
  invalidate(tables: readonly string[]): Promise<void> {
    const unique = [...new Set(tables)];
    for (const t of unique) this.#metrics?.invalidation(t);
    const bump = this.#store.bump(unique).catch((error: unknown) => {
      this.#metrics?.storeError?.(error);
      const until = Date.now() + this.#maxTtlMs;
      for (const t of unique) {
        this.#suspect.set(t, until);
        this.#unbumped.add(t);
      }
      this.#scheduleRepair();
    });
    for (const t of unique) {
      const previous = this.#pending.get(t);
      const current = previous ? Promise.all([previous, bump]).then(() => undefined) : bump;
      this.#pending.set(t, current);
      void current.then(() => {
        if (this.#pending.get(t) === current) this.#pending.delete(t);
      });
    }
    return bump;
  }

  /** Retries the failed bumps every second until they land (the timer does not keep the process alive). */
  #scheduleRepair(): void {
    if (this.#repairTimer !== undefined || this.#stopped) return;
    this.#repairTimer = setTimeout(() => {
      this.#repairTimer = undefined;
      void this.repair();
    }, REPAIR_INTERVAL_MS);
    this.#repairTimer.unref();
  }

  /**
   * Bumps again the tables whose bump failed (see `#unbumped`); resolves true when none is left. Runs
   * on its own every second while some are left; `stop()` ends that.
   */
  async repair(): Promise<boolean> {
    const tables = [...this.#unbumped];
    if (tables.length === 0) return true;
    try {
      await this.#store.bump(tables);
    } catch (error) {
      this.#metrics?.storeError?.(error);
      this.#scheduleRepair();
      return false;
    }
    for (const t of tables) {
      this.#unbumped.delete(t);
      // What was cached before the write now sits under generations no read asks for.
      this.#suspect.delete(t);
    }
    return this.#unbumped.size === 0;
  }

  /** Stops retrying failed bumps on a timer (the cache is closing); `repair()` still tries once. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#repairTimer);
    this.#repairTimer = undefined;
  }

  /** Resolves once every generation bump started so far has landed (or failed). */
  async settle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending.values()]);
  }

  #suspected(tables: readonly string[]): boolean {
    if (this.#suspect.size === 0) return false;
    const now = Date.now();
    return [...tables, ANY_TABLE].some((t) => {
      const until = this.#suspect.get(t);
      if (until === undefined) return false;
      if (until > now) return true;
      this.#suspect.delete(t);
      return false;
    });
  }

  /**
   * Reads through the cache. `full`: hit, or load once (single-flight) and store. `lookup`: hit, or load
   * without storing nor sharing (inside a transaction, whose snapshot may predate the generations read).
   * `bypass`: load without touching the cache.
   */
  async read<T>(read: CachedRead<T>, mode: 'full' | 'lookup' | 'bypass'): Promise<T> {
    if (mode === 'bypass' || this.#suspected(read.tables)) {
      this.#metrics?.bypass?.(read.entity, read.op);
      return read.load();
    }
    const tags = [...read.tables, ANY_TABLE];
    const waits = tags.map((t) => this.#pending.get(t)).filter((p) => p !== undefined);
    if (waits.length > 0) await Promise.all(waits);
    let key: string;
    let cached: Buffer | undefined;
    try {
      const gens = await this.#store.generations(tags);
      key = `${read.key}:g${gens.join('.')}`;
      cached = await this.#store.get(key);
    } catch (error) {
      // The store is unreachable: serve from the database.
      this.#metrics?.storeError?.(error);
      this.#metrics?.bypass?.(read.entity, read.op);
      return read.load();
    }
    const hit = cached === undefined ? undefined : decode<T>(cached);
    if (hit) {
      this.#metrics?.hit(read.entity, read.op);
      return hit.v;
    }
    this.#metrics?.miss(read.entity, read.op);
    if (mode === 'lookup') return read.load();
    let flight = this.#flights.get(key);
    if (!flight) {
      flight = this.#fill(key, read);
      this.#flights.set(key, flight);
      const done = () => {
        if (this.#flights.get(key) === flight) this.#flights.delete(key);
      };
      flight.then(done, done);
    }
    const filled = await flight;
    // Every caller gets its own copy; a value that cannot be serialized is shared as loaded.
    return filled.bytes ? (deserialize(filled.bytes) as { v: T }).v : (filled.value as T);
  }

  async #fill<T>(key: string, read: CachedRead<T>): Promise<Filled> {
    const value = await read.load();
    let bytes: Buffer;
    try {
      bytes = serialize({ v: value });
    } catch {
      return { value, bytes: null };
    }
    // A value the store cannot take is only not cached: the read has its value either way.
    await this.#store
      .set(key, bytes, read.ttlMs)
      .catch((error: unknown) => this.#metrics?.storeError?.(error));
    return { value, bytes };
  }
}

/** A loaded value and its serialized form (null when it cannot be serialized: then it is not cached). */
interface Filled {
  readonly value: unknown;
  readonly bytes: Buffer | null;
}

/** A cached value, or undefined when the bytes cannot be read (another format, corruption): a miss. */
function decode<T>(bytes: Buffer): { v: T } | undefined {
  try {
    const decoded = deserialize(bytes) as { v: T } | null;
    return typeof decoded === 'object' && decoded !== null && 'v' in decoded ? decoded : undefined;
  } catch {
    return undefined;
  }
}
