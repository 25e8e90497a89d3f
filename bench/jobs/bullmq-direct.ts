import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import {
  type BenchOptions,
  completionCounter,
  dropRedisPrefix,
  latencyRecorder,
  type RunResult,
  timedRun,
  uniqueName,
} from './bench-setup.ts';

/**
 * The baseline: BullMQ used directly. `Queue.add` per job (`dispatchers` adds in flight), one `Worker`
 * with the same concurrency and the same retention as loom's backend, a trivial processor, completions
 * counted from the worker's `completed` event.
 */
export async function runBullmqDirect(options: BenchOptions): Promise<RunResult> {
  const prefix = uniqueName('benchjobs_direct');
  const producer = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
  const queue = new Queue<{ n: number }>('bench', { connection: producer, prefix });
  const done = completionCounter();
  const consumer = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const worker = new Worker<{ n: number }>('bench', async (job) => job.data.n, {
    connection: consumer,
    prefix,
    concurrency: options.concurrency,
  });
  const latency = latencyRecorder();
  worker.on('completed', (job) => {
    latency.done(job.data.n);
    done.increment();
  });
  const add = (n: number) => {
    latency.start(n);
    return queue.add(
      'Noop',
      { n },
      { removeOnComplete: { age: 86_400, count: 1_000 }, removeOnFail: { age: 604_800, count: 10_000 } },
    );
  };
  try {
    const clocks = await timedRun(options, add, done, latency);
    return {
      name: 'BullMQ direct',
      jobs: options.jobs,
      ...clocks,
      ...latency.percentiles(),
    };
  } finally {
    await worker.close();
    await queue.close();
    producer.disconnect();
    consumer.disconnect();
    await dropRedisPrefix(options.redisUrl, prefix);
  }
}
