import { describe, expect, it } from 'vitest';
import { writtenTable } from '../support/internals.ts';

describe('writtenTable: which table a statement writes', () => {
  it.each([
    ['insert into "bench_notes" ("record_id", "body") values ($1, $2) returning *', 'bench_notes'],
    ['insert into "bench_notes" default values returning *', 'bench_notes'],
    ['INSERT OR REPLACE INTO Items (id) VALUES (1)', 'items'],
    ['replace into "items" ("id") values (?)', 'items'],
    ['update "bench_records" set "title" = $1 where "id" = $2 returning *', 'bench_records'],
    ["update bench_records set title = 'raw' where id = 1", 'bench_records'],
    ['  delete from "t_ab12"."bench_records" where "id" = ?', 'bench_records'],
    ['delete from "Mixed Case"', 'Mixed Case'],
  ])('%s → %s', (statement, table) => {
    expect(writtenTable(statement)).toBe(table);
  });

  it.each([
    'truncate "bench_records"',
    'drop table if exists "bench_records" cascade',
    'alter table "bench_notes" rename to "x"',
    'with moved as (delete from a returning *) insert into b select * from moved',
  ])('%s may write any table → *', (statement) => {
    expect(writtenTable(statement)).toBe('*');
  });

  it.each([
    'select * from "bench_records" where "title" = \'update x\'',
    'with recent as (select * from a) select * from recent',
    'begin',
    'commit',
    'create table if not exists "x" ("id" integer)',
    'pragma foreign_keys = ON',
  ])('%s writes nothing', (statement) => {
    expect(writtenTable(statement)).toBeNull();
  });
});
