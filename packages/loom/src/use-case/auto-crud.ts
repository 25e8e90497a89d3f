import type { TSchema } from 'typebox';
import { createCommandOf, updateCommandOf } from '../command/model-commands.ts';
import { NotFound } from '../errors/index.ts';
import { columnValueSchema } from '../model/column.ts';
import type { AnyModel, CreateInput } from '../model/model.ts';
import { isFieldChange, type UpdateChanges } from '../repository/field-change.ts';
import type { WriteOptions } from '../repository/repository.ts';
import { t } from '../schema/t.ts';
import { useCase } from './use-case.ts';

function idParam(model: AnyModel): { id: TSchema } {
  return { id: columnValueSchema(model.$primaryKey.def) };
}

/**
 * The read profile of get and list. The REST layer fills it from `?profile=` when the interface allows
 * profiles (and rejects `?profile=` otherwise); other callers may leave it out (the default profile).
 */
const profileParam = { profile: t.Optional(t.String({ minLength: 1 })) };

/**
 * Params of the auto update and delete that callers set in code (`app.entity(M).update(id, changes,
 * { expectedVersion })`) or the REST layer sets from headers (`If-Match`): never read from the query
 * string. `expectedVersion` conditions the write on the stored version (models with `version: true`);
 * `changes` carries atomic changes (`increment`, `append`, …), which a JSON body cannot express.
 */
export const CALL_ONLY_PARAMS: ReadonlySet<string> = new Set(['expectedVersion', 'changes']);

const expectedVersionParam = {
  expectedVersion: t.Optional(t.Union([t.Integer(), t.Array(t.Integer(), { minItems: 1 })])),
};
const changesParam = { changes: t.Optional(t.Record(t.String(), t.Unknown())) };

/** Write options for an expected-version param that may be absent. */
function writeOptions(expected: number | number[] | undefined): WriteOptions | undefined {
  return expected === undefined ? undefined : { expectedVersion: expected };
}

/** The atomic changes among `changes` (plain values come through the validated input only). */
function atomicChanges(changes: Record<string, unknown> | undefined): Record<string, unknown> {
  if (changes === undefined) return {};
  return Object.fromEntries(Object.entries(changes).filter(([, value]) => isFieldChange(value)));
}

/** Read options for a profile param that may be absent. */
function readOptions(profile: string | undefined): { profile: string } | undefined {
  return profile === undefined ? undefined : { profile };
}

/** `Address` → `Addresses`, `Category` → `Categories`: operation ids read as English. */
function plural(name: string): string {
  if (/[^aeiou]y$/.test(name)) return `${name.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(name)) return `${name}es`;
  return `${name}s`;
}

function build<M extends AnyModel>(model: M) {
  const name = model.$name;
  return {
    create: useCase(model, {
      name: `create${name}`,
      input: createCommandOf(model),
      singleStatement: 'create',
      summary: `Create a ${name}`,
      execute: ({ input, repo }) => repo.create(input as unknown as CreateInput<M>),
    }),
    get: useCase(model, {
      name: `get${name}`,
      params: { ...idParam(model), ...profileParam },
      readOnly: true,
      summary: `Get a ${name} by id`,
      execute: ({ params, repo }) =>
        repo.getById(params.id, readOptions(params.profile)).then((found) => {
          if (found === null) throw new NotFound(name, params.id);
          return found;
        }),
    }),
    list: useCase(model, {
      name: `list${plural(name)}`,
      params: profileParam,
      query: true,
      readOnly: true,
      summary: `List ${name} records`,
      execute: ({ params, query, repo }) => repo.list(query, readOptions(params.profile)),
    }),
    update: useCase(model, {
      name: `update${name}`,
      params: { ...idParam(model), ...expectedVersionParam, ...changesParam },
      input: updateCommandOf(model),
      singleStatement: 'update',
      summary: `Update a ${name}`,
      execute: ({ params, input, repo }) => {
        const patch = { ...input, ...atomicChanges(params.changes) } as unknown as UpdateChanges<M>;
        return repo.update(params.id, patch, writeOptions(params.expectedVersion)).then((updated) => {
          if (updated === null) throw new NotFound(name, params.id);
          return updated;
        });
      },
    }),
    delete: useCase(model, {
      name: `delete${name}`,
      params: { ...idParam(model), ...expectedVersionParam },
      singleStatement: 'delete',
      summary: `Delete a ${name}`,
      execute: async ({ params, repo }) => {
        if (!(await repo.delete(params.id, writeOptions(params.expectedVersion)))) {
          throw new NotFound(name, params.id);
        }
        return true as const;
      },
    }),
  };
}

export type AutoUseCases<M extends AnyModel> = ReturnType<typeof build<M>>;

// A memo keyed by the model object, not a registry: the same model always yields the same use cases.
const memo = new WeakMap<AnyModel, AutoUseCases<AnyModel>>();

/**
 * The auto-CRUD use cases of a model: create, get, list, update, delete, through its repository (the
 * custom one when registered). Get and list take an optional `profile` param (the read profile).
 * Create/update/delete are single-statement plans (no explicit transaction), also through a custom
 * repository that declares the method single-statement (`repositoryFor(…, { singleStatement })`).
 *
 * @example
 * ```ts
 * const { create, get } = autoUseCasesOf(Product);
 * await app.invoke(create, { payload: { sku: 'A1', name: 'Pen', category: 'office', priceCents: 120, stock: 3 } });
 * ```
 */
export function autoUseCasesOf<M extends AnyModel>(model: M): AutoUseCases<M> {
  let found = memo.get(model);
  if (!found) {
    found = build(model as AnyModel);
    memo.set(model, found);
  }
  return found as unknown as AutoUseCases<M>;
}
