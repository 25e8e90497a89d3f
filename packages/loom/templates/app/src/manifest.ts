/** Every declaration of the app, for the config (`discovery: manifest`) and for the tests. */
import { TaskReminderCallbacks } from './task/callbacks.ts';
import { TaskApi } from './task/interface.ts';
import { SendTaskReminder } from './task/jobs.ts';
import { Task } from './task/model.ts';
import {
  CreateTaskUseCase,
  DeleteTaskUseCase,
  GetTaskUseCase,
  ListTasksUseCase,
  RemindTaskUseCase,
  UpdateTaskUseCase,
} from './task/use-cases.ts';

export const MODELS = [Task];
export const USE_CASES = [
  CreateTaskUseCase,
  GetTaskUseCase,
  ListTasksUseCase,
  UpdateTaskUseCase,
  DeleteTaskUseCase,
  RemindTaskUseCase,
];
export const JOBS = [SendTaskReminder];
export const CALLBACKS = [TaskReminderCallbacks];
export const INTERFACES = [TaskApi];
