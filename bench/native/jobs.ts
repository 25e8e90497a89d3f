import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type pg from 'pg';
import { notFound } from './problem.ts';
import { DRAIN_OUTBOX, GET_RECORD_ID, INSERT_OUTBOX } from './sql.ts';

const QUEUE = 'bench';
const POLL_MS = 1000;
const BATCH = 100;

/** What a job handler gets: the message written to the outbox. */
interface JobMessage {
  readonly id: string;
  readonly name: string;
  readonly queue: string;
  readonly params: { readonly recordId: number };
  readonly traceId: string;
}

/**
 * A hand-written transactional outbox, as a Fastify user would write one: the request writes the job
 * message in its transaction (`BEGIN; SELECT …; INSERT INTO bench_outbox …; COMMIT`, four round trips),
 * and after the commit a drain (also polled every second) deletes a batch of rows in one statement and
 * runs their handlers in process, one info log line per job.
 */
export function registerJobRoutes(app: FastifyInstance, pool: pg.Pool): () => void {
  const drain = outboxDrain(pool, app.log);
  const timer = setInterval(() => drain.kick(), POLL_MS);
  timer.unref();

  app.post<{ Params: { id: number } }>(
    '/bench/records/:id/jobs/touch',
    {
      schema: {
        params: {
          type: 'object',
          properties: { id: { type: 'integer', minimum: 1, maximum: 2147483647 } },
          required: ['id'],
        },
        response: {
          202: {
            type: 'object',
            properties: { jobId: { type: 'string' }, queue: { type: 'string' } },
            required: ['jobId', 'queue'],
          },
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const message: JobMessage = {
        id: randomUUID(),
        name: 'TouchRecord',
        queue: QUEUE,
        params: { recordId: id },
        traceId: request.id,
      };
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const found = await client.query({ ...GET_RECORD_ID, values: [id] });
        if (found.rows.length === 0) throw notFound('BenchRecord', id);
        await client.query({
          ...INSERT_OUTBOX,
          values: [message.id, QUEUE, message.name, JSON.stringify(message)],
        });
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
      drain.kick();
      reply.code(202);
      return { jobId: message.id, queue: QUEUE };
    },
  );
  return () => clearInterval(timer);
}

/** Drains the outbox: one drain at a time; a kick during a drain runs one more after it. */
function outboxDrain(pool: pg.Pool, log: FastifyBaseLogger) {
  let running = false;
  let again = false;
  const run = async (): Promise<void> => {
    running = true;
    try {
      do {
        again = false;
        const { rows } = await pool.query<{ message: string }>({ ...DRAIN_OUTBOX, values: [BATCH] });
        for (const row of rows) {
          const message = JSON.parse(row.message) as JobMessage;
          const started = performance.now();
          // The job itself does nothing, as loom's TouchRecord.
          log.info(
            {
              traceId: message.traceId,
              job: message.name,
              queue: message.queue,
              outcome: 'succeeded',
              durationMs: performance.now() - started,
            },
            'job',
          );
        }
        if (rows.length === BATCH) again = true;
      } while (again);
    } catch (error) {
      log.warn({ err: error }, 'outbox drain failed; the poll retries');
    } finally {
      running = false;
    }
  };
  return {
    kick(): void {
      if (running) again = true;
      else void run();
    },
  };
}
