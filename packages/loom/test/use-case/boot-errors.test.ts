/**
 * Declaration mistakes fail the boot (`kernel.compile`) with a DeclarationError naming the use case and
 * the field (loom-core-spec §16.2 check 14, and DESIGN §5: what TypeScript rejects at compile time, a
 * plain-JS user gets at boot). The declarations below are cast so TypeScript lets them through.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ComputeBuilder } from '../../src/use-case/compute.ts';
import {
  type AnyUseCase,
  DeclarationError,
  exists,
  Kernel,
  LoomError,
  load,
  loadById,
  openDatabase,
  type Presence,
  type RuleBuilder,
  t,
  useCase,
} from '../support/internals.ts';
import { Author, CreateBook, RenameAuthor } from './catalog-fixture.ts';

/** `useCase` as a plain-JS caller sees it: nothing is type-checked. */
const jsUseCase = useCase as unknown as (target: unknown, decl: Record<string, unknown>) => AnyUseCase;
type LooseInput = Record<string, unknown>;
type LooseRules = RuleBuilder<LooseInput, unknown, unknown>;
type LooseComputes = ComputeBuilder<LooseInput, unknown, unknown>;

// compile() never touches the database.
const db = openDatabase({ dialect: 'sqlite', filename: ':memory:' });
const kernel = new Kernel({ db, cursorSecret: 'boot-error-secret' });
afterAll(() => db.close());

function bootError(decl: Record<string, unknown>, target: unknown = Author): DeclarationError {
  const uc = jsUseCase(target, { name: 'UpdateAuthor', execute: () => null, ...decl });
  try {
    kernel.compile([uc]);
  } catch (error) {
    expect(error).toBeInstanceOf(DeclarationError);
    // A boot error, not a per-request error: it is not part of the HTTP error catalogue.
    expect(error).not.toBeInstanceOf(LoomError);
    expect((error as DeclarationError).declaration).toBe('UpdateAuthor');
    expect((error as Error).message.startsWith('UpdateAuthor: ')).toBe(true);
    return error as DeclarationError;
  }
  throw new Error('expected compile() to fail');
}

describe('boot errors name the use case and the field', () => {
  it('a check on a field the input lacks', () => {
    const e = bootError({
      input: RenameAuthor,
      rules: ({ check }: LooseRules) => [check('emial', () => true)],
    });
    expect(e.message).toContain('"emial"');
  });

  it('a forbid naming an unknown field, and requirePresent of one', () => {
    expect(
      bootError({
        input: RenameAuthor,
        rules: ({ forbid }: LooseRules) => [forbid(() => false, 'x', { field: 'nmae' })],
      }).message,
    ).toContain('"nmae"');
    expect(
      bootError({ input: RenameAuthor, rules: ({ requirePresent }: LooseRules) => [requirePresent('nick')] })
        .message,
    ).toContain('"nick"');
  });

  it('whenPresent on an unknown field (one, any, all)', () => {
    const presences: Presence<LooseInput>[] = ['emial', { any: ['name', 'emial'] }, { all: ['emial'] }];
    for (const presence of presences) {
      const e = bootError({
        input: RenameAuthor,
        rules: ({ forbid }: LooseRules) => [forbid(() => false, 'x').whenPresent(presence)],
      });
      expect(e.message).toContain('whenPresent');
      expect(e.message).toContain('"emial"');
    }
  });

  it('a compute setting an unknown field', () => {
    const e = bootError({
      input: RenameAuthor,
      computes: ({ set }: LooseComputes) => [set('slug', () => 'x')],
    });
    expect(e.message).toContain('"slug"');
  });

  it('rules naming input fields on a use case without input', () => {
    const e = bootError({ rules: ({ check }: LooseRules) => [check('name', () => true)] });
    expect(e.message).toContain('no input');
  });

  it('loadById by an undeclared param (and by an input field, which is not a param)', () => {
    const e = bootError({
      params: { authorId: t.Integer() },
      load: { current: loadById(Author, { by: 'userId' }) },
    });
    expect(e.message).toContain('"userId"');
    expect(e.message).toContain('load.current');
    expect(e.message).toContain('not a declared param');
    const fromInput = bootError({
      input: RenameAuthor,
      load: { current: loadById(Author, { by: 'email' }) },
    });
    expect(fromInput.message).toContain('"email", which is not a declared param');
  });

  it('load from an unknown input field, from an undeclared param, from input without input', () => {
    expect(
      bootError({
        input: CreateBook,
        load: { a: load(Author, { from: 'input.authorMail', against: 'email' }) },
      }).message,
    ).toContain('"input.authorMail", which is not a field of CreateBook');
    expect(bootError({ load: { a: load(Author, { from: 'email', against: 'email' }) } }).message).toContain(
      '"email", which is not a declared param',
    );
    expect(
      bootError({ load: { a: load(Author, { from: 'input.email', against: 'email' }) } }).message,
    ).toContain('has no input');
  });

  it('a load from the identity names subject or a claim; any other identity path is a boot error', () => {
    expect(
      bootError({
        load: { a: load(Author, { from: 'identity.roles' as 'identity.subject', against: 'email' }) },
      }).message,
    ).toContain('"identity.roles": an identity source is identity.subject or identity.claims.<name>');
    expect(
      bootError({
        load: { a: load(Author, { from: 'identity.claims.a-b' as 'identity.subject', against: 'email' }) },
      }).message,
    ).toContain('identity.subject or identity.claims.<name>');
  });

  it('exists from an unknown input field or an undeclared param', () => {
    expect(
      bootError({
        input: RenameAuthor,
        load: { taken: exists(Author, { from: 'input.mail', against: 'email' }) },
      }).message,
    ).toContain('"input.mail", which is not a field of RenameAuthor');
    expect(
      bootError({
        params: { authorId: t.Integer() },
        load: { taken: exists(Author, { from: 'userId', against: 'id' }) },
      }).message,
    ).toContain('"userId", which is not a declared param');
  });

  it('against an unknown model field (load and exists)', () => {
    const badAgainst = 'mail' as 'email';
    expect(
      bootError({ params: { m: t.String() }, load: { a: load(Author, { from: 'm', against: badAgainst }) } })
        .message,
    ).toContain('load(Author) against unknown field "mail"');
    expect(
      bootError({
        params: { m: t.String() },
        load: { a: exists(Author, { from: 'm', against: badAgainst }) },
      }).message,
    ).toContain('exists(Author) against unknown field "mail"');
  });

  it('an input that is not a command', () => {
    expect(bootError({ input: Author }).message).toContain('input must be one command');
    expect(bootError({ input: { email: t.String() } }).message).toContain('input must be one command');
    expect(bootError({ input: [RenameAuthor, CreateBook] }).message).toContain('a single input per use case');
  });

  it('query: true without a model', () => {
    expect(bootError({ query: true }, null).message).toContain('query: true needs a model');
  });

  it('a load entry that is not a marker, and an execute that is not a function', () => {
    expect(bootError({ load: { current: Author } }).message).toContain(
      'load.current must be loadById(), load() or exists()',
    );
    expect(bootError({ load: { current: { kind: 'loadById', by: 'id' } } }).message).toContain(
      'load.current: loadById() needs a model',
    );
    expect(bootError({ execute: 'run' }).message).toContain('execute must be a function');
  });

  it('a use case without a declared name is named after what discovery gave it', () => {
    const uc = jsUseCase(Author, {
      params: {},
      load: { x: loadById(Author, { by: 'id' }) },
      execute: () => null,
    });
    kernel.name(uc, 'GetAuthorById');
    expect(() => kernel.compile([uc])).toThrow('GetAuthorById: load.x: loadById(Author) by "id"');
  });

  it('a valid declaration compiles once and is cached', () => {
    const ok = useCase(Author, {
      params: { authorId: t.Integer() },
      input: RenameAuthor,
      load: { current: loadById(Author, { by: 'authorId' }) },
      rules: ({ check }) => [check('name', (n) => n.trim() !== '')],
      execute: () => null,
    });
    kernel.compile([ok]);
    const plan = kernel.plan(ok);
    expect(kernel.plan(ok)).toBe(plan);
    expect(plan).toMatchObject({ readOnly: false, singleStatement: false, query: false });
    expect(plan.loads.map((l) => l.source)).toEqual([{ kind: 'param', name: 'authorId' }]);
    expect(Object.isFrozen(plan)).toBe(true);
  });
});
