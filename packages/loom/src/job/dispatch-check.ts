import type { DispatchCaller } from '../context/call-context.ts';
import { DeclarationError } from '../errors/index.ts';
import type { AnyJobLike } from '../use-case/job-service-types.ts';

/** How a job is named in errors before it is known to be registered (then it has no discovery name). */
export function jobLabel(job: AnyJobLike): string {
  const j = job as { jobOptions?: { name?: string; queue?: string }; decl?: { name?: string } };
  const name = j.jobOptions?.name ?? j.decl?.name;
  const queue = j.jobOptions?.queue;
  return `${name ?? 'a job without a declared name'}${queue === undefined ? '' : ` (queue "${queue}")`}`;
}

/**
 * Checks a dispatch made from a use case's `ctx.jobs` (decision 0060): the job must be one the caller
 * declares in `dispatches` (when it declares them), and registered in this process. Boot already checked
 * declared dispatches against the registered jobs, so the second error only reaches callers that declare
 * none; it names both, and says how to have boot find it.
 *
 * @example
 * ```ts
 * checkDispatch({ name: 'PlaceOrder', dispatches: [SendReceipt] }, SendReceipt, true); // passes
 * checkDispatch({ name: 'PlaceOrder', dispatches: [] }, SendReceipt, true); // throws DeclarationError
 * ```
 */
export function checkDispatch(
  caller: DispatchCaller | undefined,
  job: AnyJobLike,
  registered: boolean,
): void {
  if (caller?.dispatches !== undefined && !caller.dispatches.includes(job)) {
    throw new DeclarationError(
      caller.name,
      `dispatched job ${jobLabel(job)}, which its \`dispatches\` does not list: add it there`,
    );
  }
  if (registered) return;
  if (caller === undefined) {
    throw new DeclarationError(jobLabel(job), 'this job is not registered with the application');
  }
  throw new DeclarationError(
    caller.name,
    `dispatched job ${jobLabel(job)}, which is not registered in this process: add its module to ` +
      'app.discovery (modules, or JOBS of the manifest), and declare `dispatches: [...]` so boot checks it',
  );
}
