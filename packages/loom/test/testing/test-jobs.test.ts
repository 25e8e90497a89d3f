import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import { createTestApp, expectJson, expectProblem, type TestApp } from '../../src/testing/index.ts';
import {
  KIT_DATABASES,
  KIT_DECLARATIONS,
  Member,
  OutreachDone,
  ReachMemberUseCase,
  Remind,
  RemindMemberUseCase,
  Welcome,
  WelcomeCallbacks,
} from './kit-app.ts';

describe.each(KIT_DATABASES)('app.jobs on $dialect', ({ url }) => {
  let app: TestApp;
  beforeEach(async () => {
    app = await createTestApp(KIT_DECLARATIONS, { databaseUrl: url });
  });
  afterEach(() => app.close());

  const statusOf = async (id: number) => (await app.entity(Member).get(id)).status;

  it('captures every dispatched job with typed params and payload, and runs it eagerly after commit', async () => {
    const [ada] = await app.seed(Member, [{ name: 'Ada', email: 'ada@example.com' }]);
    const receipt = expectJson<{ jobId: string; queue: string }>(
      await app.post(`/members/${ada?.id}/welcome`, { greeting: 'hi' }),
      202,
    );
    const dispatched = app.jobs.dispatched(Welcome);
    expect(dispatched).toHaveLength(1);
    expectTypeOf(dispatched[0]!.params).toEqualTypeOf<{ readonly memberId: number }>();
    expect(dispatched[0]).toMatchObject({
      id: receipt.jobId,
      name: 'Welcome',
      queue: 'mail',
      params: { memberId: ada?.id },
      payload: { greeting: 'hi' },
      callbacks: 'WelcomeCallbacks',
      onSuccess: 'WelcomeCallbacks',
      onFailure: 'WelcomeCallbacks',
    });
    expect(app.jobs.dispatched().map((j) => j.name)).toEqual(['Welcome']);
    // Eager: the job and its success callback ran before the response.
    expect(app.jobs.attempts(Welcome)).toMatchObject([{ status: 'completed', result: 'hi Ada' }]);
    expect(app.jobs.callbackRuns(WelcomeCallbacks, 'onSuccess')).toMatchObject([{ status: 'completed' }]);
    expect(app.jobs.callbackRuns(WelcomeCallbacks, 'onFailure')).toEqual([]);
    expect(await statusOf(ada!.id)).toBe('welcomed');
  });

  it('lists one job’s dispatches apart from another’s', async () => {
    const [ada] = await app.seed(Member, [{ name: 'Ada', email: 'ada@example.com' }]);
    await app.invoke(RemindMemberUseCase, { params: { memberId: ada!.id } });
    await app.post(`/members/${ada?.id}/welcome`, { greeting: 'hi' });
    expect(app.jobs.dispatched().map((j) => j.name)).toEqual(['Remind', 'Welcome']);
    expect(app.jobs.dispatched(Remind).map((j) => j.name)).toEqual(['Remind']);
    expect(app.jobs.dispatched(Welcome).map((j) => j.name)).toEqual(['Welcome']);
    expect(app.jobs.dispatched(Remind)[0]).toMatchObject({ params: { memberId: ada?.id }, payload: null });
    expect(app.jobs.attempts(Remind)).toMatchObject([{ status: 'completed', result: `reminded ${ada?.id}` }]);
  });

  it('lists the members of a group as dispatched jobs, and runs its onComplete after them', async () => {
    const [ada] = await app.seed(Member, [{ name: 'Ada', email: 'ada@example.com' }]);
    const group = await app.invoke(ReachMemberUseCase, { params: { memberId: ada!.id } });
    expect(app.jobs.dispatched().map((j) => [j.id, j.name])).toEqual(
      group.members.map((m, i) => [m.jobId, i === 0 ? 'Welcome' : 'Remind']),
    );
    expect(app.jobs.dispatched(Welcome)[0]).toMatchObject({ payload: { greeting: 'hey' } });
    expect(app.jobs.callbackRuns(OutreachDone, 'onComplete')).toMatchObject([{ id: group.groupId }]);
    expect(app.jobs.attempts().map((a) => a.name)).toEqual(['Welcome', 'Remind']); // callbacks apart
    expect(await statusOf(ada!.id)).toBe('reached');

    const restore = app.jobs.fail(Remind);
    await app.invoke(ReachMemberUseCase, { params: { memberId: ada!.id } });
    restore();
    expect(await statusOf(ada!.id)).toBe('partly-reached');
  });

  it('captures nothing for a dispatch whose transaction rolled back', async () => {
    const [ada] = await app.seed(Member, [{ name: 'Ada', email: 'ada@example.com' }]);
    expectProblem(await app.post(`/members/${ada?.id}/welcome-then-fail`), { status: 403 });
    expect(app.jobs.dispatched()).toEqual([]);
    expect(app.jobs.attempts()).toEqual([]);
    // The same dispatch, committed, is captured (so the empty list above is not vacuous).
    await app.post(`/members/${ada?.id}/welcome`, { greeting: 'hi' });
    expect(app.jobs.dispatched()).toHaveLength(1);
  });

  it('holds jobs in manual mode until runAll, which also runs their callbacks', async () => {
    app.jobs.mode = 'manual';
    const [ada] = await app.seed(Member, [{ name: 'Ada', email: 'ada@example.com' }]);
    await app.post(`/members/${ada?.id}/welcome`, { greeting: 'hi' });
    expect(app.jobs.dispatched(Welcome)).toHaveLength(1);
    expect(app.jobs.attempts()).toEqual([]);
    expect(await statusOf(ada!.id)).toBe('new');
    expect(await app.jobs.runAll()).toBe(2); // the job, then its onSuccess callback
    expect(app.jobs.attempts(Welcome)).toMatchObject([{ status: 'completed' }]);
    expect(app.jobs.callbackRuns(WelcomeCallbacks, 'onSuccess')).toHaveLength(1);
    expect(await statusOf(ada!.id)).toBe('welcomed');
    expect(await app.jobs.runAll()).toBe(0);
  });

  it('simulates a failure of every attempt, so onFailure runs', async () => {
    const [ada] = await app.seed(Member, [{ name: 'Ada', email: 'ada@example.com' }]);
    const restore = app.jobs.fail(Welcome, new Error('mail server down'));
    await app.post(`/members/${ada?.id}/welcome`, { greeting: 'hi' });
    const attempts = app.jobs.attempts(Welcome);
    expect(attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
    ]);
    expect(attempts[1]?.error?.message).toBe('mail server down');
    expect(app.jobs.callbackRuns(WelcomeCallbacks, 'onFailure')).toMatchObject([{ status: 'completed' }]);
    expect(app.jobs.callbackRuns(WelcomeCallbacks, 'onSuccess')).toEqual([]);
    expect(await statusOf(ada!.id)).toBe('welcome-failed');

    restore();
    app.jobs.clear();
    await app.post(`/members/${ada?.id}/welcome`, { greeting: 'again' });
    expect(app.jobs.attempts(Welcome)).toMatchObject([{ status: 'completed', result: 'again Ada' }]);
    expect(await statusOf(ada!.id)).toBe('welcomed');
  });

  it('forgets recorded jobs on reset', async () => {
    const [ada] = await app.seed(Member, [{ name: 'Ada', email: 'ada@example.com' }]);
    await app.post(`/members/${ada?.id}/welcome`, { greeting: 'hi' });
    await app.reset();
    expect(app.jobs.dispatched()).toEqual([]);
    expect(app.jobs.attempts()).toEqual([]);
  });
});

describe('createTestApp({ jobs: "manual" })', () => {
  it('holds dispatched jobs from the start, until runAll', async () => {
    const app = await createTestApp(KIT_DECLARATIONS, { jobs: 'manual' });
    try {
      expect(app.jobs.mode).toBe('manual');
      const [ada] = await app.seed(Member, [{ name: 'Ada', email: 'ada@example.com' }]);
      await app.post(`/members/${ada?.id}/welcome`, { greeting: 'hi' });
      expect(app.jobs.dispatched(Welcome)).toHaveLength(1);
      expect(app.jobs.attempts()).toEqual([]);
      expect(await app.jobs.runAll()).toBe(2);
      expect(app.jobs.attempts(Welcome)).toMatchObject([{ status: 'completed' }]);
    } finally {
      await app.close();
    }
  });
});
