import { describe, expectTypeOf, it } from 'vitest';
import {
  type CreateInput,
  column,
  type FieldName,
  type Infer,
  model,
  type UpdateInput,
} from '../../src/index.ts';

const User = model(
  'users',
  {
    id: column.int().primaryKey().autoIncrement(),
    fullName: column.string(120),
    email: column.string(255).unique(),
    nickname: column.string(40).nullable(),
    active: column.boolean().default(true),
    balance: column.decimal(10, 2),
    big: column.bigint(),
    ratio: column.float().nullable(),
    bio: column.text().nullable(),
    birthday: column.date().nullable(),
    lastSeenAt: column.datetime().nullable(),
    externalId: column.uuid(),
    prefs: column.json<{ theme: 'dark' | 'light' }>().nullable(),
  },
  { timestamps: true },
);

const Tag = model('tags', {
  code: column.string(10).primaryKey(),
  label: column.string(40),
  seenAt: column.datetime().defaultNow(),
});

describe('model types', () => {
  it('Infer gives every field its declared type; nullable adds null; timestamps are Dates', () => {
    expectTypeOf<Infer<typeof User>>().toEqualTypeOf<{
      id: number;
      fullName: string;
      email: string;
      nickname: string | null;
      active: boolean;
      balance: string;
      big: number;
      ratio: number | null;
      bio: string | null;
      birthday: string | null;
      lastSeenAt: Date | null;
      externalId: string;
      prefs: { theme: 'dark' | 'light' } | null;
      createdAt: Date;
      updatedAt: Date;
    }>();
    expectTypeOf<Infer<typeof Tag>>().toEqualTypeOf<{ code: string; label: string; seenAt: Date }>();
  });

  it('a model without timestamps has no createdAt/updatedAt', () => {
    expectTypeOf<Infer<typeof Tag>>().not.toHaveProperty('createdAt');
    expectTypeOf<Infer<typeof User>>().toHaveProperty('createdAt');
  });

  it('CreateInput requires non-default non-nullable fields and excludes auto-increment ids and timestamps', () => {
    expectTypeOf<CreateInput<typeof User>>().toEqualTypeOf<{
      fullName: string;
      email: string;
      balance: string;
      big: number;
      externalId: string;
      nickname?: string | null;
      active?: boolean;
      ratio?: number | null;
      bio?: string | null;
      birthday?: string | null;
      lastSeenAt?: Date | null;
      prefs?: { theme: 'dark' | 'light' } | null;
    }>();
    // A primary key the client chooses is required; a defaultNow column is optional.
    expectTypeOf<CreateInput<typeof Tag>>().toEqualTypeOf<{ code: string; label: string; seenAt?: Date }>();
  });

  it('CreateInput refuses missing required fields, generated fields and unknown fields', () => {
    const ok: CreateInput<typeof User> = {
      fullName: 'A',
      email: 'a@b.c',
      balance: '1.00',
      big: 1,
      externalId: 'x',
    };
    expectTypeOf(ok).toEqualTypeOf<CreateInput<typeof User>>();
    // @ts-expect-error email is required
    const missing: CreateInput<typeof User> = { fullName: 'A', balance: '1.00', big: 1, externalId: 'x' };
    // @ts-expect-error the auto-increment id is not an input
    const withId: CreateInput<typeof User> = { ...ok, id: 1 };
    // @ts-expect-error timestamps are set by the framework
    const withTimestamp: CreateInput<typeof User> = { ...ok, createdAt: new Date() };
    // @ts-expect-error a decimal is a string, not a number
    const wrongType: CreateInput<typeof User> = { ...ok, balance: 1 };
    // @ts-expect-error a non-nullable field does not take null
    const nullName: CreateInput<typeof User> = { ...ok, fullName: null };
    expectTypeOf([missing, withId, withTimestamp, wrongType, nullName]).toBeArray();
  });

  it('UpdateInput is a patch of the writable fields', () => {
    expectTypeOf<UpdateInput<typeof Tag>>().toEqualTypeOf<{ code?: string; label?: string; seenAt?: Date }>();
    expectTypeOf<UpdateInput<typeof User>>().not.toHaveProperty('id');
    expectTypeOf<UpdateInput<typeof User>>().not.toHaveProperty('updatedAt');
    expectTypeOf<UpdateInput<typeof User>['nickname']>().toEqualTypeOf<string | null | undefined>();
  });

  it('FieldName lists every field, timestamps included', () => {
    expectTypeOf<FieldName<typeof Tag>>().toEqualTypeOf<'code' | 'label' | 'seenAt'>();
    expectTypeOf<'createdAt'>().toExtend<FieldName<typeof User>>();
  });

  it('a model exposes typed column references', () => {
    expectTypeOf(User.email).toExtend<{ kind: 'column-ref'; table: string; field: string; column: string }>();
    // @ts-expect-error no such field
    expectTypeOf(User.emial).toBeObject();
  });
});
