import { describe, expectTypeOf, it } from 'vitest';
import {
  callbacks,
  command,
  type DispatchReceipt,
  type FinishedGroupStatus,
  type FinishedJobStatus,
  type GroupMemberOutcome,
  type GroupReceipt,
  groupCallback,
  type JobStatus,
  job,
  jobStatus,
  type ResultOf,
  t,
  useCase,
} from '../../src/index.ts';

const Send = job({
  name: 'Send',
  queue: 'mail',
  params: { orderId: t.Integer() },
  input: command({ to: t.String() }, { name: 'SendInput' }),
  execute: ({ params, input }) => ({ orderId: params.orderId, to: input.to, sent: true }),
});
type Sent = { orderId: number; to: string; sent: boolean };

const Other = job({ name: 'Other', queue: 'mail', execute: () => 1 });

const Done = groupCallback<{ orderId: number }>({
  name: 'Done',
  onComplete: ({ groupId, members, allCompleted, payload }) => {
    expectTypeOf(groupId).toEqualTypeOf<string>();
    expectTypeOf(members).toEqualTypeOf<readonly GroupMemberOutcome[]>();
    expectTypeOf(allCompleted).toEqualTypeOf<boolean>();
    expectTypeOf(payload).toEqualTypeOf<{ orderId: number }>();
  },
});
const Untyped = groupCallback({ name: 'Untyped', onComplete: ({ payload }) => payload });

const Notify = callbacks(Send, { name: 'Notify', onSuccess: ({ result }) => result.sent });
const Alert = callbacks(Send, { name: 'Alert', onFailure: ({ error }) => error.message });
const OtherAlert = callbacks(Other, { name: 'OtherAlert', onFailure: () => undefined });

describe('job API types', () => {
  it('types the receipt, wait() and status() from the job', () => {
    useCase(null, {
      execute: async ({ jobs }) => {
        const receipt = await jobs.dispatch(Send, { params: { orderId: 1 }, payload: { to: 'a@b.c' } });
        expectTypeOf(receipt).toEqualTypeOf<DispatchReceipt<Sent>>();
        const done = await receipt.wait({ timeoutMs: 1_000 });
        expectTypeOf(done).toEqualTypeOf<FinishedJobStatus<Sent>>();
        if (done.state === 'completed') expectTypeOf(done.result).toEqualTypeOf<Sent>();
        else expectTypeOf(done.error).toEqualTypeOf<{ readonly message: string }>();
        expectTypeOf(await jobs.status(Send, receipt.jobId)).toEqualTypeOf<JobStatus<Sent> | undefined>();
        expectTypeOf(await jobs.status(receipt.jobId)).toEqualTypeOf<JobStatus | undefined>();
        const s = await jobs.status(Send, receipt.jobId);
        // @ts-expect-error result exists only once completed
        void s?.result;
        return receipt;
      },
    });
  });

  it('types the dispatch options', () => {
    useCase(null, {
      execute: async ({ jobs }) => {
        const args = { params: { orderId: 1 }, payload: { to: 'a@b.c' } } as const;
        await jobs.dispatch(Send, {
          ...args,
          queue: 'mail',
          at: new Date(),
          priority: 1,
          attempts: 3,
          timeoutMs: 1_000,
          idempotencyKey: 'order-1',
          onSuccess: Notify,
          onFailure: Alert,
        });
        await jobs.dispatch(Send, { ...args, delayMs: 5, callbacks: Notify, onFailure: Alert });
        // @ts-expect-error at is a Date
        await jobs.dispatch(Send, { ...args, at: '2030-01-01' });
        // @ts-expect-error the key is a string
        await jobs.dispatch(Send, { ...args, idempotencyKey: 42 });
        // @ts-expect-error Alert declares no onSuccess
        await jobs.dispatch(Send, { ...args, onSuccess: Alert });
        // @ts-expect-error Notify declares no onFailure
        await jobs.dispatch(Send, { ...args, onFailure: Notify });
        // @ts-expect-error callbacks of another job
        await jobs.dispatch(Send, { ...args, onFailure: OtherAlert });
      },
    });
  });

  it('types a group: each member like a dispatch, the receipts and wait() by member, the payload by the callback', () => {
    useCase(null, {
      execute: async ({ jobs }) => {
        const send = [Send, { params: { orderId: 1 }, payload: { to: 'a@b.c' }, priority: 1 }] as const;
        const group = await jobs.dispatchGroup([send, [Other, {}]], {
          onComplete: Done,
          payload: { orderId: 1 },
        });
        expectTypeOf(group).toEqualTypeOf<GroupReceipt<readonly [typeof Send, typeof Other]>>();
        expectTypeOf(group.members[0]).toEqualTypeOf<DispatchReceipt<Sent>>();
        expectTypeOf(group.members[1]).toEqualTypeOf<DispatchReceipt<number>>();
        const done = await group.wait({ timeoutMs: 1_000 });
        expectTypeOf(done).toEqualTypeOf<FinishedGroupStatus<readonly [typeof Send, typeof Other]>>();
        expectTypeOf(done.members[0]).toEqualTypeOf<FinishedJobStatus<Sent>>();
        await jobs.dispatchGroup([[Other, {}]], { onComplete: Untyped });

        // @ts-expect-error a member's payload of the wrong type
        await jobs.dispatchGroup([[Send, { params: { orderId: 1 }, payload: { to: 1 } }]], {
          onComplete: Untyped,
        });
        // @ts-expect-error a member's params missing
        await jobs.dispatchGroup([[Send, { params: {}, payload: { to: 'a' } }]], { onComplete: Untyped });
        // @ts-expect-error a member's unknown payload key
        await jobs.dispatchGroup([[Send, { params: { orderId: 1 }, payload: { to: 'a', cc: 'b' } }]], {
          onComplete: Untyped,
        });
        // @ts-expect-error a member takes no idempotency key
        await jobs.dispatchGroup([[Other, { idempotencyKey: 'k' }]], { onComplete: Untyped });
        // @ts-expect-error the callback's payload is required …
        await jobs.dispatchGroup([[Other, {}]], { onComplete: Done });
        // @ts-expect-error … and typed
        await jobs.dispatchGroup([[Other, {}]], { onComplete: Done, payload: { orderId: 'x' } });
        // @ts-expect-error onComplete is a group callback, not a job's callbacks
        await jobs.dispatchGroup([[Send, send[1]]], { onComplete: Notify });
      },
    });
  });

  it('keeps the handlers a callbacks declaration declares', () => {
    expectTypeOf(Notify.onSuccess).toBeFunction();
    expectTypeOf(Alert.onFailure).toBeFunction();
    const unused = () => {
      // @ts-expect-error Notify declares no onFailure (optional there: maybe undefined)
      void Notify.onFailure.name;
    };
    expectTypeOf(unused).toBeFunction();
  });

  it('types the status use case from the job', () => {
    const SendStatus = jobStatus(Send);
    expectTypeOf<ResultOf<typeof SendStatus>>().toEqualTypeOf<JobStatus<Sent>>();
  });
});
