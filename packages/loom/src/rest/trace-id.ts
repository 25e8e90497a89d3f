import { randomBytes } from 'node:crypto';

/** The header a trace id is read from and echoed in. */
export const TRACE_HEADER = 'x-request-id';

// Printable, header-safe and short: anything else is replaced by a fresh id rather than echoed.
const ACCEPTABLE = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

// Generated ids: a random per-process prefix and a counter, 32 hex characters like a dash-less UUID.
// Unique across processes (64 random bits) and in a process (the counter), and cheap: no entropy per
// request. Written into one buffer and read out as a flat string: a concatenated one would be
// flattened again by every regular expression that checks it (Node validates each header value).
const ID = Buffer.alloc(32);
ID.write(randomBytes(8).toString('hex'), 0, 'latin1');
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
let counter = 0;

/**
 * A new 32-hex trace id.
 *
 * @example
 * ```ts
 * newTraceId(); // '9c1f0a3e5b7d2c41000000000000002a'
 * ```
 */
export function newTraceId(): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  let n = counter;
  for (let i = 31; i >= 16; i--) {
    ID[i] = HEX_DIGITS[n % 16] as number;
    n = Math.floor(n / 16);
  }
  return ID.toString('latin1', 0, 32);
}

/**
 * The trace id of a request: its `x-request-id` when that is a sane token (1–128 header-safe characters),
 * else a new 32-hex id ({@link newTraceId}). A repeated header takes its first value.
 *
 * @example
 * ```ts
 * traceIdOf('abc-123'); // 'abc-123'
 * traceIdOf(undefined); // '3f0c…' (32 hex characters)
 * ```
 */
export function traceIdOf(header: string | readonly string[] | undefined): string {
  const value = typeof header === 'string' ? header : header?.[0];
  if (value !== undefined && ACCEPTABLE.test(value)) return value;
  return newTraceId();
}
