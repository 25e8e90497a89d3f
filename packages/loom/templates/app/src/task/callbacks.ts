import { callbacks } from 'loom-kernel';
import { SendTaskReminder } from './jobs.ts';
import { Task } from './model.ts';

/** Run as jobs of their own after SendTaskReminder succeeds or fails for good. */
export const TaskReminderCallbacks = callbacks(SendTaskReminder, {
  name: 'TaskReminderCallbacks',
  onSuccess: async ({ result, context, app }) => {
    if (result) await app.entity(Task).update(context.params.taskId, { reminded: true });
  },
  onFailure: ({ context, logger }) => {
    logger.warn({ taskId: context.params.taskId }, 'task reminder failed');
  },
});
