import { describeStoreSuite } from './scenarios/store-suite.ts';
import { startSqliteStore } from './support/sqlite-setup.ts';

// Setup (a): the embedded defaults — a SQLite file (in a temporary folder) and in-process jobs.
describeStoreSuite('store on SQLite + in-process jobs', () => startSqliteStore());
