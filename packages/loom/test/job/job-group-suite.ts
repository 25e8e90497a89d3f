import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeclarationError, ValidationError } from '../../src/errors/index.ts';
import { groupCallback } from '../../src/job/group-callback.ts';
import { OutboxEntry, outboxBacklog } from '../../src/job/outbox.ts';
import { DIALECTS, openTestDatabase } from '../support/dialects.ts';
import { syncSchema } from '../support/internals.ts';
import {
  API_MODELS,
  type ApiHarness,
  apiKey,
  attemptsOf,
  callbackKinds,
  DispatchEchoGroup,
  Echo,
  EchoGroupDone,
  groupCallbackAttempts,
  runsOf,
  startApiHarness,
  Urgent,
} from './support/api-declarations.ts';
import { until } from './support/harness.ts';
import type { BackendTarget } from './support/targets.ts';

type TestDatabase = Awaited<ReturnType<typeof openTestDatabase>>;

/** Opens a database of `dialect` with the suite's tables. */
async function openSuiteDatabase(dialect: (typeof DIALECTS)[number]): Promise<TestDatabase> {
  const db = await openTestDatabase(dialect);
  await syncSchema(db, [...API_MODELS, OutboxEntry]);
  return db;
}

/** What `EchoGroupDone` recorded for group `key` (one entry per committed run). */
async function groupRows(db: TestDatabase, key: string) {
  const rows = await callbackKinds(db, key);
  return rows
    .filter((r) => r.kind === 'group')
    .map((r) => r.detail as { members: unknown[]; allCompleted: boolean });
}

/**
 * `dispatchGroup` on one queue engine and both dialects (decision 0062): members run, `onComplete`
 * runs once after the last one finished — also when members retry and fail — told each outcome; the
 * group is dispatched iff the dispatching transaction commits, and waits in the outbox while the queue
 * is down.
 */
export function describeJobGroups(target: BackendTarget): void {
  afterAll(() => target.cleanup());

  describe.each(DIALECTS)(`job groups on ${target.name} / %s`, (dialect) => {
    let db: TestDatabase;
    let h: ApiHarness;
    beforeAll(async () => {
      db = await openSuiteDatabase(dialect);
      h = startApiHarness(db, target.create(`group-${dialect}`));
    });
    afterAll(async () => {
      await h?.close();
      await db?.dispose();
    });

    it('onComplete runs once, after every member finished, told each outcome: completed, retried, failed for good', async () => {
      const key = apiKey('group');
      const [ok, retried, failing] = [apiKey('g-ok'), apiKey('g-retried'), apiKey('g-failing')];
      const group = await h.runtime.dispatchGroup(
        [
          [Echo, { payload: { key: ok } }],
          [Echo, { payload: { key: retried, failures: 1 } }],
          [Echo, { payload: { key: failing, failures: 99 }, attempts: 2 }],
          [Urgent, {}],
        ],
        { onComplete: EchoGroupDone, payload: { key } },
      );
      expect(JSON.parse(JSON.stringify(group))).toEqual({
        groupId: group.groupId,
        members: group.members.map((m) => ({ jobId: m.jobId, queue: m.queue })),
      });
      expect(group.members.map((m) => m.queue)).toEqual(['api', 'api', 'api', 'api-urgent']);
      const done = await group.wait({ timeoutMs: 15_000 });
      expect(done.members.map((m) => [m.state, m.attempts])).toEqual([
        ['completed', 1],
        ['completed', 2],
        ['failed', 2],
        ['completed', 1],
      ]);
      expect(done.onComplete).toMatchObject({
        jobId: group.groupId,
        name: 'EchoGroupDone.onComplete',
        state: 'completed',
      });
      const [m0, m1, m2, m3] = group.members;
      expect(await groupRows(db, key)).toEqual([
        {
          allCompleted: false,
          members: [
            { jobId: m0.jobId, name: 'Echo', state: 'completed', result: { key: ok, attempt: 1 } },
            { jobId: m1.jobId, name: 'Echo', state: 'completed', result: { key: retried, attempt: 2 } },
            {
              jobId: m2.jobId,
              name: 'Echo',
              state: 'failed',
              error: { message: `refused ${failing} on attempt 2` },
            },
            { jobId: m3.jobId, name: 'Urgent', state: 'completed', result: 'urgent' },
          ],
        },
      ]);
      expect(groupCallbackAttempts.get(key)).toBe(1);
      expect(await runsOf(db, retried)).toEqual([2]); // the failed attempt rolled back its write
      // The group's status is its callback's; a member's is its own.
      expect(await h.runtime.status(group.groupId)).toMatchObject({ state: 'completed' });
      expect(await h.runtime.status(Echo, m1.jobId)).toMatchObject({ state: 'completed', attempts: 2 });
      expect(await m2.wait()).toMatchObject({ state: 'failed', attempts: 2 });
    });

    it('a failing onComplete is retried like a job; its failed attempt rolls back, it commits once', async () => {
      const key = apiKey('group-cb-retry');
      const group = await h.runtime.dispatchGroup([[Echo, { payload: { key: apiKey('g-one') } }]], {
        onComplete: EchoGroupDone,
        payload: { key, callbackFailures: 1 },
      });
      const done = await group.wait({ timeoutMs: 15_000 });
      expect(done.onComplete).toMatchObject({ state: 'completed', attempts: 2 });
      expect(groupCallbackAttempts.get(key)).toBe(2);
      expect(await groupRows(db, key)).toEqual([
        { allCompleted: true, members: [expect.objectContaining({ state: 'completed' })] },
      ]);
    });

    it('dispatched from a use case: published after its commit; a rollback enqueues nothing', async () => {
      const key = apiKey('group-uc');
      const group = await h.kernel.invoke(DispatchEchoGroup, { payload: { key } });
      await group.wait({ timeoutMs: 15_000 });
      expect(await runsOf(db, `${key}-a`)).toEqual([1]);
      expect(await runsOf(db, `${key}-b`)).toEqual([1]);
      expect((await groupRows(db, key)).map((r) => r.allCompleted)).toEqual([true]);

      const gone = apiKey('group-rollback');
      const before = h.published.length;
      await expect(
        h.kernel.invoke(DispatchEchoGroup, { payload: { key: gone, rollback: true } }),
      ).rejects.toThrow('rolled back on purpose');
      expect(h.published.length).toBe(before);
      const rows = await db.kysely
        .selectFrom('loom_outbox')
        .select('id')
        .where('message', 'like', `%${gone}%`)
        .execute();
      expect(rows).toEqual([]);
      // A later group runs to its end; the rolled-back one never ran.
      const after = apiKey('group-after');
      await (await h.kernel.invoke(DispatchEchoGroup, { payload: { key: after } })).wait({
        timeoutMs: 15_000,
      });
      expect(attemptsOf.has(`${gone}-a`)).toBe(false);
      expect(attemptsOf.has(`${gone}-b`)).toBe(false);
      expect(await runsOf(db, gone)).toEqual([]); // the use case's own write rolled back too
      expect(await groupRows(db, gone)).toEqual([]);
    });

    it('a group is checked at dispatch, where the caller sees it, and nothing is enqueued', async () => {
      const key = apiKey('group-bad');
      const before = h.published.length;
      await expect(
        h.runtime.dispatchGroup([[Echo, { payload: { key: '' } }]], {
          onComplete: EchoGroupDone,
          payload: { key },
        }),
      ).rejects.toBeInstanceOf(ValidationError);
      await expect(
        h.runtime.dispatchGroup(
          [
            [Echo, { payload: { key } }],
            [Echo, { payload: { key }, priority: -1 }],
          ],
          { onComplete: EchoGroupDone, payload: { key } },
        ),
      ).rejects.toThrow(/priority must be an integer/);
      await expect(
        h.runtime.dispatchGroup([], { onComplete: EchoGroupDone, payload: { key } }),
      ).rejects.toThrow(/at least one member/);
      const Unregistered = groupCallback({ name: 'Unregistered', onComplete: () => undefined });
      await expect(
        h.runtime.dispatchGroup([[Echo, { payload: { key } }]], { onComplete: Unregistered }),
      ).rejects.toBeInstanceOf(DeclarationError);
      await expect(
        h.runtime.dispatchGroup([[Echo, { payload: { key } }]], {
          onComplete: EchoGroupDone,
          payload: { key },
          queue: 'nobody-consumes-this',
        }),
      ).rejects.toThrow(/is not a queue of any registered job/);
      await expect(
        h.runtime.dispatchGroup(
          // @ts-expect-error a member takes no idempotency key
          [[Echo, { payload: { key }, idempotencyKey: 'k' }]],
          { onComplete: EchoGroupDone, payload: { key } },
        ),
      ).rejects.toThrow(/takes no idempotencyKey/);
      expect(h.published.length).toBe(before);
      expect(attemptsOf.has(key)).toBe(false);
    });

    it('wait() inside the dispatching transaction is refused; the group is pending until published', async () => {
      const key = apiKey('group-tx');
      const group = await db.unitOfWork(async () => {
        const g = await h.runtime.dispatchGroup([[Echo, { payload: { key: apiKey('g-tx') } }]], {
          onComplete: EchoGroupDone,
          payload: { key },
        });
        await expect(g.wait()).rejects.toThrow(/inside the transaction that dispatched it/);
        return g;
      });
      expect((await group.wait({ timeoutMs: 15_000 })).onComplete.state).toBe('completed');
    });

    if (target.name === 'eager') {
      it('eager: members and onComplete have run when the dispatch returns', async () => {
        const key = apiKey('group-eager');
        await h.runtime.dispatchGroup([[Echo, { payload: { key: apiKey('g-eager') } }]], {
          onComplete: EchoGroupDone,
          payload: { key },
        });
        expect((await groupRows(db, key)).map((r) => r.allCompleted)).toEqual([true]); // no waiting
      });
    }

    const withOutage = target.withOutage;
    if (withOutage) {
      it('the queue is down at dispatch: the group waits in the outbox (pending), then runs once', async () => {
        // A database of its own: another relay on the same outbox would publish around the outage.
        const odb = await openSuiteDatabase(dialect);
        const outage = await withOutage(`${dialect}-group-outage`);
        const o = startApiHarness(odb, outage.backend);
        try {
          await outage.cut();
          const key = apiKey('group-outage');
          const member = apiKey('g-outage');
          const group = await o.runtime.dispatchGroup(
            [
              [Echo, { payload: { key: member } }],
              [Echo, { payload: { key: `${member}-2`, failures: 1 } }],
            ],
            { onComplete: EchoGroupDone, payload: { key } },
          );
          await until('the publish to fail', async () =>
            (await outboxBacklog(odb)) === 1 ? true : undefined,
          );
          expect(await o.runtime.status(group.groupId)).toMatchObject({ state: 'pending' });
          expect(attemptsOf.has(member)).toBe(false);
          await outage.restore();
          const done = await group.wait({ timeoutMs: 20_000 });
          expect(done.members.map((m) => m.state)).toEqual(['completed', 'completed']);
          expect((await groupRows(odb, key)).map((r) => r.allCompleted)).toEqual([true]);
          expect(attemptsOf.get(member)).toBe(1);
          await until('an empty outbox', async () => ((await outboxBacklog(odb)) === 0 ? true : undefined));
        } finally {
          await o.close();
          await outage.close();
          await odb.dispose();
        }
      });
    }

    it('no group callback committed twice', async () => {
      const rows = await db.kysely
        .selectFrom('job_api_callbacks')
        .select(['key', 'outcome'])
        .where('outcome', '=', 'group')
        .execute();
      const keys = rows.map((r) => String(r.key));
      expect(keys.length).toBeGreaterThan(0);
      expect(new Set(keys).size).toBe(keys.length);
    });
  });
}
