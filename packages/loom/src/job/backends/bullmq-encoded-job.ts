import type { Job, JobJson, Queue } from 'bullmq';
import { encodingOf } from './job-message.ts';

type Bullmq = typeof import('bullmq');

/**
 * BullMQ's `Queue`, whose jobs store their data as the JSON text the message was encoded to at dispatch
 * (`encodeMessage`, the text of its outbox row) instead of serializing the message again. BullMQ turns
 * a job into its stored form in `Job.asJSON()` (`data: JSON.stringify(data)`); the subclass hands over
 * the kept text there. Data without a kept text (none is known for it) is serialized by BullMQ as before,
 * so if a BullMQ release stops asking `Queue.Job` for its job class, only the saving is lost.
 *
 * @example
 * ```ts
 * const Queue = encodedQueueClass(bullmq);
 * await new Queue('mail', { connection }).add('Send', message, { jobId: message.id });
 * ```
 */
export function encodedQueueClass(bullmq: Bullmq): typeof Queue {
  const cached = classes.get(bullmq);
  if (cached !== undefined) return cached;
  class EncodedJob extends bullmq.Job {
    override asJSON(): JobJson {
      const data: unknown = this.data;
      const json = typeof data === 'object' && data !== null ? encodingOf(data) : undefined;
      if (json === undefined) return super.asJSON();
      // Serialize the rest as BullMQ does, with no data to encode, then put the kept text in.
      this.data = undefined;
      try {
        const stored = super.asJSON();
        stored.data = json;
        return stored;
      } finally {
        this.data = data;
      }
    }
  }
  class EncodedQueue extends bullmq.Queue {
    protected override get Job(): typeof Job {
      // Generic in the data type; ours is the message, which this class only changes the storing of.
      return EncodedJob as unknown as typeof Job;
    }
  }
  classes.set(bullmq, EncodedQueue);
  return EncodedQueue;
}

const classes = new WeakMap<Bullmq, typeof Queue>();
