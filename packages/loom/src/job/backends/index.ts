/**
 * Loom's queue layer: the {@link QueueBackend} seam and its engines.
 *
 * @example
 * ```ts
 * import { createBullmqBackend, createInProcessBackend } from './job/backends/index.ts';
 * const backend = process.env.REDIS_URL ? createBullmqBackend({ url: process.env.REDIS_URL }) : createInProcessBackend();
 * ```
 */
export { type BullmqBackendOptions, createBullmqBackend, type Retention } from './bullmq-backend.ts';
export { checkConsumerOptions } from './consumer-options.ts';
export { createEagerBackend, type EagerBackendOptions } from './eager-backend.ts';
export { createInProcessBackend, type InProcessBackendOptions } from './inprocess-backend.ts';
export {
  backoffDelay,
  checkMessage,
  decodeMessage,
  encodeMessage,
  encodingOf,
  initialDelay,
  jsonCopy,
  MAX_PRIORITY,
  normaliseMessage,
  splitGroup,
} from './job-message.ts';
export {
  type ChildOutcome,
  type Consumer,
  type ConsumerOptions,
  DEFAULT_CLOSE_TIMEOUT_MS,
  type JobHandler,
  type JobMessage,
  type JobRunInfo,
  type JobSettlement,
  type MessageStatus,
  type QueueBackend,
  type QueueHealth,
  type QueueStats,
} from './queue-backend.ts';
export { ConsumerClosedError, JobTimeoutError } from './queue-errors.ts';
