import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, describePlan, type TestApp } from '../../src/testing/index.ts';
import {
  autoUseCasesOf,
  collectDeclarations,
  repositoryFor,
  SqlRepository,
  useCase,
} from '../support/internals.ts';
import {
  CreateMemberUseCase,
  GetMemberUseCase,
  KIT_DECLARATIONS,
  KIT_ENTRIES,
  Label,
  Member,
  RenameMemberUseCase,
} from './kit-app.ts';

describe('describePlan', () => {
  it('describes loads in order, computes, rules, the transaction and the statements around execute', () => {
    expect(describePlan(CreateMemberUseCase)).toEqual({
      name: 'CreateMember',
      model: 'Member',
      params: [],
      input: { command: 'CreateMember', fields: ['name', 'email'] },
      loads: [
        {
          name: 'emailTaken',
          kind: 'exists',
          model: 'Member',
          from: 'input.email',
          against: 'email',
          onMissing: 'returnFalse',
        },
      ],
      computes: [{ field: 'email' }],
      rules: [{ fields: ['name'] }, { fields: ['email'] }, { fields: ['email'] }],
      query: false,
      transaction: 'transaction',
      statements: ['begin', 'select 1 from members where email = input.email limit 1', 'execute', 'commit'],
    });
  });

  it('tells read-only and single-statement plans apart from transactional ones', () => {
    const get = describePlan(GetMemberUseCase);
    expect(get.transaction).toBe('none (read-only)');
    expect(get.params).toEqual([{ name: 'memberId', type: 'integer', optional: false }]);
    expect(get.statements).toEqual(['select members where id = params.memberId', 'execute']);
    expect(get.loads[0]).toMatchObject({ kind: 'loadById', profile: 'default', onMissing: 'raise' });
    expect(describePlan(autoUseCasesOf(Member).create).transaction).toBe('none (single statement)');
    expect(describePlan(RenameMemberUseCase).rules).toEqual([{ fields: ['name'] }]);
  });

  it('changes when the behaviour changes (a dropped load or rule is caught)', () => {
    const { load: _load, rules: _rules, ...rest } = CreateMemberUseCase.decl;
    const weakened = useCase(Member, { ...rest, name: 'CreateMember' });
    const before = describePlan(CreateMemberUseCase);
    const after = describePlan(weakened);
    expect(after).not.toEqual(before);
    expect(after.loads).toEqual([]);
    expect(after.rules).toEqual([]);
  });

  it('is plain JSON: it survives a round trip unchanged', () => {
    const snapshot = describePlan(RenameMemberUseCase);
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });
});

describe('describePlan with an app’s kernel', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp(KIT_DECLARATIONS);
  });
  afterAll(() => app.close());

  it('describes the plan the app runs, under its discovered name', () => {
    expect(describePlan(GetMemberUseCase, app.kernel)).toEqual(describePlan(GetMemberUseCase));
    expect(describePlan(autoUseCasesOf(Member).update, app.kernel).statements).toEqual(['execute']);
  });
});

describe('describePlan with an app’s kernel that binds a custom repository', () => {
  /** Its writes are not declared single-statement, so the app runs auto-CRUD writes in a transaction. */
  class LabelRepository extends SqlRepository<typeof Label> {}
  const Labels = repositoryFor(Label, LabelRepository);
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp(collectDeclarations([...KIT_ENTRIES, ['Labels', Labels]]));
  });
  afterAll(() => app.close());

  it('describes the kernel’s plan, not a fresh compile of the declaration', () => {
    const create = autoUseCasesOf(Label).create;
    expect(describePlan(create).transaction).toBe('none (single statement)');
    const inApp = describePlan(create, app.kernel);
    expect(inApp.transaction).toBe('transaction');
    expect(inApp.statements).toEqual(['begin', 'execute', 'commit']);
  });
});
