import type {
  AnyJobLike,
  DispatchReceipt,
  FinishedGroupStatus,
  FinishedJobStatus,
  GroupReceipt,
} from '../use-case/job-service-types.ts';
import { DEFAULT_WAIT_TIMEOUT_MS, JobWaitTimeout } from './job-receipt.ts';

/**
 * What `jobs.dispatchGroup` returns: the group's id, a receipt per member, and `wait()` for the whole
 * group (every member, then the `onComplete` run, within one `timeoutMs`). The waiting for one job
 * belongs to the job runtime, which hands it in. JSON form: `{ groupId, members: [{ jobId, queue }] }`.
 *
 * @example
 * ```ts
 * const group = new JobGroupReceipt(groupId, [first, second], (id, ms) => runtime.waitFor(id, ms));
 * const done = await group.wait({ timeoutMs: 10_000 });
 * ```
 */
export class JobGroupReceipt<T extends readonly AnyJobLike[] = readonly AnyJobLike[]>
  implements GroupReceipt<T>
{
  readonly groupId: string;
  readonly members: GroupReceipt<T>['members'];
  readonly #waitFor: (jobId: string, timeoutMs: number) => Promise<FinishedJobStatus>;

  constructor(
    groupId: string,
    members: readonly DispatchReceipt[],
    waitFor: (jobId: string, timeoutMs: number) => Promise<FinishedJobStatus>,
  ) {
    this.groupId = groupId;
    this.members = Object.freeze([...members]) as unknown as GroupReceipt<T>['members'];
    this.#waitFor = waitFor;
  }

  async wait(options?: { readonly timeoutMs?: number }): Promise<FinishedGroupStatus<T>> {
    const timeoutMs = options?.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS;
    if (!(Number.isFinite(timeoutMs) && timeoutMs >= 0)) {
      throw new TypeError('wait: timeoutMs must be a finite number ≥ 0');
    }
    const deadline = Date.now() + timeoutMs;
    const receipts = this.members as unknown as readonly DispatchReceipt[];
    const members = await Promise.all(receipts.map((m) => m.wait({ timeoutMs })));
    const left = deadline - Date.now();
    if (left <= 0) throw new JobWaitTimeout(this.groupId, timeoutMs);
    const onComplete = (await this.#waitFor(this.groupId, left).catch((error: unknown) => {
      throw error instanceof JobWaitTimeout ? new JobWaitTimeout(this.groupId, timeoutMs) : error;
    })) as FinishedJobStatus<null>;
    return {
      groupId: this.groupId,
      members: members as unknown as FinishedGroupStatus<T>['members'],
      onComplete,
    };
  }

  toJSON(): { groupId: string; members: readonly DispatchReceipt[] } {
    return { groupId: this.groupId, members: this.members as unknown as readonly DispatchReceipt[] };
  }
}
