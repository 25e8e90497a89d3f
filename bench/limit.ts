/**
 * The database's own ceiling per scenario: the native app's SQL for one request, run by pgbench on the
 * same machine against the same freshly seeded tables, with as many connections as the apps' pool
 * (`PG_POOL_MAX`, 15) and prepared statements (as both apps send them). No HTTP, no JavaScript: the
 * requests per second no app can exceed on this machine, the `limit` column of RESULTS.md.
 *
 *   node bench/limit.ts                         # every scenario with SQL, 5 s each
 *   LIMIT_SECONDS=10 node bench/limit.ts get_by_id_with_details
 *
 * Writes `results/limit.json` (read by the report) and prints a table. Needs `pgbench` on PATH.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { BENCH_DIR } from './driver/apps.ts';
import { benchDatabase } from './driver/bench-postgres.ts';
import { LIMIT_FILE, type LimitReport, type ScenarioLimit } from './driver/limit-file.ts';
import {
  CREATE_USER,
  DRAIN_OUTBOX,
  EMAIL_TAKEN,
  GET_RECORD_DETAILS,
  GET_RECORD_ID,
  INSERT_OUTBOX,
  LIST_CURSOR,
  LIST_OFFSET,
  type NamedQuery,
  updateRecordQuery,
} from './native/sql.ts';
import { OFFSET_PAGES, PAGE_SIZE, RECORD_ID_MAX } from './scenarios.ts';
import { seedBenchData } from './seed.ts';

/** A statement of a pgbench script: the native text with its `$n` replaced by pgbench expressions. */
function statement(query: NamedQuery, ...args: string[]): string {
  const text = query.text.replace(/\$(\d+)/g, (_, n: string) => {
    const arg = args[Number(n) - 1];
    if (arg === undefined) throw new Error(`${query.name}: no argument for $${n}`);
    return arg;
  });
  return `${text.replace(/\s+/g, ' ')};`;
}

const RUN = Date.now().toString(36);

/** One request of each scenario that touches the database, as the native app sends it. */
const SCRIPTS: Readonly<Record<string, string>> = {
  get_by_id_with_details: [`\\set id random(1, ${RECORD_ID_MAX})`, statement(GET_RECORD_DETAILS, ':id')].join(
    '\n',
  ),
  list_cursor_no_count: statement(LIST_CURSOR, '0', String(PAGE_SIZE + 1)),
  list_offset_with_count: [
    `\\set page random(1, ${OFFSET_PAGES})`,
    `\\set off (:page - 1) * ${PAGE_SIZE}`,
    statement(LIST_OFFSET, String(PAGE_SIZE), ':off'),
  ].join('\n'),
  update_autocrud_plain: [
    `\\set id random(1, ${RECORD_ID_MAX})`,
    '\\set n random(1, 1000000000)',
    statement(updateRecordQuery(['email']), "'record-' || :id || '-' || :n || '@example.com'", ':id'),
  ].join('\n'),
  // The unique check, then the insert (a fresh email: 10^15 values, no collision in a run).
  create_with_rules: [
    '\\set n random(1, 1000000000000000)',
    statement(EMAIL_TAKEN, `'pgbench-${RUN}-' || :n || '@example.com'`),
    statement(CREATE_USER, "'New User'", `'pgbench-${RUN}-' || :n || '@example.com'`),
  ].join('\n'),
  // BEGIN, the record, the outbox row, COMMIT, then the drain's DELETE … RETURNING (native drains once
  // per request when no drain is running: the upper bound of its statements).
  job_dispatch: [
    `\\set id random(1, ${RECORD_ID_MAX})`,
    'BEGIN;',
    statement(GET_RECORD_ID, ':id'),
    statement(
      INSERT_OUTBOX,
      'gen_random_uuid()::text',
      "'bench'",
      "'TouchRecord'",
      `'{"name":"TouchRecord","queue":"bench","params":{"recordId":' || :id || '}}'`,
    ),
    'COMMIT;',
    statement(DRAIN_OUTBOX, '100'),
  ].join('\n'),
};

const seconds = Number(process.env.LIMIT_SECONDS ?? 5);
const clients = Number(process.env.PG_POOL_MAX ?? 15);
const wanted = process.argv.slice(2);
const names = Object.keys(SCRIPTS).filter((name) => wanted.length === 0 || wanted.includes(name));
const database = benchDatabase();
const url = new URL(database.url);
const outDir = join(BENCH_DIR, 'results', 'limit');
mkdirSync(outDir, { recursive: true });

/** Runs one pgbench script and reads its `tps = …` and `latency average = …` lines. */
function runPgbench(name: string): ScenarioLimit {
  const file = join(outDir, `${name}.sql`);
  writeFileSync(file, `${SCRIPTS[name]}\n`);
  const args = ['-n', '-M', 'prepared', '-c', String(clients), '-j', '1', '-T', String(seconds), '-f', file];
  const env = {
    ...process.env,
    PGHOST: url.hostname,
    PGPORT: url.port || '5432',
    PGUSER: decodeURIComponent(url.username || 'postgres'),
    PGDATABASE: url.pathname.slice(1) || 'postgres',
    ...(url.password ? { PGPASSWORD: decodeURIComponent(url.password) } : {}),
  };
  const out = execFileSync('pgbench', args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const tps = /tps = ([\d.]+)/.exec(out)?.[1];
  const latency = /latency average = ([\d.]+) ms/.exec(out)?.[1];
  if (tps === undefined) throw new Error(`pgbench ${name}: no tps in its output:\n${out}`);
  return { tps: Number(tps), latencyMs: latency === undefined ? Number.NaN : Number(latency) };
}

const client = new pg.Client({ connectionString: url.toString() });
const scenarios: Record<string, ScenarioLimit> = {};
try {
  await client.connect();
  for (const name of names) {
    // Fresh tables for each script, as the driver seeds before each app's block.
    await seedBenchData(client);
    const limit = runPgbench(name);
    scenarios[name] = limit;
    console.log(
      `${name.padEnd(24)} ${limit.tps.toFixed(0).padStart(7)} tps  ${limit.latencyMs.toFixed(2)} ms`,
    );
  }
  await seedBenchData(client);
  await client.end();
} finally {
  database.stop();
}
const version = execFileSync('pgbench', ['--version'], { encoding: 'utf8' }).trim();
const report: LimitReport = {
  date: new Date().toISOString(),
  pgbench: version,
  clients,
  seconds,
  scenarios,
};
writeFileSync(LIMIT_FILE, `${JSON.stringify(report, null, 2)}\n`);
console.log(`written ${LIMIT_FILE}`);
