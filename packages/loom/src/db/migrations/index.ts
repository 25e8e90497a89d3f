export type { TableSpec } from '../table-spec.ts';
export {
  generateMigration,
  type MadeMigration,
  type MakeMigrationOptions,
  makeMigration,
  readSchemaSnapshot,
} from './make-migration.ts';
export {
  generateInitialMigration,
  INITIAL_MIGRATION,
  type SchemaSnapshot,
  SNAPSHOT_FILE,
  schemaSnapshotOf,
  writeInitialMigration,
} from './migration-file.ts';
export {
  isMigrationFile,
  LoomMigrationProvider,
  type MigrationModule,
  migrationNameOf,
} from './migration-provider.ts';
export { type MigrationTools, migrationToolsFor } from './migration-tools.ts';
export {
  baselineMigrations,
  MIGRATION_TABLE,
  type MigrationRun,
  migrateDown,
  migrateToLatest,
  pendingMigrations,
} from './migrator.ts';
export {
  type DiffOptions,
  describeChange,
  diffSchemas,
  MigrationRefused,
  type SchemaChange,
} from './schema-diff.ts';
