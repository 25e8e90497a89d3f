import { describe, expectTypeOf, it } from 'vitest';
import { type Infer, NotFound } from '../../src/index.ts';
import { type DispatchedJob, expectError, runUseCase, type TestApp } from '../../src/testing/index.ts';
import {
  CreateMemberUseCase,
  GetMemberUseCase,
  type Member,
  RenameMemberUseCase,
  Welcome,
} from '../testing/kit-app.ts';

declare const app: TestApp;
type MemberRow = Infer<typeof Member>;

// The calls below are compiled, never run: each sits in a function nobody calls.
describe('testing kit types', () => {
  it('types runUseCase arguments as app.invoke does: wrong params or payload do not compile', () => {
    const _checks = () => {
      runUseCase(GetMemberUseCase, { params: { memberId: 1 } });
      // @ts-expect-error a misspelled param
      runUseCase(GetMemberUseCase, { params: { memberID: 1 } });
      // @ts-expect-error a param of the wrong type (memberId is t.Integer())
      runUseCase(GetMemberUseCase, { params: { memberId: true } });
      // @ts-expect-error the declared param is missing
      runUseCase(GetMemberUseCase, { params: {} });
      // @ts-expect-error params are required when declared
      runUseCase(GetMemberUseCase, {});
      runUseCase(CreateMemberUseCase, { payload: { name: 'Ada', email: 'a@b.co' } });
      // @ts-expect-error a payload field of the wrong type
      runUseCase(CreateMemberUseCase, { payload: { name: 3, email: 'a@b.co' } });
      // @ts-expect-error an unknown payload field
      runUseCase(CreateMemberUseCase, { payload: { nmae: 'Ada', email: 'a@b.co' } });
      // @ts-expect-error the use case has an input: a payload is required
      runUseCase(CreateMemberUseCase, {});
      runUseCase(RenameMemberUseCase, { params: { memberId: 1 }, payload: { name: 'Bo' } });
    };
    expectTypeOf(_checks).toBeFunction();
  });

  it('types load and repository overrides from the declaration', () => {
    const _checks = (member: MemberRow) => {
      runUseCase(GetMemberUseCase, { params: { memberId: 1 }, load: { member } });
      // @ts-expect-error not a load of this use case
      runUseCase(GetMemberUseCase, { params: { memberId: 1 }, load: { other: member } });
      runUseCase(CreateMemberUseCase, {
        payload: { name: 'A', email: 'a@b.co' },
        // @ts-expect-error emailTaken is a boolean (exists)
        load: { emailTaken: 'no' },
      });
      runUseCase(CreateMemberUseCase, {
        payload: { name: 'A', email: 'a@b.co' },
        repo: { create: async () => member },
      });
      runUseCase(CreateMemberUseCase, {
        payload: { name: 'A', email: 'a@b.co' },
        // @ts-expect-error create must resolve to a member
        repo: { create: async () => 42 },
      });
    };
    expectTypeOf(_checks).toBeFunction();
  });

  it('resolves with the use case result, and narrows expected errors', () => {
    const _checks = () => {
      expectTypeOf(
        runUseCase(GetMemberUseCase, { params: { memberId: 1 } }),
      ).resolves.toEqualTypeOf<MemberRow>();
      expectTypeOf(expectError(Promise.resolve(1), NotFound)).resolves.toEqualTypeOf<NotFound>();
      expectTypeOf(
        app.invoke(GetMemberUseCase, { params: { memberId: 1 } }),
      ).resolves.toEqualTypeOf<MemberRow>();
    };
    expectTypeOf(_checks).toBeFunction();
  });

  it('types captured jobs from the job declaration', () => {
    type Captured = ReturnType<typeof app.jobs.dispatched<typeof Welcome>>[number];
    expectTypeOf<Captured>().toEqualTypeOf<DispatchedJob<typeof Welcome>>();
    expectTypeOf<Captured['params']>().toEqualTypeOf<{ readonly memberId: number }>();
    expectTypeOf<Captured['payload']>().toEqualTypeOf<{ greeting?: string }>();
    expectTypeOf(Welcome).not.toBeAny();
  });
});
