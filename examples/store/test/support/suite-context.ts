import { afterAll, beforeAll } from 'vitest';
import type { StoreClient } from './http-client.ts';
import type { StoreSetup } from './store-setup.ts';

/** What every scenario reads: the running store (started once per suite) and a source of unique names. */
export interface Suite {
  readonly store: StoreSetup;
  readonly api: StoreClient;
  /** A name no other scenario of this run uses, e.g. for emails, SKUs and categories. */
  unique(label: string): string;
}

/** Starts the store before the suite's tests and closes it after them. Call inside `describe`. */
export function suiteContext(start: () => Promise<StoreSetup>): Suite {
  let store: StoreSetup | undefined;
  let counter = 0;
  const run = Math.random().toString(36).slice(2, 7);
  beforeAll(async () => {
    store = await start();
  });
  afterAll(async () => {
    await store?.close();
  });
  const running = (): StoreSetup => {
    if (!store) throw new Error('the store is not running (did beforeAll fail?)');
    return store;
  };
  return {
    get store() {
      return running();
    },
    get api() {
      return running().api;
    },
    unique: (label) => `${label}-${run}-${++counter}`,
  };
}
