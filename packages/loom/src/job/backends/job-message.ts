import type { JobMessage } from './queue-backend.ts';

/** BullMQ's upper bound for priorities; every backend enforces it so behaviour does not diverge. */
export const MAX_PRIORITY = 2_097_151;

/**
 * Checks a message against the rules every backend shares and returns the copy a consumer will see: a
 * JSON round trip, so that the in-memory backends deliver exactly what BullMQ would (dates become
 * strings, `undefined` members vanish) and non-serialisable payloads fail at publish, not in a worker.
 * The copy is parsed from {@link encodeMessage}'s encoding (the one the outbox row and the queue get).
 *
 * Throws `TypeError` naming the offending field.
 *
 * @example
 * ```ts
 * const copy = normaliseMessage({ id: 'a1', name: 'Send', queue: 'mail', payload: {}, attempts: 1, backoffMs: 0 });
 * ```
 */
export function normaliseMessage(message: JobMessage): JobMessage {
  checkMessage(message);
  const json = encodeMessage(message);
  const copy = JSON.parse(json) as JobMessage;
  // Its encoding is the same text: a later publish or outbox write of the copy need not encode it again.
  encodings.set(copy, json);
  return copy;
}

/**
 * Throws `TypeError` naming the offending field unless `message` follows the rules every backend
 * shares (ids, names, attempts, delays, priority, group children). No JSON work: see
 * {@link encodeMessage} for that.
 *
 * @example
 * ```ts
 * checkMessage({ id: 'a1', name: 'Send', queue: 'mail', payload: {}, attempts: 1, backoffMs: 0 });
 * ```
 */
export function checkMessage(message: JobMessage): void {
  const bad = (why: string): never => {
    throw new TypeError(`invalid job message ${JSON.stringify(message?.id)}: ${why}`);
  };
  if (typeof message !== 'object' || message === null) bad('not an object');
  if (typeof message.id !== 'string' || message.id === '') bad('id must be a non-empty string');
  if (`${Number.parseInt(message.id, 10)}` === message.id) bad('id must not be an integer string');
  if (message.id.includes(':')) bad('id must not contain ":"');
  if (typeof message.name !== 'string' || message.name === '') bad('name must be a non-empty string');
  checkQueueName(message.queue);
  if (!Number.isInteger(message.attempts) || message.attempts < 1) bad('attempts must be an integer ≥ 1');
  if (!isNonNegative(message.backoffMs)) bad('backoffMs must be a finite number ≥ 0');
  if (message.delayMs !== undefined && !isNonNegative(message.delayMs)) bad('delayMs must be ≥ 0');
  if (message.runAt !== undefined && !isNonNegative(message.runAt)) bad('runAt must be an epoch ms ≥ 0');
  if (message.timeoutMs !== undefined && !(isNonNegative(message.timeoutMs) && message.timeoutMs > 0)) {
    bad('timeoutMs must be > 0');
  }
  const p = message.priority;
  if (p !== undefined && !(Number.isInteger(p) && p >= 0 && p <= MAX_PRIORITY)) {
    bad(`priority must be an integer in 0..${MAX_PRIORITY}`);
  }
  const children = message.children;
  if (children !== undefined) {
    if (!Array.isArray(children) || children.length === 0) bad('children must be a non-empty array');
    const ids = new Set<string>([message.id]);
    for (const child of children) {
      if (child?.children !== undefined) bad('a child must not have children of its own');
      checkMessage(child);
      if (ids.has(child.id)) bad(`child id ${JSON.stringify(child.id)} appears twice in the group`);
      ids.add(child.id);
    }
  }
}

/**
 * The JSON text of each message encoded so far. A message is encoded once, when it is dispatched: the
 * outbox row stores that text, and the queue is given the same text (BullMQ: see `bullmq-backend.ts`),
 * instead of a serialize, parse, serialize between them. So what is published is the message as it was
 * at dispatch, even if the caller changes its payload object afterwards.
 */
const encodings = new WeakMap<object, string>();

/**
 * The message's JSON text, encoded on first use and remembered for the message object. Throws
 * `TypeError` when JSON cannot carry it (a cycle, a BigInt).
 *
 * @example
 * ```ts
 * const row = { id: message.id, message: encodeMessage(message) };
 * ```
 */
export function encodeMessage(message: JobMessage): string {
  const known = encodings.get(message);
  if (known !== undefined) return known;
  let json: string;
  try {
    json = JSON.stringify(message);
  } catch (error) {
    throw new TypeError(
      `invalid job message ${JSON.stringify(message?.id)}: not JSON-serialisable (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  encodings.set(message, json);
  return json;
}

/**
 * The JSON text `message` was encoded to or parsed from, if known (see {@link encodeMessage}).
 *
 * @example
 * ```ts
 * const json = encodingOf(message) ?? JSON.stringify(message);
 * ```
 */
export function encodingOf(message: object): string | undefined {
  return encodings.get(message);
}

/**
 * A message parsed from `json` (an outbox row), remembering the text as its encoding.
 *
 * @example
 * ```ts
 * const message = decodeMessage(row.message);
 * ```
 */
export function decodeMessage(json: string): JobMessage {
  const message = JSON.parse(json) as JobMessage;
  encodings.set(message, json);
  return message;
}

/**
 * A group's parent without its children: what its consumer is handed (`JobRunInfo.message`).
 *
 * @example
 * ```ts
 * const { children, parent } = splitGroup(message); // children: [] when not a group
 * ```
 */
export function splitGroup(message: JobMessage): { parent: JobMessage; children: readonly JobMessage[] } {
  if (message.children === undefined) return { parent: message, children: [] };
  const { children, ...parent } = message;
  return { parent, children };
}

/**
 * Throws `TypeError` unless `queue` is a usable queue name (non-empty, no `:`).
 *
 * @example
 * ```ts
 * checkQueueName('notifications');
 * ```
 */
export function checkQueueName(queue: unknown): asserts queue is string {
  if (typeof queue !== 'string' || queue === '' || queue.includes(':')) {
    throw new TypeError(
      `invalid queue name ${JSON.stringify(queue)}: must be a non-empty string without ":"`,
    );
  }
}

/**
 * How long to wait, from now, before the first attempt: until `runAt` when given, else `delayMs`.
 *
 * @example
 * ```ts
 * initialDelay({ ...message, runAt: Date.now() + 5_000 }); // ≈ 5000
 * ```
 */
export function initialDelay(message: JobMessage, now = Date.now()): number {
  if (message.runAt !== undefined) return Math.max(0, message.runAt - now);
  return message.delayMs ?? 0;
}

/**
 * The delay before attempt `failedAttempt + 1`, as BullMQ's `exponential` strategy computes it.
 *
 * @example
 * ```ts
 * backoffDelay(100, 1); // 100
 * backoffDelay(100, 3); // 400
 * ```
 */
export function backoffDelay(backoffMs: number, failedAttempt: number): number {
  return Math.round(2 ** (failedAttempt - 1) * backoffMs);
}

function isNonNegative(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0;
}

/**
 * What a JSON round trip leaves of `value`: what BullMQ stores as a return value, so the in-memory
 * backends report the same (`undefined` and what JSON cannot carry become null).
 *
 * @example
 * ```ts
 * jsonCopy({ at: new Date(0) }); // { at: '1970-01-01T00:00:00.000Z' }
 * ```
 */
export function jsonCopy(value: unknown): unknown {
  if (value === undefined) return null;
  try {
    return JSON.parse(JSON.stringify(value)) as unknown;
  } catch {
    return null;
  }
}
