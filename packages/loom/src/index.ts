/**
 * loom-kernel: declare models, commands, use cases, jobs and REST interfaces; loom compiles them at
 * start-up into tables, validators, an OpenAPI document, routes and queue workers.
 */
export * from './errors/index.ts';
export { column, type ColumnDef, type ColumnRef, type OnDelete } from './model/column.ts';
export {
  model,
  isModel,
  type AnyModel,
  type CreateInput,
  type FieldName,
  type Infer,
  type Model,
  type UpdateInput,
} from './model/model.ts';
export { t, type Static, type TSchema } from './schema/t.ts';
export { patch, type PatchField } from './command/patch.ts';
export {
  command,
  withFields,
  isCommand,
  type AnyCommand,
  type Command,
  type CommandPayload,
  type CommandValue,
  type Parsed,
} from './command/command.ts';
export { Database, openDatabase, type DatabaseOptions } from './db/database.ts';
export { syncSchema, dropSchema } from './db/schema-sync.ts';
export { tableSpecOf, type TableSpec } from './db/table-spec.ts';
export * from './repository/query-spec.ts';
export type { Repository, ReadOptions } from './repository/repository.ts';
export { SqlRepository, type RepositorySettings } from './repository/sql-repository.ts';
