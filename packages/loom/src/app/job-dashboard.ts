import { createHash, timingSafeEqual } from 'node:crypto';
import type { createBullBoard as CreateBullBoard } from '@bull-board/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { JobsConfig } from '../config/index.ts';
import { MethodNotAllowed, Unauthorized } from '../errors/index.ts';
import { requirePeer } from '../errors/require-peer.ts';
import { problemReplier } from '../rest/problem-replier.ts';
import type { Assembly } from './assemble.ts';

/** How the dashboard is mounted: `jobs.dashboard` of the config. */
export type DashboardConfig = JobsConfig['dashboard'];

const READ_METHODS = new Set(['GET', 'HEAD']);

/** Constant-time comparison of two strings of any length (both hashed first). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * The token a request presents: `Authorization: Bearer <token>`, or Basic with any user name and the
 * token as password (what a browser prompts for after `WWW-Authenticate: Basic`).
 */
function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const [scheme, value = ''] = header.split(' ', 2);
  if (scheme?.toLowerCase() === 'bearer') return value;
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon === -1 ? undefined : decoded.slice(colon + 1);
  }
  return undefined;
}

/**
 * Mounts the bull-board dashboard of the BullMQ queues at `config.path`. Its queues get their own Redis
 * connection, closed with the server.
 *
 * Read-only unless `config.readOnly` is false: bull-board hides its actions, and every request other
 * than GET/HEAD is refused with 405 before it reaches bull-board (pause, retry, clean, remove, add).
 * With `config.token`, every request needs it (`Authorization: Bearer <token>`, or Basic with the token
 * as password), else 401 with `WWW-Authenticate: Basic`.
 *
 * @example
 * ```ts
 * await mountJobDashboard(server, assembly, { enabled: true, path: '/jobs', readOnly: true, token });
 * ```
 */
export async function mountJobDashboard(
  server: FastifyInstance,
  assembly: Assembly,
  config: DashboardConfig,
): Promise<void> {
  // Optional peers, named in the error when missing: an app without the dashboard needs none of them.
  const why = 'jobs.dashboard.enabled is true';
  const { createBullBoard } = await requirePeer<typeof import('@bull-board/api')>('@bull-board/api', why);
  const { BullMQAdapter } = await requirePeer<typeof import('@bull-board/api/bullMQAdapter')>(
    '@bull-board/api/bullMQAdapter',
    why,
  );
  const { FastifyAdapter } = await requirePeer<typeof import('@bull-board/fastify')>(
    '@bull-board/fastify',
    why,
  );
  const { Queue } = await requirePeer<typeof import('bullmq')>('bullmq', why);
  const { Redis } = await requirePeer<typeof import('ioredis')>('ioredis', why);
  const url = assembly.config.jobs.redisUrl ?? 'redis://127.0.0.1:6379';
  const connection = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true });
  const queues = [...new Set([...assembly.jobs.queues(), ...assembly.config.jobs.queues])].map(
    // The backend's prefix, not BullMQ's default `bull`: otherwise the dashboard shows empty queues.
    (name) => new Queue(name, { connection, prefix: assembly.config.jobs.prefix }),
  );
  const adapter = new FastifyAdapter();
  // The fastify adapter and the api package are released together but type their shared interface apart.
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: config.readOnly })),
    serverAdapter: adapter as unknown as Parameters<typeof CreateBullBoard>[0]['serverAdapter'],
  });
  adapter.setBasePath(config.path);
  // bull-board installs its own error handler in its scope: the guard answers itself, as a problem.
  const sendProblem = problemReplier({ bodyLimit: assembly.config.app.rest.bodyLimit });
  const guard = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (config.token !== undefined) {
      const token = presentedToken(request);
      if (token === undefined || !sameSecret(token, config.token)) {
        reply.header('www-authenticate', 'Basic realm="loom jobs", charset="UTF-8"');
        return sendProblem(
          new Unauthorized('the job dashboard needs its token: Authorization: Bearer <jobs.dashboard.token>'),
          request,
          reply,
        );
      }
    }
    if (config.readOnly && !READ_METHODS.has(request.method)) {
      return sendProblem(
        new MethodNotAllowed(
          'the job dashboard is read-only (jobs.dashboard.readOnly); it accepts GET and HEAD only',
          ['GET', 'HEAD'],
        ),
        request,
        reply,
      );
    }
    return undefined;
  };
  await server.register(
    async (scope) => {
      scope.addHook('onRequest', guard);
      await scope.register(adapter.registerPlugin());
    },
    { prefix: config.path },
  );
  server.addHook('onClose', async () => {
    await Promise.all(queues.map((q) => q.close()));
    connection.disconnect();
  });
}
