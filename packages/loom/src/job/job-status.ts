import type { TSchema } from 'typebox';
import { NotFound } from '../errors/index.ts';
import { t } from '../schema/t.ts';
import type { JobStatus } from '../use-case/job-service-types.ts';
import { type ResultOf, useCase } from '../use-case/use-case.ts';
import type { AnyJob } from './job.ts';

/**
 * What {@link jobStatusSchema} takes.
 *
 * @example
 * ```ts
 * const options: JobStatusSchemaOptions = { title: 'PingStatus', result: t.Boolean() };
 * ```
 */
export interface JobStatusSchemaOptions {
  /** The OpenAPI component's name. Default `JobStatus`. */
  readonly title?: string;
  /** The schema of `result` (what the job's `execute` returns, as JSON). Default: any JSON value. */
  readonly result?: TSchema;
}

/**
 * The JSON schema of a {@link JobStatus}: the `response` of a job status route, so OpenAPI documents it
 * and the body is serialized by a compiled serializer.
 *
 * @example
 * ```ts
 * const Ping = job({ name: 'Ping', queue: 'default', execute: () => true });
 * const PingStatus = jobStatus(Ping);
 * route.get('/pings/{jobId}', PingStatus, {
 *   response: jobStatusSchema({ title: 'PingStatus', result: t.Boolean() }),
 * });
 * ```
 */
export function jobStatusSchema(options: JobStatusSchemaOptions = {}): TSchema {
  return t.Object(
    {
      jobId: t.String(),
      name: t.String({ description: 'The job.' }),
      queue: t.String(),
      state: t.Union(
        ['pending', 'waiting', 'delayed', 'running', 'completed', 'failed'].map((s) => t.Literal(s)),
        {
          description:
            'pending: committed, not yet on the queue; waiting; delayed (a delay or a retry backoff); running; completed; failed (for good).',
        },
      ),
      attempts: t.Integer({ minimum: 0, description: 'Attempts finished so far.' }),
      result: t.Optional(options.result ?? t.Unknown({ description: "The job's result, when completed." })),
      error: t.Optional(
        t.Object({ message: t.String() }, { description: "The last attempt's error, when failed." }),
      ),
    },
    { title: options.title ?? 'JobStatus' },
  );
}

/**
 * What {@link jobStatus} takes.
 *
 * @example
 * ```ts
 * const options: JobStatusOptions = { name: 'PingStatus', summary: 'Where a ping job stands' };
 * ```
 */
export interface JobStatusOptions {
  /** The use case's name (operation id). Default `<Job>Status`. */
  readonly name?: string;
  readonly summary?: string;
  readonly description?: string;
}

/**
 * A read-only use case answering the status of one dispatched `job` by id (`params.jobId`): what a
 * polling route declares. Nothing is exposed unless a route declares it; an id that is unknown, no
 * longer retained, or of another job is a 404. Guard the route like any other: anyone holding the id
 * may otherwise read the job's result.
 *
 * @example
 * ```ts
 * const Ping = job({ name: 'Ping', queue: 'default', execute: () => true });
 * export const PingStatus = jobStatus(Ping);
 * export const PingApi = restInterface(null, {
 *   prefix: '/pings',
 *   routes: [route.get('/{jobId}', PingStatus, { response: jobStatusSchema() })],
 * });
 * ```
 */
export function jobStatus<J extends AnyJob>(job: J, options: JobStatusOptions = {}) {
  const jobName = job.jobOptions.name ?? job.decl.name ?? 'Job';
  return useCase(null, {
    ...(options.name === undefined && job.jobOptions.name === undefined && job.decl.name === undefined
      ? {}
      : { name: options.name ?? `${jobName}Status` }),
    readOnly: true,
    summary: options.summary ?? `Status of a ${jobName} job`,
    ...(options.description === undefined ? {} : { description: options.description }),
    params: { jobId: t.String({ minLength: 1, maxLength: 120 }) },
    execute: async ({ params, jobs }): Promise<JobStatus<ResultOf<J>>> => {
      const status = await jobs.status(job, params.jobId);
      if (status === undefined) throw new NotFound(jobName, params.jobId);
      return status;
    },
  });
}
