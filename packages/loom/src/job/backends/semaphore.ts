/**
 * A counting semaphore: at most `permits` holders at once, the others wait in FIFO order. The eager
 * backend uses it to honour a consumer's concurrency when several publishes run at the same time.
 *
 * @example
 * ```ts
 * const gate = new Semaphore(2);
 * const release = await gate.acquire();
 * try { await work(); } finally { release(); }
 * ```
 */
export class Semaphore {
  #free: number;
  readonly #waiters: Array<() => void> = [];

  constructor(permits: number) {
    this.#free = permits;
  }

  /** Callers waiting for a permit. */
  get waiting(): number {
    return this.#waiters.length;
  }

  async acquire(): Promise<() => void> {
    if (this.#free > 0) {
      this.#free--;
    } else {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      if (next === undefined) this.#free++;
      else next();
    };
  }
}
