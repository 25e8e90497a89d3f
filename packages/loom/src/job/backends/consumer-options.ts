import { checkQueueName } from './job-message.ts';
import type { ConsumerOptions } from './queue-backend.ts';

/**
 * Throws `TypeError` unless the consumer options are usable (shared by every backend).
 *
 * @example
 * ```ts
 * checkConsumerOptions({ queues: ['default'], concurrency: 1, handler });
 * ```
 */
export function checkConsumerOptions(options: ConsumerOptions): void {
  if (!Array.isArray(options.queues) || options.queues.length === 0) {
    throw new TypeError('consume: queues must be a non-empty array');
  }
  for (const queue of options.queues) checkQueueName(queue);
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
    throw new TypeError('consume: concurrency must be an integer ≥ 1');
  }
  if (typeof options.handler !== 'function') throw new TypeError('consume: handler must be a function');
}
