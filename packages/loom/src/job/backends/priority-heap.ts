/**
 * A binary min-heap ordered by a comparator. The in-process backend keeps each queue's ready messages in
 * one, keyed by (priority, publish sequence), so taking the next message is O(log n) however many wait.
 *
 * @example
 * ```ts
 * const heap = new PriorityHeap<number>((a, b) => a - b);
 * heap.push(3); heap.push(1);
 * heap.pop(); // 1
 * ```
 */
export class PriorityHeap<T> {
  readonly #items: T[] = [];
  readonly #before: (a: T, b: T) => number;

  constructor(compare: (a: T, b: T) => number) {
    this.#before = compare;
  }

  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  push(item: T): void {
    const items = this.#items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.#compareAt(i, parent) >= 0) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < items.length && this.#compareAt(left, smallest) < 0) smallest = left;
      if (right < items.length && this.#compareAt(right, smallest) < 0) smallest = right;
      if (smallest === i) return top;
      this.#swap(i, smallest);
      i = smallest;
    }
  }

  /** Removes every item and returns them, in no particular order. */
  drain(): T[] {
    return this.#items.splice(0);
  }

  #compareAt(i: number, j: number): number {
    return this.#before(this.#items[i] as T, this.#items[j] as T);
  }

  #swap(i: number, j: number): void {
    const items = this.#items;
    const a = items[i] as T;
    items[i] = items[j] as T;
    items[j] = a;
  }
}
