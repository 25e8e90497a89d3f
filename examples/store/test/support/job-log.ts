import { eventually } from './eventually.ts';
import type { LogLine } from './log-lines.ts';

/** One settled attempt of a job or callback, from the `job` line loom logs for it. */
export interface JobAttempt {
  readonly job: string;
  readonly jobId: string;
  readonly queue: string;
  readonly attempt: number;
  readonly outcome: 'succeeded' | 'retrying' | 'failed';
  readonly error?: string;
}

function toAttempt(line: LogLine): JobAttempt | undefined {
  if (line.msg !== 'job' || typeof line.jobId !== 'string') return undefined;
  const err = line.err as { message?: unknown } | undefined;
  return {
    job: String(line.job),
    jobId: line.jobId,
    queue: String(line.queue),
    attempt: Number(line.attempt),
    outcome: line.outcome as JobAttempt['outcome'],
    ...(typeof err?.message === 'string' ? { error: err.message } : {}),
  };
}

/**
 * What the process running the jobs logged about each attempt (the API process with in-process jobs, the
 * worker process with BullMQ). Callback runs have their job's id plus `-success` / `-failure`.
 */
export class JobLog {
  readonly #lines: readonly LogLine[];

  constructor(lines: readonly LogLine[]) {
    this.#lines = lines;
  }

  /** Every settled attempt of `jobId`, in attempt order. */
  attempts(jobId: string): JobAttempt[] {
    return this.#lines
      .map(toAttempt)
      .filter((a): a is JobAttempt => a?.jobId === jobId)
      .sort((a, b) => a.attempt - b.attempt);
  }

  /** Waits for the last attempt of `jobId` (succeeded, or failed for good) and returns every attempt. */
  finished(jobId: string, timeoutMs = 15_000): Promise<JobAttempt[]> {
    return eventually(
      () => {
        const attempts = this.attempts(jobId);
        return attempts.some((a) => a.outcome !== 'retrying') ? attempts : undefined;
      },
      `job ${jobId} to finish`,
      timeoutMs,
    );
  }
}
