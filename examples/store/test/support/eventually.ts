/**
 * Polls `probe` until it returns a value other than `undefined`, and returns it; fails after `timeoutMs`
 * with the last value seen, so a timed-out wait says what it was waiting for.
 *
 * @example
 * ```ts
 * const product = await eventually(async () => {
 *   const p = await api.get(`/products/${id}`);
 *   return p.body.category.endsWith('-restock-notified') ? p.body : undefined;
 * }, 'the restock-notified suffix');
 * ```
 */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
