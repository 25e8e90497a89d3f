import { SpanKind } from '@opentelemetry/api';
import { contextFromCarrier } from '../observability/trace-propagation.ts';
import { inSpan, tracingEnabled } from '../observability/tracing.ts';
import type { Logger } from '../use-case/services.ts';
import type { ConsumerOptions, JobSettlement, QueueBackend } from './backends/index.ts';

/** Options of {@link observeQueueBackend}. */
export interface JobObserverOptions {
  readonly logger: Logger;
}

/** The log line of one settled attempt: trace id, name, outcome and duration. */
function logSettlement(logger: Logger, s: JobSettlement): void {
  const { message, attempt, isFinalAttempt } = s.info;
  const line = {
    traceId: message.meta?.traceId ?? message.id,
    job: message.name,
    jobId: message.id,
    queue: message.queue,
    attempt,
    durationMs: Math.round(s.durationMs * 1000) / 1000,
  };
  if (s.status === 'completed') logger.info({ ...line, outcome: 'succeeded' }, 'job');
  else if (!isFinalAttempt) logger.warn({ ...line, outcome: 'retrying', err: s.error }, 'job');
  else logger.error({ ...line, outcome: 'failed', err: s.error }, 'job');
}

/**
 * Wraps a queue backend so that every attempt a consumer runs (jobs and callbacks) is observed: it runs
 * inside a CONSUMER span whose parent is the span that dispatched it (the `traceparent` in the message's
 * `meta`), so a job's span joins the trace of the request that dispatched it; and each settled attempt
 * logs one line (info when it succeeded, warn when a retry follows, error when it failed for good).
 * Publishing and everything else go straight to the backend.
 *
 * @example
 * ```ts
 * const backend = observeQueueBackend(createInProcessBackend(), { logger });
 * const jobs = new JobRuntime({ kernel, backend, jobs: [SendRestockEmail] });
 * ```
 */
export function observeQueueBackend(backend: QueueBackend, options: JobObserverOptions): QueueBackend {
  const { logger } = options;
  return {
    kind: backend.kind,
    ...(backend.durable === undefined ? {} : { durable: backend.durable }),
    ...(backend.isConnected === undefined ? {} : { isConnected: backend.isConnected }),
    publish: (message) => backend.publish(message),
    stats: (queue) => backend.stats(queue),
    status: (id, queues) => backend.status(id, queues),
    health: () => backend.health(),
    close: () => backend.close(),
    consume(consumer: ConsumerOptions) {
      return backend.consume({
        ...consumer,
        handler: (info) => {
          // Without a tracer provider there is no span to open: skip building its attributes and parent.
          if (!tracingEnabled()) return consumer.handler(info);
          const { message } = info;
          return inSpan(
            `job ${message.name}`,
            {
              kind: SpanKind.CONSUMER,
              parent: contextFromCarrier(message.meta),
              everyErrorFails: true,
              attributes: {
                'loom.job': message.name,
                'loom.trace_id': message.meta?.traceId ?? message.id,
                'loom.job.attempt': info.attempt,
                'messaging.message.id': message.id,
                'messaging.destination.name': message.queue,
              },
            },
            () => consumer.handler(info),
          );
        },
        onSettled: async (settlement) => {
          logSettlement(logger, settlement);
          await consumer.onSettled?.(settlement);
        },
      });
    },
  };
}
