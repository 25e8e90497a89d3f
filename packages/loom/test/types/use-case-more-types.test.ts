/**
 * Type tests of the use-case API: what the declaration promises (DESIGN §5) is checked by `tsc`; every
 * `@ts-expect-error` is a declaration mistake that must not compile.
 */
import { describe, expectTypeOf, it } from 'vitest';
import {
  type CreateInput,
  exists,
  type Infer,
  load,
  loadById,
  type QuerySpec,
  type Repository,
  repositoryFor,
  SqlRepository,
  t,
  useCase,
} from '../../src/index.ts';
import type { Kernel } from '../../src/kernel/kernel.ts';
import { CreateUser, UpdateUser, User } from '../use-case/user-fixture.ts';

declare const kernel: Kernel;
type UserRow = Infer<typeof User>;

class UserRepository extends SqlRepository<typeof User> {
  override create(data: CreateInput<typeof User>) {
    return super.create({ ...data, email: data.email.toLowerCase() });
  }
  getByEmail(email: string): Promise<UserRow | null> {
    return this.getBy('email', email);
  }
}
const Users = repositoryFor(User, UserRepository);

describe('use-case types', () => {
  it('a compute on an unknown field does not compile; its value must have the field’s type', () => {
    useCase(User, {
      input: CreateUser,
      computes: ({ set }) => [
        set('email', ({ input }) => input.email.toLowerCase()),
        // @ts-expect-error 'slug' is not a field of CreateUser
        set('slug', () => 'x'),
        // @ts-expect-error fullName is a string
        set('fullName', () => 42),
      ],
      execute: () => null,
    });
  });

  it('exists / load from an unknown input field or an undeclared param do not compile', () => {
    useCase(User, {
      input: CreateUser,
      // @ts-expect-error 'input.emial' is not a field of CreateUser
      load: { taken: exists(User, { from: 'input.emial', against: 'email' }) },
      execute: () => null,
    });
    useCase(User, {
      params: { userId: t.Integer() },
      // @ts-expect-error 'email' is not a declared param (and there is no input)
      load: { byEmail: load(User, { from: 'email', against: 'email' }) },
      execute: () => null,
    });
    useCase(User, {
      input: CreateUser,
      load: {
        // @ts-expect-error 'mail' is not a field of User
        taken: exists(User, { from: 'input.email', against: 'mail' }),
      },
      execute: () => null,
    });
    // The correct spellings compile.
    useCase(User, {
      params: { userId: t.Integer() },
      input: CreateUser,
      load: {
        taken: exists(User, { from: 'input.email', against: 'email' }),
        byId: exists(User, { from: 'userId', against: 'id' }),
        current: loadById(User, { by: 'userId' }),
      },
      execute: () => null,
    });
  });

  it('whenPresent, requirePresent and forbid’s field only accept input fields', () => {
    useCase(User, {
      input: UpdateUser,
      rules: ({ check, forbid, requirePresent }) => [
        check('email', (email) => email.includes('@')).whenPresent('email'),
        forbid(() => false, 'x').whenPresent({ any: ['email', 'fullName'] }),
        // @ts-expect-error 'unknown' is not a field of UpdateUser
        forbid(() => false, 'x').whenPresent('unknown'),
        // @ts-expect-error 'unknown' is not a field of UpdateUser
        forbid(() => false, 'x').whenPresent({ all: ['email', 'unknown'] }),
        // @ts-expect-error 'nick' is not a field of UpdateUser
        requirePresent('nick'),
        // @ts-expect-error 'mail' is not a field of UpdateUser
        forbid(() => false, 'x', { field: 'mail' }),
      ],
      execute: () => null,
    });
  });

  it('rule functions get typed values and may only return rule results', () => {
    useCase(User, {
      params: { userId: t.Integer() },
      input: UpdateUser,
      load: { current: loadById(User, { by: 'userId' }) },
      rules: ({ check, forbid }) => [
        check('fullName', (name, { params, load }) => {
          expectTypeOf(name).toEqualTypeOf<string>();
          expectTypeOf(params.userId).toEqualTypeOf<number>();
          expectTypeOf(load.current).toEqualTypeOf<UserRow>();
          return name.trim() !== '' || 'must not be blank';
        }),
        // @ts-expect-error a number is not a rule result
        forbid(({ input }) => input.fullName?.length ?? 0, 'x'),
      ],
      execute: () => null,
    });
  });

  it('a use case without input has no fields to name', () => {
    useCase(User, {
      params: { userId: t.Integer() },
      rules: ({ check, forbid }) => [
        forbid(({ params }) => params.userId < 0, 'negative id'),
        // @ts-expect-error there is no input
        check('email', () => true),
      ],
      execute: ({ input }) => {
        expectTypeOf(input).toEqualTypeOf<undefined>();
        return null;
      },
    });
  });

  it('kernel.entity(User) returns the model type', () => {
    type Users = ReturnType<typeof kernel.entity<typeof User>>;
    const users = {} as Users;
    expectTypeOf(users.get).returns.resolves.toEqualTypeOf<UserRow>();
    expectTypeOf(users.create).returns.resolves.toEqualTypeOf<UserRow>();
    expectTypeOf(users.update).returns.resolves.toEqualTypeOf<UserRow>();
    expectTypeOf(users.delete).returns.resolves.toEqualTypeOf<boolean>();
  });

  it('invoke of a use case without input needs no payload (and accepts none)', async () => {
    const Ping = useCase(null, { readOnly: true, execute: () => ({ pong: true as const }) });
    const run = async () => {
      const out = await kernel.invoke(Ping, {});
      expectTypeOf(out).toEqualTypeOf<{ pong: true }>();
      // @ts-expect-error Ping takes no payload
      await kernel.invoke(Ping, { payload: { x: 1 } });
    };
    expectTypeOf(run).toBeFunction();
  });

  it('invoke: required params are required, optional ones are not', () => {
    const Search = useCase(User, {
      params: { term: t.String(), limit: t.Optional(t.Integer()) },
      readOnly: true,
      execute: ({ params }) => {
        expectTypeOf(params.term).toEqualTypeOf<string>();
        expectTypeOf(params.limit).toEqualTypeOf<number | undefined>();
        return params.term;
      },
    });
    const run = async () => {
      await kernel.invoke(Search, { params: { term: 'a' } });
      await kernel.invoke(Search, { params: { term: 'a', limit: 5 } });
      // @ts-expect-error limit is an integer: a path-style string goes through invokeRaw
      await kernel.invoke(Search, { params: { term: 'a', limit: '5' } });
      await kernel.invokeRaw(Search, { params: { term: 'a', limit: '5' } });
      // @ts-expect-error term is required
      await kernel.invoke(Search, { params: { limit: 5 } });
    };
    expectTypeOf(run).toBeFunction();
  });

  it('repo is the model’s repository, the custom one on a binding, undefined without a model', () => {
    useCase(User, {
      execute: ({ repo }) => {
        expectTypeOf(repo).toEqualTypeOf<Repository<typeof User>>();
        return null;
      },
    });
    useCase(Users, {
      params: { email: t.String() },
      execute: ({ repo, params }) => {
        expectTypeOf(repo).toEqualTypeOf<UserRepository>();
        expectTypeOf(repo.getByEmail(params.email)).resolves.toEqualTypeOf<UserRow | null>();
        return repo.getByEmail(params.email);
      },
    });
    useCase(User, {
      // @ts-expect-error getByEmail exists only on the custom repository
      execute: ({ repo }) => repo.getByEmail('x'),
    });
    useCase(null, {
      execute: ({ repo }) => {
        expectTypeOf(repo).toEqualTypeOf<undefined>();
        return null;
      },
    });
  });

  it('query: true gives a list query over the model’s fields', () => {
    useCase(User, {
      query: true,
      readOnly: true,
      execute: ({ query, repo }) => {
        expectTypeOf(query).toEqualTypeOf<
          QuerySpec<'id' | 'fullName' | 'email' | 'createdAt' | 'updatedAt'>
        >();
        return repo.list(query);
      },
    });
    useCase(User, {
      execute: ({ query }) => {
        expectTypeOf(query).toEqualTypeOf<undefined>();
        return null;
      },
    });
  });
});
