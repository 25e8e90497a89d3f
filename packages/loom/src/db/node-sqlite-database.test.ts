import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadNodeSqlite } from './node-sqlite.ts';
import { NodeSqliteDatabase, openNodeSqlite } from './node-sqlite-database.ts';
import { SQLITE_CONSTRAINT_UNIQUE, sqliteResultCode } from './sqlite-result-codes.ts';

describe('NodeSqliteDatabase (Kysely over node:sqlite)', () => {
  let db: NodeSqliteDatabase;
  afterEach(() => db.close());

  const open = (max?: number): NodeSqliteDatabase => {
    db = new NodeSqliteDatabase(new (loadNodeSqlite().DatabaseSync)(':memory:'), max);
    db.exec('create table t (id integer primary key, name text unique, flag integer)');
    return db;
  };

  it('tells statements that return rows from those that do not', () => {
    open();
    expect(db.prepare('select 1').reader).toBe(true);
    expect(db.prepare('insert into t (name) values (?)').reader).toBe(false);
    expect(db.prepare('insert into t (name) values (?) returning id').reader).toBe(true);
    expect(db.prepare('begin').reader).toBe(false);
  });

  it('binds one array of positional parameters, booleans as 1 and 0', () => {
    open();
    const inserted = db.prepare('insert into t (name, flag) values (?, ?)').run(['a', true]);
    expect(inserted).toEqual({ changes: 1, lastInsertRowid: 1 });
    db.prepare('insert into t (name, flag) values (?, ?)').run(['b', false]);
    const rows = db.prepare('select name, flag from t where flag = ? or name = ?').all([false, 'a']);
    expect(rows.map((r) => ({ ...(r as object) }))).toEqual([
      { name: 'a', flag: 1 },
      { name: 'b', flag: 0 },
    ]);
    expect([...db.prepare('select name from t order by id').iterate([])]).toHaveLength(2);
  });

  it('refuses an object as first parameter instead of reading it as named parameters', () => {
    open();
    expect(() => db.prepare('select * from t where name = ?').all([new Date()])).toThrow(
      'SQLite cannot bind a Date (parameter 1)',
    );
    expect(() => db.prepare('select * from t where name = ?').all([{ name: 'a' }])).toThrow(
      'SQLite cannot bind a object (parameter 1)',
    );
  });

  it('prepares each text once, and drops every prepared statement on a schema change', () => {
    open();
    db.prepare('insert into t (name) values (?)').run(['a']);
    const select = db.prepare('select * from t');
    expect(db.prepare('select * from t')).toBe(select);
    expect(select.all([])).toHaveLength(1);
    db.prepare("alter table t add column extra text default 'x'").run([]);
    expect(db.cachedStatements).toBe(0);
    const again = db.prepare('select * from t');
    expect(again).not.toBe(select);
    expect({ ...(again.all([])[0] as object) }).toEqual({ id: 1, name: 'a', flag: null, extra: 'x' });
  });

  it('keeps at most its bound of statement texts, dropping the oldest', () => {
    open(2);
    const first = db.prepare('select 1');
    db.prepare('select 2');
    db.prepare('select 3');
    expect(db.cachedStatements).toBe(2);
    expect(db.prepare('select 1')).not.toBe(first);
  });

  it('reports a constraint failure with its extended result code', () => {
    open();
    db.prepare('insert into t (name) values (?)').run(['a']);
    let error: unknown;
    try {
      db.prepare('insert into t (name) values (?)').run(['a']);
    } catch (e) {
      error = e;
    }
    expect(sqliteResultCode(error)).toBe(SQLITE_CONSTRAINT_UNIQUE);
    expect((error as Error).message).toBe('UNIQUE constraint failed: t.name');
  });

  it('refuses to read an integer beyond 2^53 rather than rounding it', () => {
    open();
    db.exec('insert into t (id, name) values (9007199254740993, null)');
    expect(() => db.prepare('select id from t').all([])).toThrow(RangeError);
  });

  it('closes once; a second close does nothing', () => {
    open();
    db.close();
    expect(() => db.close()).not.toThrow();
  });
});

describe('openNodeSqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loom-sqlite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens a file in WAL mode with foreign keys, case-sensitive LIKE and a busy timeout', () => {
    const db = openNodeSqlite(join(dir, 'a.db'));
    try {
      const one = (sql: string) => ({ ...(db.prepare(sql).all([])[0] as object) });
      expect(one('pragma journal_mode')).toEqual({ journal_mode: 'wal' });
      expect(one('pragma foreign_keys')).toEqual({ foreign_keys: 1 });
      expect(one('pragma busy_timeout')).toEqual({ timeout: 5000 });
      expect(one("select 'Ab' like 'ab' as ci, 'Ab' like 'Ab' as cs")).toEqual({ ci: 0, cs: 1 });
    } finally {
      db.close();
    }
  });

  it('keeps :memory: out of WAL (an in-memory database has no journal file)', () => {
    const db = openNodeSqlite(':memory:');
    try {
      expect({ ...(db.prepare('pragma journal_mode').all([])[0] as object) }).toEqual({
        journal_mode: 'memory',
      });
    } finally {
      db.close();
    }
  });

  // Processes that boot together (`loom serve --workers N`) open one fresh file at the same instant:
  // switching it to WAL takes a lock, so the busy timeout must already be set when they do.
  it('several processes opening one fresh file at once all get in (none sees "database is locked")', async () => {
    const fixture = fileURLToPath(new URL('./test-fixtures/open-on-signal.ts', import.meta.url));
    for (let round = 0; round < 4; round++) {
      const file = join(dir, `together-${round}.db`);
      const children = Array.from({ length: 4 }, () =>
        spawn(process.execPath, [fixture, file], { stdio: ['pipe', 'pipe', 'inherit'] }),
      );
      // Each child prints "ready", then its outcome.
      const lines = children.map((child) =>
        createInterface({ input: child.stdout! })[Symbol.asyncIterator](),
      );
      const nextLine = () => Promise.all(lines.map(async (l) => (await l.next()).value));
      // Released together once every process has loaded, so the opens overlap.
      expect(await nextLine()).toEqual(['ready', 'ready', 'ready', 'ready']);
      for (const child of children) child.stdin?.write('go\n');
      expect(await nextLine()).toEqual(['ok', 'ok', 'ok', 'ok']);
      const db = openNodeSqlite(file);
      expect(db.prepare('select count(*) as n from booted').all([])[0]).toMatchObject({ n: 4 });
      db.close();
    }
  }, 60_000);
});
