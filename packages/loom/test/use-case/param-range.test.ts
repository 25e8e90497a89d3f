import { describe, expect, it } from 'vitest';
import { autoUseCasesOf } from '../../src/use-case/auto-crud.ts';
import { bindParams } from '../../src/use-case/bind-params.ts';
import { BadRequest, column, compilePlan, model, t, useCase } from '../support/internals.ts';

const Address = model('addresses', {
  id: column.int().primaryKey().autoIncrement(),
  city: column.string(80),
});
const Category = model('categories', { id: column.int().primaryKey().autoIncrement() });

const GetThing = useCase(null, {
  name: 'GetThing',
  params: { id: t.Integer() },
  execute: ({ params }) => params.id,
});

describe('integer params', () => {
  const plan = compilePlan(GetThing, 'GetThing');
  it('binds a safe integer from a path string', () => {
    expect(bindParams(plan, { id: '9007199254740991' })).toEqual({ id: 9007199254740991 });
  });
  it('refuses an integer beyond 2^53 with a 400 naming the parameter', () => {
    expect(() => bindParams(plan, { id: '99999999999999999999' })).toThrow(BadRequest);
    try {
      bindParams(plan, { id: '99999999999999999999' });
    } catch (error) {
      expect((error as BadRequest).parameter).toBe('id');
      expect((error as BadRequest).message).toContain('out of range');
    }
  });
});

describe('auto-CRUD names', () => {
  it('pluralizes the list use case in English', () => {
    expect(autoUseCasesOf(Address).list.decl.name).toBe('listAddresses');
    expect(autoUseCasesOf(Category).list.decl.name).toBe('listCategories');
  });
});
