import type { GroupMemberOutcome } from '../use-case/job-service-types.ts';
import type { UseCaseServices } from '../use-case/services.ts';

/**
 * What a group's `onComplete` receives, once, after every member finished: the services of a use case
 * and the group's outcome.
 *
 * @example
 * ```ts
 * const report = ({ members, allCompleted }: GroupCompleteContext) =>
 *   allCompleted ? 'all sent' : `${members.filter((m) => m.state === 'failed').length} failed`;
 * ```
 */
export interface GroupCompleteContext<P = unknown> extends UseCaseServices {
  readonly groupId: string;
  /** Each member's outcome, in the order the group listed them. */
  readonly members: readonly GroupMemberOutcome[];
  /** True when every member completed; false when at least one failed after its last attempt. */
  readonly allCompleted: boolean;
  /** What the dispatcher gave as the group's `payload` (JSON), `null` when none. */
  readonly payload: P;
}

/**
 * What {@link groupCallback} takes.
 *
 * @example
 * ```ts
 * const decl: GroupCallbackDecl<{ orderId: number }> = {
 *   name: 'OrderEmailsSent',
 *   onComplete: ({ payload, allCompleted }) => console.log(payload.orderId, allCompleted),
 * };
 * ```
 */
export interface GroupCallbackDecl<P = unknown> {
  /** Stable name (message names, metrics); no `:`. */
  readonly name: string;
  readonly onComplete: (ctx: GroupCompleteContext<P>) => unknown;
  /** Retries of `onComplete` after its first attempt. Default 2. */
  readonly retries?: number;
  /** Base delay of the exponential backoff between its attempts. Default 1000 ms. */
  readonly backoffMs?: number;
}

/** A group completion callback: what `dispatchGroup`'s `onComplete` takes. */
export interface GroupCallback<P = unknown> extends GroupCallbackDecl<P> {
  readonly kind: 'groupCallback';
  /** Type only: the payload type the dispatch must give. */
  readonly $payload?: P;
}

/**
 * Declares the callback of a job group (`ctx.jobs.dispatchGroup`): `onComplete` runs once, as a durable
 * job of its own (retried like one, in its own transaction), after every member of the group finished,
 * whether it completed or failed after its last attempt; it is told each member's outcome. One handler
 * for both: `allCompleted` tells whether any member failed. `P` types the `payload` a dispatch attaches
 * (JSON, e.g. the ids the callback needs). Register it with the application like `callbacks(...)`.
 *
 * @example
 * ```ts
 * const SendReceipt = job({ name: 'SendReceipt', queue: 'mail', params: { orderId: t.Integer() }, execute: () => true });
 * const NotifyWarehouse = job({ name: 'NotifyWarehouse', queue: 'mail', params: { orderId: t.Integer() }, execute: () => 1 });
 * export const ReceiptsSent = groupCallback<{ orderId: number }>({
 *   name: 'ReceiptsSent',
 *   onComplete: ({ payload, members, allCompleted, logger }) => {
 *     const failed = members.filter((m) => m.state === 'failed').map((m) => m.jobId);
 *     logger.info({ orderId: payload.orderId, allCompleted, failed }, 'order notifications done');
 *   },
 * });
 * // In a use case's execute, `jobs` is ctx.jobs:
 * declare const jobs: JobService;
 * await jobs.dispatchGroup(
 *   [[SendReceipt, { params: { orderId: 7 } }], [NotifyWarehouse, { params: { orderId: 7 } }]],
 *   { onComplete: ReceiptsSent, payload: { orderId: 7 } },
 * );
 * ```
 */
export function groupCallback<P = unknown>(decl: GroupCallbackDecl<P>): GroupCallback<P> {
  if (!decl.name || decl.name.includes(':')) throw new Error('groupCallback: a name without ":" is required');
  if (typeof decl.onComplete !== 'function')
    throw new Error(`groupCallback ${decl.name}: onComplete is required`);
  const count = (n: number | undefined, what: string) => {
    if (n !== undefined && !(Number.isInteger(n) && n >= 0)) {
      throw new Error(`groupCallback ${decl.name}: ${what} must be an integer ≥ 0`);
    }
  };
  count(decl.retries, 'retries');
  count(decl.backoffMs, 'backoffMs');
  return Object.freeze({ kind: 'groupCallback' as const, ...decl });
}

/**
 * The widest group callback type, used only as a constraint.
 *
 * @example
 * ```ts
 * const all: readonly AnyGroupCallback[] = [];
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: the widest payload type, used only as a constraint.
export type AnyGroupCallback = GroupCallback<any>;

/**
 * True when `value` was built by {@link groupCallback}.
 *
 * @example
 * ```ts
 * if (isGroupCallback(value)) groupCallbacks.push(value);
 * ```
 */
export function isGroupCallback(value: unknown): value is AnyGroupCallback {
  return (
    typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'groupCallback'
  );
}
