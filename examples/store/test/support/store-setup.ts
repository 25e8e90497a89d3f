import type { LoomApp } from 'loom-kernel/app';
import type { StoreClient } from './http-client.ts';
import type { JobLog } from './job-log.ts';
import type { STORE_JOBS } from './overlay.ts';

export type StoreJob = (typeof STORE_JOBS)[number];

/** A running store the shared scenarios talk to, whatever database and queue backend it runs on. */
export interface StoreSetup {
  readonly label: string;
  /** The API, listening on a random port. */
  readonly app: LoomApp;
  readonly api: StoreClient;
  /** The attempts the job-running process logged (this process in-process, the worker process with BullMQ). */
  readonly jobs: JobLog;
  /** The queue a store job is dispatched to in this setup (runs on Redis use queues of their own). */
  queueOf(job: StoreJob): string;
  close(): Promise<void>;
}

/** The queues the store declares (config/base.yaml does not override them). */
export const DECLARED_QUEUES: Readonly<Record<StoreJob, string>> = {
  SendRestockEmail: 'notifications',
  BuildProductSummary: 'analytics',
  SyncProductToErp: 'erp',
};
