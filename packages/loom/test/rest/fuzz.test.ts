import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { BODY_LIMIT, type FuzzRequest, generate } from './support/fuzz-corpus.ts';
import { startServer, type TestServer } from './support/server.ts';

function send(base: string, req: FuzzRequest): Promise<{ status: number; type: string | undefined }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const r = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.path,
        headers: req.headers,
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] }));
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}

describe.each(DIALECTS)('fuzz: malformed requests on %s', (dialect) => {
  let s: TestServer;
  let cursor = '';
  beforeAll(async () => {
    s = await startServer(dialect, { bodyLimit: BODY_LIMIT });
    for (let i = 0; i < 5; i++)
      await s.req('POST', '/products', { json: { name: `F${i}`, sku: `FZ-${i}`, price: i, stock: i } });
    await s.req('POST', '/users', { json: { fullName: 'Fuzz', email: 'fuzz@x.io' } });
    cursor = (await s.req('GET', '/products?limit=2')).body.nextCursor;
  });
  afterAll(() => s.close());

  it('answers 400 malformed requests without a single 5xx, every error as a problem, and keeps serving', async () => {
    const requests = generate(dialect === 'sqlite' ? 20260101 : 20260202, 600, cursor);
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    for (let i = 0; i < requests.length; i += 8) {
      const batch = requests.slice(i, i + 8);
      const results = await Promise.all(
        batch.map((req) =>
          send(s.base, req).catch((error: Error) => {
            failures.push(
              `${req.method} ${req.path.slice(0, 120)} ${JSON.stringify(req.headers)} body=${String(req.body).length}: ${error.message}`,
            );
            return { status: 0, type: undefined };
          }),
        ),
      );
      results.forEach((res, j) => {
        const req = batch[j] as FuzzRequest;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const label = `${req.method} ${req.path.slice(0, 120)} → ${res.status}`;
        if (res.status >= 500) failures.push(label);
        // Every error Fastify answers is a problem document (Node's own parser errors never reach it).
        if (res.status >= 400 && req.method !== 'HEAD' && !/^application\/problem\+json/.test(res.type ?? ''))
          failures.push(`${label} (${res.type})`);
      });
    }
    expect(failures).toEqual([]);
    expect(requests.length).toBe(600);
    // The corpus really exercises the error paths, not just the happy ones.
    for (const status of [400, 404, 405, 413, 415, 422])
      expect(statuses.get(status) ?? 0, `status ${status}`).toBeGreaterThan(0);

    expect((await s.req('GET', '/ping')).body).toEqual({ status: 'ok' });
    const created = await s.req('POST', '/products', {
      json: { name: 'After', sku: 'FZ-AFTER', price: 1, stock: 1 },
    });
    expect(created.status).toBe(201);
    expect((await s.req('GET', `/products/${created.body.id}`)).body.sku).toBe('FZ-AFTER');
  });
});
