/**
 * A BullMQ consumer that takes one job, says so on stdout and never finishes: the test kills this process
 * with SIGKILL to play a worker that dies mid-job.
 *
 * Usage: `node stalled-consumer.ts <redis-url> <prefix> <queue>`
 */
import { createBullmqBackend } from '../bullmq-backend.ts';

const [url, prefix, queue] = process.argv.slice(2);
if (url === undefined || prefix === undefined || queue === undefined) {
  console.error('usage: stalled-consumer.ts <redis-url> <prefix> <queue>');
  process.exit(2);
}

const backend = createBullmqBackend({ url, prefix, lockDurationMs: 1_000, stalledIntervalMs: 500 });
backend.consume({
  queues: [queue],
  concurrency: 1,
  handler: async ({ message, attempt }) => {
    process.stdout.write(`started ${message.id} ${attempt}\n`);
    await new Promise<void>((resolve) => setTimeout(resolve, 600_000));
  },
});
process.stdout.write('ready\n');
