import { randomUUID } from 'node:crypto';
import { afterAll, describe } from 'vitest';
import { createBullmqBackend } from './bullmq-backend.ts';
import { createEagerBackend } from './eager-backend.ts';
import { createInProcessBackend } from './inprocess-backend.ts';
import { dropKeys, REDIS_URL } from './test-fixtures/harness.ts';
import { type ContractTarget, queueBackendContract } from './test-fixtures/queue-backend-contract.ts';

// One prefix for this file, so parallel test files never share BullMQ keys.
const prefix = `loomtest-contract-${randomUUID().slice(0, 8)}`;
afterAll(() => dropKeys(prefix));

const targets: Array<ContractTarget & { readonly name: string }> = [
  { name: 'inprocess', async: true, create: () => createInProcessBackend() },
  { name: 'eager', async: false, create: () => createEagerBackend() },
  { name: 'bullmq', async: true, create: () => createBullmqBackend({ url: REDIS_URL, prefix }) },
];

describe.each(targets)('QueueBackend contract: $name', (target) => queueBackendContract(target));
