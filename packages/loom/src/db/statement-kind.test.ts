import { describe, expect, it } from 'vitest';
import { needsTransaction } from './statement-kind.ts';

describe('needsTransaction', () => {
  it('plain reads do not; writes, DDL, pragmas and locking reads do', () => {
    expect(needsTransaction('select * from "users" where "id" = $1')).toBe(false);
    expect(needsTransaction('  (select 1) union (select 2)')).toBe(false);
    expect(needsTransaction('with t as (select 1) select * from t')).toBe(false);
    expect(needsTransaction('insert into "users" ("email") values ($1)')).toBe(true);
    expect(needsTransaction('update "users" set "a" = 1')).toBe(true);
    expect(needsTransaction('delete from "users"')).toBe(true);
    expect(needsTransaction('with d as (delete from t returning *) select * from d')).toBe(true);
    expect(needsTransaction('select * from "users" where "id" = 1 for update')).toBe(true);
    expect(needsTransaction('select * from t for no key update skip locked')).toBe(true);
    expect(needsTransaction('select pg_advisory_xact_lock(42)')).toBe(true);
    expect(needsTransaction('create table t (id int)')).toBe(true);
    expect(needsTransaction('pragma defer_foreign_keys = on')).toBe(true);
  });
});
