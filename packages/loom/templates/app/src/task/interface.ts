import { restInterface, route } from 'loom-kernel';
import { Task } from './model.ts';
import {
  CreateTaskUseCase,
  DeleteTaskUseCase,
  GetTaskUseCase,
  ListTasksUseCase,
  RemindTaskUseCase,
  UpdateTaskUseCase,
} from './use-cases.ts';

export const TaskApi = restInterface(Task, {
  prefix: '/tasks',
  tags: ['Tasks'],
  pagination: 'offset',
  routes: [
    route.post('/', CreateTaskUseCase, { status: 201 }),
    route.get('/', ListTasksUseCase),
    route.get('/{taskId}', GetTaskUseCase),
    route.patch('/{taskId}', UpdateTaskUseCase),
    route.delete('/{taskId}', DeleteTaskUseCase),
    route.post('/{taskId}/reminders', RemindTaskUseCase, { status: 202 }),
  ],
});
