import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import { Fixtures } from '../support/fixtures.ts';
import { expectInvalidBody, expectNotFound, expectViolations } from '../support/problem.ts';
import type { Suite } from '../support/suite-context.ts';
import { type DispatchReceipt, type Product, UUID, type WorkflowReceipt } from '../support/wire.ts';

/**
 * §9 #40–#43 and the worker-side checks: dispatches answer 202, and the jobs' callbacks have their
 * effect on the product's category — `-restock-notified` when the email job returns true (stock 0),
 * `-restock-failed` after the last retry of a forced failure — each suffix added once.
 */
export function jobScenarios(suite: Suite): void {
  const fx = new Fixtures(suite);
  const category = async (id: number) => (await suite.api.get<Product>(`/products/${id}`)).body.category;
  const categoryBecomes = (id: number, expected: string) =>
    eventually(async () => ((await category(id)) === expected ? true : undefined), `category "${expected}"`);

  async function restockEmail(productId: number, body: Record<string, unknown>): Promise<DispatchReceipt> {
    const res = await suite.api.post<DispatchReceipt>(`/products/${productId}/jobs/restock-email`, body);
    expect(res.status, res.text).toBe(202);
    return res.body;
  }

  describe('jobs and callbacks', () => {
    it('restock email for a product out of stock → 202 {jobId, queue} (#40), then the category gets -restock-notified', async () => {
      const product = await fx.product({ stock: 0 });
      const res = await suite.api.post<DispatchReceipt>(`/products/${product.id}/jobs/restock-email`, {
        recipientEmail: 'qa@example.com',
      });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({
        jobId: expect.stringMatching(UUID),
        queue: suite.store.queueOf('SendRestockEmail'),
      });
      await categoryBecomes(product.id, `${product.category}-restock-notified`);
      const attempts = await suite.store.jobs.finished(res.body.jobId);
      expect(attempts).toMatchObject([{ job: 'SendRestockEmail', attempt: 1, outcome: 'succeeded' }]);
      expect(await suite.store.jobs.finished(`${res.body.jobId}-success`)).toMatchObject([
        { job: 'RestockEmailCallbacks.onSuccess', outcome: 'succeeded' },
      ]);
    });

    it('a product in stock: the job returns false, its success callback runs and changes nothing', async () => {
      const product = await fx.product({ stock: 7 });
      const { jobId } = await restockEmail(product.id, { recipient_email: 'qa@example.com' });
      expect(await suite.store.jobs.finished(`${jobId}-success`)).toMatchObject([{ outcome: 'succeeded' }]);
      expect(await category(product.id)).toBe(product.category);
    });

    it('force_fail (snake_case): 1 + 2 retries as declared, then the failure callback adds -restock-failed', async () => {
      const product = await fx.product({ stock: 0 });
      const { jobId } = await restockEmail(product.id, {
        recipient_email: 'qa@example.com',
        force_fail: true,
      });
      await categoryBecomes(product.id, `${product.category}-restock-failed`);
      const attempts = await suite.store.jobs.finished(jobId);
      expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
        [1, 'retrying'],
        [2, 'retrying'],
        [3, 'failed'],
      ]);
      expect(attempts.every((a) => a.error === 'forced restock email failure')).toBe(true);
      expect(await suite.store.jobs.finished(`${jobId}-failure`)).toMatchObject([
        { job: 'RestockEmailCallbacks.onFailure', outcome: 'succeeded' },
      ]);
      expect(suite.store.jobs.attempts(`${jobId}-success`)).toEqual([]);
    });

    it('each suffix is added once however often it is earned, and suffixes chain', async () => {
      const product = await fx.product({ stock: 0 });
      const failures = [
        await restockEmail(product.id, { recipientEmail: 'a@example.com', forceFail: true }),
        await restockEmail(product.id, { recipientEmail: 'b@example.com', forceFail: true }),
      ];
      for (const { jobId } of failures) await suite.store.jobs.finished(`${jobId}-failure`);
      expect(await category(product.id)).toBe(`${product.category}-restock-failed`);

      const successes = [
        await restockEmail(product.id, { recipientEmail: 'a@example.com' }),
        await restockEmail(product.id, { recipientEmail: 'b@example.com' }),
      ];
      for (const { jobId } of successes) await suite.store.jobs.finished(`${jobId}-success`);
      expect(await category(product.id)).toBe(`${product.category}-restock-failed-restock-notified`);
    });

    it('restock workflow → 202 {summary, restockJobId, queue} (#41), then -restock-notified', async () => {
      const product = await fx.product({ stock: 0, name: 'Cable', priceCents: 1299 });
      const res = await suite.api.post<WorkflowReceipt>(`/products/${product.id}/workflows/restock`, {
        recipientEmail: 'buyer@example.com',
        forceFail: false,
      });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({
        summary: `Product ${product.sku} (Cable) in category ${product.category} costs 1299 cents and is out of stock.`,
        restockJobId: expect.stringMatching(UUID),
        queue: suite.store.queueOf('SendRestockEmail'),
      });
      await categoryBecomes(product.id, `${product.category}-restock-notified`);
    });

    it('restock workflow with forceFail → -restock-failed after the retries', async () => {
      const product = await fx.product({ stock: 0 });
      const res = await suite.api.post<WorkflowReceipt>(`/products/${product.id}/workflows/restock`, {
        recipient_email: 'buyer@example.com',
        force_fail: true,
      });
      expect(res.status).toBe(202);
      await categoryBecomes(product.id, `${product.category}-restock-failed`);
      expect((await suite.store.jobs.finished(res.body.restockJobId)).length).toBe(3);
    });

    it('dispatch routes check the product and the body first: 404 Product, 422 naming recipientEmail', async () => {
      const body = { recipientEmail: 'qa@example.com' };
      expectNotFound(await suite.api.post('/products/999999/jobs/restock-email', body), 'Product', 999_999);
      expectNotFound(await suite.api.post('/products/999999/workflows/restock', body), 'Product', 999_999);
      const product = await fx.product({ stock: 0 });
      expectInvalidBody(
        await suite.api.post(`/products/${product.id}/jobs/restock-email`, {}),
        'recipientEmail',
      );
      expectInvalidBody(
        await suite.api.post(`/products/${product.id}/workflows/restock`, {
          recipientEmail: 'x@example.com',
          forceFail: 'yes',
        }),
        'forceFail',
      );
    });

    it('sync-erp with snake_case ids → 202 {dispatched, jobIds} (#42); the forced failure uses its 3 retries', async () => {
      const [ok, failing] = [await fx.product({ stock: 1 }), await fx.product({ stock: 1 })];
      const res = await suite.api.post<{ dispatched: number; jobIds: string[] }>('/products/jobs/sync-erp', {
        product_ids: [ok.id, failing.id],
        force_fail_ids: [failing.id],
      });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({
        dispatched: 2,
        jobIds: [expect.stringMatching(UUID), expect.stringMatching(UUID)],
      });
      const [okId, failingId] = res.body.jobIds as [string, string];
      expect(await suite.store.jobs.finished(okId)).toMatchObject([
        { job: 'SyncProductToErp', queue: suite.store.queueOf('SyncProductToErp'), outcome: 'succeeded' },
      ]);
      const attempts = await suite.store.jobs.finished(failingId);
      expect(attempts.map((a) => a.outcome)).toEqual(['retrying', 'retrying', 'retrying', 'failed']);
      expect(attempts[3]?.error).toBe(`forced ERP sync failure for product ${failing.id}`);
    });

    it('sync-erp with camelCase ids → 202; no ids → 422 on productIds (#43)', async () => {
      const product = await fx.product({ stock: 1 });
      const res = await suite.api.post<{ dispatched: number }>('/products/jobs/sync-erp', {
        productIds: [product.id],
      });
      expect(res.status).toBe(202);
      expect(res.body.dispatched).toBe(1);
      expectViolations(await suite.api.post('/products/jobs/sync-erp', { product_ids: [] }), [
        { field: 'productIds', message: 'productIds must include at least one product' },
      ]);
      expectInvalidBody(await suite.api.post('/products/jobs/sync-erp', {}), 'productIds');
      // Capped: one request cannot enqueue unbounded work (the probe sent 200,000 ids).
      const many = Array.from({ length: 501 }, (_, i) => i + 1);
      expectInvalidBody(await suite.api.post('/products/jobs/sync-erp', { productIds: many }), 'productIds');
    });
  });
}
