/**
 * Type tests of `dispatches` (decision 0060): a use case or a job lists jobs, eagerly or through a
 * function; anything else does not compile.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { type DispatchesDecl, job, t, useCase } from '../../src/index.ts';
import { User } from '../use-case/user-fixture.ts';

const Mail = job({ name: 'Mail', queue: 'mail', params: { userId: t.Integer() }, execute: () => true });

describe('dispatches types', () => {
  it('takes jobs, or a function returning them, on use cases and jobs', () => {
    useCase(User, { dispatches: [Mail], execute: () => null });
    useCase(User, { dispatches: () => [Mail], execute: () => null });
    job({ name: 'Chain', queue: 'mail', dispatches: [Mail], execute: () => 1 });
    expectTypeOf([Mail] as const).toExtend<DispatchesDecl>();
  });

  it('a use case that is not a job, a model or a string does not compile', () => {
    const NotAJob = useCase(User, { execute: () => null });
    // @ts-expect-error a plain use case has no queue settings
    useCase(User, { dispatches: [NotAJob], execute: () => null });
    // @ts-expect-error a model is not a job
    useCase(User, { dispatches: [User], execute: () => null });
    // @ts-expect-error job names are not accepted: the job itself is what boot checks
    useCase(User, { dispatches: ['Mail'], execute: () => null });
  });
});
