import { describe } from 'vitest';
import type { StoreSetup } from '../support/store-setup.ts';
import { type Suite, suiteContext } from '../support/suite-context.ts';
import { addressScenarios } from './addresses.ts';
import { httpContractScenarios } from './http-contract.ts';
import { jobScenarios } from './jobs.ts';
import { listQueryScenarios } from './list-queries.ts';
import { orderItemScenarios } from './order-items.ts';
import { orderScenarios } from './orders.ts';
import { pricingScenarios } from './pricing.ts';
import { productScenarios } from './products.ts';
import { storeFlowScenario } from './store-flow.ts';
import { tagScenarios } from './tags.ts';
import { userScenarios } from './users.ts';

/**
 * Every acceptance scenario of the store against one setup: a real server on a random port, requests
 * with fetch. The same function runs for each setup (SQLite + in-process jobs, PostgreSQL + BullMQ + a
 * worker process, manifest discovery), so they are held to the same contract. `setupSpecific` adds a
 * setup's own tests, run after the shared ones and before the store is closed.
 */
export function describeStoreSuite(
  label: string,
  start: () => Promise<StoreSetup>,
  setupSpecific?: (suite: Suite) => void,
): void {
  describe(label, () => {
    const suite = suiteContext(start);
    userScenarios(suite);
    listQueryScenarios(suite);
    addressScenarios(suite);
    productScenarios(suite);
    tagScenarios(suite);
    orderScenarios(suite);
    orderItemScenarios(suite);
    jobScenarios(suite);
    pricingScenarios(suite);
    storeFlowScenario(suite);
    httpContractScenarios(suite);
    // Last: a setup's own checks may end what the shared scenarios need (e.g. stop the worker).
    setupSpecific?.(suite);
  });
}
