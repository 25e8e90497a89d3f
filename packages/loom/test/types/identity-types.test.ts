/**
 * Type tests of authentication's result: `ctx.identity` is typed in execute, rules, computes and guard
 * predicates; guard predicates see the use case's typed params, input and loads.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { type Identity, job, loadById, t, useCase } from '../../src/index.ts';
import { UpdateUser, User } from '../use-case/user-fixture.ts';

describe('ctx.identity', () => {
  it('is Identity | undefined in execute, rules and jobs', () => {
    useCase(User, {
      params: { userId: t.Integer() },
      input: UpdateUser,
      rules: ({ forbid }) => [
        forbid(({ identity }) => {
          expectTypeOf(identity).toEqualTypeOf<Identity | undefined>();
          return false;
        }, 'never'),
      ],
      execute: ({ identity }) => {
        expectTypeOf(identity).toEqualTypeOf<Identity | undefined>();
        expectTypeOf(identity?.subject).toEqualTypeOf<string | undefined>();
        expectTypeOf(identity?.roles).toEqualTypeOf<readonly string[] | undefined>();
        return identity?.subject;
      },
    });
    job({
      queue: 'default',
      params: { n: t.Integer() },
      execute: ({ identity }) => {
        expectTypeOf(identity).toEqualTypeOf<Identity | undefined>();
      },
    });
  });

  it('guard predicates see typed params, input and loads', () => {
    useCase(User, {
      params: { userId: t.Integer() },
      input: UpdateUser,
      load: { user: loadById(User, { by: 'userId' }) },
      guards: (g) => [
        g.requireAuth(),
        g.requireRoles('admin', 'support'),
        g.allowIf(({ identity, params }) => {
          expectTypeOf(params.userId).toEqualTypeOf<number>();
          // @ts-expect-error: no such param
          params.orderId;
          return identity?.subject === String(params.userId);
        }),
        g.allowIfLoaded(({ identity, load }) => {
          expectTypeOf(load.user.id).toEqualTypeOf<number>();
          return String(load.user.id) === identity?.subject;
        }),
      ],
      execute: () => null,
    });
    // @ts-expect-error: requireRoles needs at least one role
    useCase(User, { guards: (g) => [g.requireRoles()], execute: () => null });
  });
});
