/** The SQL dialects loom supports. Each difference between them lives behind this name. */
export type DialectName = 'postgres' | 'sqlite';
