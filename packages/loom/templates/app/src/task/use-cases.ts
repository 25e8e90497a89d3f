import { command, exists, loadById, NotFound, patch, t, useCase } from 'loom-kernel';
import { TaskReminderCallbacks } from './callbacks.ts';
import { SendTaskReminder } from './jobs.ts';
import { Task } from './model.ts';

const notBlank = (value: string) => value.trim() !== '' || 'title must not be blank';

export const CreateTask = command({ title: t.String({ maxLength: 120 }) }, { name: 'CreateTask' });
export const UpdateTask = command(
  { title: patch(t.String({ maxLength: 120 })), done: patch(t.Boolean()) },
  { name: 'UpdateTask' },
);

/** 201 with the task; 422 naming `title` when it is blank or already taken. */
export const CreateTaskUseCase = useCase(Task, {
  name: 'CreateTask',
  summary: 'Create a task',
  input: CreateTask,
  load: { titleTaken: exists(Task, { from: 'input.title', against: 'title' }) },
  rules: ({ check, forbid }) => [
    check('title', notBlank),
    forbid(({ load }) => load.titleTaken, 'a task with this title exists', { field: 'title' }),
  ],
  execute: ({ input, repo }) => repo.create(input),
});

/** 200 with the task; 404 when there is none. */
export const GetTaskUseCase = useCase(Task, {
  name: 'GetTask',
  summary: 'Get a task',
  params: { taskId: t.Integer() },
  readOnly: true,
  load: { task: loadById(Task, { by: 'taskId' }) },
  execute: ({ load }) => load.task,
});

/** Filters, sorting and pagination from the query string (`?done__eq=false&sort=title`). */
export const ListTasksUseCase = useCase(Task, {
  name: 'ListTasks',
  summary: 'List tasks',
  query: true,
  readOnly: true,
  execute: ({ query, repo }) => repo.list(query),
});

/** Changes only the fields sent; a blank title is refused. */
export const UpdateTaskUseCase = useCase(Task, {
  name: 'UpdateTask',
  summary: 'Update a task',
  params: { taskId: t.Integer() },
  input: UpdateTask,
  load: { current: loadById(Task, { by: 'taskId' }) },
  rules: ({ check }) => [check('title', notBlank)],
  execute: async ({ params, input, repo }) => {
    const updated = await repo.update(params.taskId, input);
    if (!updated) throw new NotFound('Task', params.taskId);
    return updated;
  },
});

export const DeleteTaskUseCase = useCase(Task, {
  name: 'DeleteTask',
  summary: 'Delete a task',
  params: { taskId: t.Integer() },
  execute: async ({ params, repo }) => {
    if (!(await repo.delete(params.taskId))) throw new NotFound('Task', params.taskId);
    return true as const;
  },
});

/** 202: the reminder job is queued once the transaction commits; its callbacks mark the task. */
export const RemindTaskUseCase = useCase(Task, {
  name: 'RemindTask',
  summary: 'Send a reminder about a task (a job)',
  params: { taskId: t.Integer() },
  load: { task: loadById(Task, { by: 'taskId' }) },
  execute: ({ params, jobs }) =>
    jobs.dispatch(SendTaskReminder, { params, callbacks: TaskReminderCallbacks }),
});
