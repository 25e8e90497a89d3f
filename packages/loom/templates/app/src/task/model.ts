import { column, type Infer, model } from 'loom-kernel';

/** A task: the table `tasks`, its validator, serializer, OpenAPI component and TypeScript type. */
export const Task = model(
  'tasks',
  {
    id: column.int().primaryKey().autoIncrement(),
    title: column.string(120).unique(),
    done: column.boolean().default(false),
    reminded: column.boolean().default(false),
  },
  { timestamps: true },
);
export type Task = Infer<typeof Task>;
