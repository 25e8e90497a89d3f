import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Assembly } from './assemble.ts';

/**
 * Mounts the bull-board dashboard of the BullMQ queues at `path`. Its queues get their own Redis
 * connection, closed with the server.
 */
export async function mountJobDashboard(
  server: FastifyInstance,
  assembly: Assembly,
  path: string,
): Promise<void> {
  const url = assembly.config.jobs.redisUrl ?? 'redis://127.0.0.1:6379';
  const connection = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true });
  const queues = [...new Set([...assembly.jobs.queues(), ...assembly.config.jobs.queues])].map(
    // The backend's prefix, not BullMQ's default `bull`: otherwise the dashboard shows empty queues.
    (name) => new Queue(name, { connection, prefix: assembly.config.jobs.prefix }),
  );
  const adapter = new FastifyAdapter();
  // The fastify adapter and the api package are released together but type their shared interface apart.
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q)),
    serverAdapter: adapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
  });
  adapter.setBasePath(path);
  await server.register(adapter.registerPlugin(), { prefix: path });
  server.addHook('onClose', async () => {
    await Promise.all(queues.map((q) => q.close()));
    connection.disconnect();
  });
}
