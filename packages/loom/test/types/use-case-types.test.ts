import { describe, expectTypeOf, it } from 'vitest';
import { exists, type Infer, loadById, t, useCase } from '../../src/index.ts';
import type { Kernel } from '../../src/kernel/kernel.ts';
import {
  CreateUser,
  CreateUserUseCase,
  notBlank,
  UpdateUser,
  UpdateUserUseCase,
  User,
} from '../use-case/user-fixture.ts';

declare const kernel: Kernel;

describe('use-case inference', () => {
  it('types execute arguments from the declaration', () => {
    useCase(User, {
      params: { userId: t.Integer() },
      input: UpdateUser,
      load: {
        current: loadById(User, { by: 'userId' }),
        maybe: loadById(User, { by: 'userId', onMissing: 'returnNull' }),
        taken: exists(User, { from: 'input.email', against: 'email' }),
      },
      execute: ({ params, input, load }) => {
        expectTypeOf(params.userId).toEqualTypeOf<number>();
        expectTypeOf(input.email).toEqualTypeOf<string | undefined>();
        expectTypeOf(input.$fieldsSet).toEqualTypeOf<ReadonlySet<'fullName' | 'email'>>();
        expectTypeOf(load.current.email).toEqualTypeOf<string>();
        expectTypeOf(load.maybe).toEqualTypeOf<typeof load.current | null>();
        expectTypeOf(load.taken).toEqualTypeOf<boolean>();
        return 1;
      },
    });
  });

  it('rejects a rule on a misspelled field', () => {
    useCase(User, {
      input: CreateUser,
      rules: ({ check }) => [
        // @ts-expect-error 'emial' is not a field of CreateUser
        check('emial', notBlank),
      ],
      execute: () => null,
    });
  });

  it('rejects loadById by an undeclared param', () => {
    useCase(User, {
      params: { userId: t.Integer() },
      // @ts-expect-error 'userid' is not a declared param
      load: { current: loadById(User, { by: 'userid' }) },
      execute: () => null,
    });
  });

  it('types invoke: params, payload and result', async () => {
    const run = async () => {
      const updated = await kernel.invoke(UpdateUserUseCase, {
        params: { userId: 1 },
        payload: { email: 'a@b.co' },
      });
      // repo.update resolves to null when the row is gone.
      expectTypeOf(updated).toEqualTypeOf<Infer<typeof User> | null>();
      const created = await kernel.invoke(CreateUserUseCase, { payload: { fullName: 'A', email: 'a@b.co' } });
      expectTypeOf(created.fullName).toEqualTypeOf<string>();
      // @ts-expect-error params must include userId
      await kernel.invoke(UpdateUserUseCase, { params: { id: 1 }, payload: {} });
      // @ts-expect-error a payload is required by CreateUser
      await kernel.invoke(CreateUserUseCase, {});
    };
    expectTypeOf(run).toBeFunction();
  });
});
