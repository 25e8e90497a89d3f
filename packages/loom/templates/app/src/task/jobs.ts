import { job, loadById, t } from 'loom-kernel';
import { Task } from './model.ts';

/** Runs on the `reminders` queue, retried on failure; true when a reminder was due. */
export const SendTaskReminder = job({
  name: 'SendTaskReminder',
  queue: 'reminders',
  params: { taskId: t.Integer() },
  load: { task: loadById(Task, { by: 'taskId' }) },
  execute: ({ load }) => {
    // Send the email, the chat message… here. A thrown error retries the job, then runs onFailure.
    return !load.task.done;
  },
});
