import { describe, expect, it } from 'vitest';
import { type AnyColumn, column } from '../model/column.ts';
import { model } from '../model/model.ts';
import { rowCodecOf } from './row-codec.ts';

const Item = model('items', {
  id: column.int().primaryKey().autoIncrement(),
  fullName: column.string(),
  active: column.boolean(),
  seenAt: column.datetime().nullable(),
  tags: column.json<string[]>(),
  price: column.decimal(10, 2),
});

describe('rowCodecOf(…).decode', () => {
  it('maps snake_case columns to the fields, in declaration order, as plain own properties', () => {
    const row = {
      id: 7,
      full_name: 'Ada',
      active: true,
      seen_at: null,
      tags: ['a'],
      price: '1.50',
      other: 'ignored',
    };
    const entity = rowCodecOf(Item, 'postgres').decode(row);
    expect(entity).toEqual({
      id: 7,
      fullName: 'Ada',
      active: true,
      seenAt: null,
      tags: ['a'],
      price: '1.50',
    });
    expect(Object.keys(entity)).toEqual(['id', 'fullName', 'active', 'seenAt', 'tags', 'price']);
    expect(Object.getPrototypeOf(entity)).toBe(Object.prototype);
  });

  it('reads a column the row lacks as null', () => {
    expect(rowCodecOf(Item, 'postgres').decode({ id: 1 })).toEqual({
      id: 1,
      fullName: null,
      active: null,
      seenAt: null,
      tags: null,
      price: null,
    });
  });

  it("applies SQLite's conversions: 0/1 booleans, ISO dates, JSON text, numeric decimals", () => {
    const entity = rowCodecOf(Item, 'sqlite').decode({
      id: 2,
      full_name: 'Bo',
      active: 0,
      seen_at: '2026-01-02T03:04:05.000Z',
      tags: '["x","y"]',
      price: 3.5,
    });
    expect(entity).toEqual({
      id: 2,
      fullName: 'Bo',
      active: false,
      seenAt: new Date('2026-01-02T03:04:05.000Z'),
      tags: ['x', 'y'],
      price: '3.50',
    });
  });

  it('takes field and column names as data, never as code', () => {
    const columns: Record<string, AnyColumn> = {
      id: column.int().primaryKey(),
      'we"ird\\name': column.text(),
      ['__proto__']: column.text(),
    };
    const Odd = model('odd', columns);
    const codec = rowCodecOf(Odd, 'postgres');
    const row = Object.fromEntries(Odd.$fields.map((f, i) => [f.column, `v${i}`]));
    const entity = codec.decode(row);
    expect(Object.getPrototypeOf(entity)).toBe(Object.prototype);
    expect(Object.keys(entity).sort()).toEqual(Odd.$fields.map((f) => f.name).sort());
    for (const [i, f] of Odd.$fields.entries()) expect(entity[f.name]).toBe(`v${i}`);
  });
});

describe('rowCodecOf(…).encode', () => {
  it('leaves a PostgreSQL date-time to pg as a Date, in every year', () => {
    const codec = rowCodecOf(Item, 'postgres');
    const inRange = new Date('2026-03-04T05:06:07.089Z');
    expect(codec.encode({ seenAt: inRange }).seen_at).toBe(inRange);
    const beforeChrist = new Date('2000-01-01T00:00:00.000Z');
    beforeChrist.setUTCFullYear(-10);
    expect(codec.encode({ seenAt: beforeChrist }).seen_at).toBe(beforeChrist);
    expect(codec.encode({ seenAt: null })).toEqual({ seen_at: null });
  });

  it('binds a SQLite date-time as ISO text and a boolean as 0 or 1', () => {
    const codec = rowCodecOf(Item, 'sqlite');
    expect(codec.encode({ seenAt: new Date('2026-03-04T05:06:07.089Z'), active: true })).toEqual({
      seen_at: '2026-03-04T05:06:07.089Z',
      active: 1,
    });
  });
});
