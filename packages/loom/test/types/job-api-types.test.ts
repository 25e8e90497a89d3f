import { describe, expectTypeOf, it } from 'vitest';
import {
  callbacks,
  command,
  type DispatchReceipt,
  type FinishedJobStatus,
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
