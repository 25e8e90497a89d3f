import { AsyncLocalStorage } from 'node:async_hooks';

/** Per-call context that travels through async work: the trace id of the request or job. */
export interface CallContext {
  readonly traceId: string;
}

const storage = new AsyncLocalStorage<CallContext>();

/** Runs `fn` with a call context (set by the HTTP layer per request and by workers per job). */
export function withCallContext<T>(ctx: CallContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** The current call context, if any. */
export function currentCallContext(): CallContext | undefined {
  return storage.getStore();
}
