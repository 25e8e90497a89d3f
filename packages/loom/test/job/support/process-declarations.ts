import { callbacks } from '../../../src/job/callbacks.ts';
import { groupCallback } from '../../../src/job/group-callback.ts';
import { job } from '../../../src/job/job.ts';
import { command, t } from '../../support/internals.ts';
import { CallbackRun, JobRun } from './declarations.ts';

/**
 * How a worker process runs `Work` (env `LOOM_TEST_WORKER_MODE`): `block` never finishes (the test
 * kills it), `slow` takes 1.5 s (the test stops it meanwhile), anything else returns at once.
 */
export const WORKER_MODE_ENV = 'LOOM_TEST_WORKER_MODE';

/**
 * A job that writes a row in its transaction (`detail`: the pid of the process that ran it), says
 * `started <key>` on stdout, then behaves as the worker's mode says.
 */
export const Work = job({
  name: 'Work',
  queue: 'work',
  retries: 1,
  backoffMs: 10,
  input: command({ key: t.String() }, { name: 'WorkInput' }),
  execute: async ({ input, repos }) => {
    await repos(JobRun).create({ key: input.key, job: 'Work', detail: String(process.pid) });
    process.stdout.write(`started ${input.key}\n`);
    const mode = process.env[WORKER_MODE_ENV];
    if (mode === 'block') await new Promise((resolve) => setTimeout(resolve, 120_000));
    if (mode === 'slow') await new Promise((resolve) => setTimeout(resolve, 1_500));
    return { key: input.key, pid: process.pid };
  },
});

export const WorkCallbacks = callbacks(Work, {
  name: 'WorkCallbacks',
  onSuccess: async ({ jobId, result, repos }) => {
    const detail = JSON.stringify({ ...result, callbackPid: process.pid });
    await repos(CallbackRun).create({ key: result.key, outcome: 'success', jobId, detail });
  },
});

/** A group's callback: one row `group` under the group's key, with the outcomes and its own pid. */
export const WorkGroupDone = groupCallback<{ key: string }>({
  name: 'WorkGroupDone',
  onComplete: async ({ groupId, members, allCompleted, payload, repos }) => {
    const detail = JSON.stringify({ members, allCompleted, callbackPid: process.pid });
    await repos(CallbackRun).create({ key: payload.key, outcome: 'group', jobId: groupId, detail });
  },
});
