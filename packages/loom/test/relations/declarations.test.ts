/**
 * Declaring relations and projections: mistakes fail when the model is declared (its own columns,
 * projection dependencies) or when it is validated at boot (related models), never per request.
 */
import { describe, expect, it } from 'vitest';
import { readPlanOf } from '../../src/repository/read-plan.ts';
import {
  type AnyModel,
  column,
  DeclarationError,
  entitySchemaOf,
  model,
  projection,
  relation,
  validateModel,
} from '../support/internals.ts';
import { BenchNote, BenchRecord, BenchUser } from './models.ts';

const id = () => column.int().primaryKey().autoIncrement();
const load = () => new Map<unknown, number>();

describe('relation and projection declarations', () => {
  it('a many-to-one key must be a column of the model', () => {
    expect(() =>
      model(
        'a',
        { id: id() },
        {
          // @ts-expect-error "userId" is not a column of the model
          relations: { user: relation.manyToOne(() => BenchUser, { by: 'userId' }) },
        },
      ),
    ).toThrow('model A: relation "user": "by" names "userId", which is not a column of this model');
  });

  it('a projection must go through a declared relation', () => {
    expect(() =>
      model(
        'a',
        { id: id() },
        {
          // @ts-expect-error no relation "notes"
          projections: { n: projection.count('notes') },
        },
      ),
    ).toThrow('model A: projection "n": no relation "notes" (declared: none)');
  });

  it('names of fields, relations and projections may not collide', () => {
    expect(() =>
      model(
        'a',
        { id: id(), notes: column.int() },
        {
          relations: { notes: relation.oneToMany(() => BenchNote, { by: 'recordId' }) },
        },
      ),
    ).toThrow('relation "notes" has the name of another field, relation or projection');
    expect(() => model('a', { id: id() }, { projections: { $x: projection.custom({ load }) } })).toThrow(
      'reserved',
    );
  });

  it('a projection dependency cycle is an error naming the cycle; so is an unknown dependency', () => {
    expect(() =>
      model(
        'a',
        { id: id() },
        {
          projections: {
            x: projection.custom({ load, dependsOn: ['y'] }),
            y: projection.custom({ load, dependsOn: ['z'] }),
            z: projection.custom({ load, dependsOn: ['x'] }),
          },
        },
      ),
    ).toThrow('model A: projection dependency cycle x → y → z → x');
    expect(() =>
      model('a', { id: id() }, { projections: { x: projection.custom({ load, dependsOn: ['nope'] }) } }),
    ).toThrow('projection "x" depends on unknown projection "nope"');
  });

  it('projections are ordered after their dependencies whatever the declaration order', () => {
    const M = model(
      'a',
      { id: id() },
      {
        projections: {
          c: projection.custom({ load, dependsOn: ['b', 'a'] }),
          b: projection.custom({ load, dependsOn: ['a'] }),
          a: projection.custom({ load }),
        },
      },
    );
    expect(M.$projectionOrder).toEqual(['a', 'b', 'c']);
  });

  it('relation targets are checked at validation: the key column, the fields, the thunk', () => {
    const badKey = model(
      'a',
      { id: id() },
      { relations: { notes: relation.oneToMany(() => BenchNote, { by: 'ownerId' as 'recordId' }) } },
    );
    expect(() => validateModel(badKey)).toThrow(DeclarationError);
    expect(() => validateModel(badKey)).toThrow(
      'relation "notes": "by" names "ownerId", which is not a column of BenchNote',
    );
    const badFields = model(
      'b',
      { id: id() },
      {
        relations: { notes: relation.oneToMany(() => BenchNote, { by: 'recordId' }) },
        // @ts-expect-error BenchNote has no column "colour"
        projections: { colours: projection.fields('notes', ['colour']) },
      },
    );
    expect(() => validateModel(badFields)).toThrow('projection "colours": BenchNote has no column "colour"');
    const notAModel = model(
      'c',
      { id: id(), otherId: column.int() },
      {
        relations: { other: relation.manyToOne(() => ({}) as AnyModel, { by: 'otherId' }) },
      },
    );
    expect(() => validateModel(notAModel)).toThrow('relation "other": its target thunk must return a model');
  });

  it('$profiles lists every declared profile once, canonical camelCase, default first', () => {
    expect(BenchRecord.$profiles).toEqual(['default', 'withDetails', 'counts', 'ownerInfo', 'stats']);
    const Snake = model(
      's',
      { id: id() },
      { projections: { x: projection.custom({ load, profiles: ['with_more'] }) } },
    );
    expect(Snake.$profiles).toEqual(['default', 'withMore']);
    expect(BenchNote.$profiles).toEqual(['default']);
  });

  it('a read plan takes one statement per loaded relation and per relation read only by projections', () => {
    const details = readPlanOf(BenchRecord, 'with_details');
    expect(details.profile).toBe('withDetails');
    expect(details.relations.map((r) => r.name)).toEqual(['owner', 'notes']);
    expect(details.batches).toEqual([]);
    expect(details.projections.map((p) => [p.name, p.source])).toEqual([
      ['hasNotes', 'relation'],
      ['notesCount', 'relation'],
      ['noteSnippets', 'relation'],
    ]);
    const info = readPlanOf(BenchRecord, 'ownerInfo');
    expect(info.batches.map((b) => [b.relation.name, b.mode])).toEqual([['owner', 'rows']]);
    expect(readPlanOf(BenchRecord, 'counts').batches.map((b) => b.mode)).toEqual(['count']);
    expect(readPlanOf(BenchRecord, 'default').batches.map((b) => b.mode)).toEqual(['exists']);
    expect(readPlanOf(BenchNote, undefined).empty).toBe(true);
    expect(details.tables).toEqual(['bench_records', 'bench_users', 'bench_notes']);
  });

  it('entitySchemaOf gives one schema per profile, titled after the model and the profile', () => {
    const base = entitySchemaOf(BenchRecord);
    expect((base as { title?: string }).title).toBe('BenchRecord');
    expect(Object.keys(base.properties)).toEqual([
      'id',
      'ownerId',
      'title',
      'createdAt',
      'updatedAt',
      'hasNotes',
    ]);
    const details = entitySchemaOf(BenchRecord, 'with_details');
    expect((details as { title?: string }).title).toBe('BenchRecordWithDetails');
    expect(Object.keys(details.properties).slice(5)).toEqual([
      'owner',
      'notes',
      'hasNotes',
      'notesCount',
      'noteSnippets',
    ]);
    expect(details.properties.notes).toMatchObject({ type: 'array', items: { title: 'BenchNote' } });
    expect(details.properties.owner).toMatchObject({ anyOf: [{ title: 'BenchUser' }, { type: 'null' }] });
    expect(details.properties.noteSnippets).toMatchObject({
      type: 'array',
      items: { properties: { id: { type: 'integer' }, body: { type: 'string' } }, required: ['id', 'body'] },
    });
    expect(entitySchemaOf(BenchUser)).toEqual(entitySchemaOf(BenchUser, 'default'));
    expect(() => entitySchemaOf(BenchRecord, 'nope')).toThrow(DeclarationError);
  });
});
