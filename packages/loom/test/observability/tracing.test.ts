import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inSpan, tracingEnabled } from '../../src/observability/tracing.ts';
import { eventually, type RunningStore, send, startStore } from './store-app.ts';

const exporter = new InMemorySpanExporter();
const spans = () => exporter.getFinishedSpans();
const named = (name: string) => spans().filter((s) => s.name === name);
const one = (name: string): ReadableSpan => {
  const found = named(name);
  expect(
    found.map((s) => s.name),
    `exactly one span "${name}" in ${spans()
      .map((s) => s.name)
      .join(', ')}`,
  ).toHaveLength(1);
  return found[0]!;
};
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('without a tracer provider', () => {
  it('creates no spans: the helpers only call through', async () => {
    expect(tracingEnabled()).toBe(false);
    expect(await inSpan('nothing', {}, async (span) => span)).toBeUndefined();
    const store = await startStore();
    try {
      expect((await send(store.base, 'GET', '/users')).status).toBe(200);
      expect(trace.getActiveSpan()).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});

describe('with a tracer provider (in-memory exporter)', () => {
  let store: RunningStore;
  let provider: BasicTracerProvider;
  let productId: number;

  beforeAll(async () => {
    provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(provider);
    store = await startStore();
    const created = await send(store.base, 'POST', '/products', {
      sku: 'T-1',
      name: 'Traced',
      category: 'tools',
      priceCents: 100,
      stock: 0,
    });
    productId = (created.body as { id: number }).id;
  });
  beforeEach(() => exporter.reset());
  afterAll(async () => {
    await store?.close();
    trace.disable();
    context.disable();
    await provider.shutdown();
  });

  it('nests request → use case → repository → SQL spans', async () => {
    expect(tracingEnabled()).toBe(true);
    expect(await inSpan('something', {}, async (span) => span?.isRecording())).toBe(true);
    const res = await send(store.base, 'GET', `/products/${productId}`);
    expect(res.status).toBe(200);
    const request = one('GET /products/{id}');
    const useCase = one('use_case getProduct');
    const repository = one('repository Product.getById');
    expect(request.kind).toBe(SpanKind.SERVER);
    expect(request.parentSpanContext).toBeUndefined();
    expect(request.attributes['http.route']).toBe('/products/{id}');
    expect(request.attributes['http.response.status_code']).toBe(200);
    expect(request.attributes['loom.trace_id']).toBe(res.headers.get('x-request-id'));
    expect(parentOf(useCase)).toBe(request.spanContext().spanId);
    expect(useCase.attributes['loom.use_case']).toBe('getProduct');
    expect(parentOf(repository)).toBe(useCase.spanContext().spanId);
    expect(repository.kind).toBe(SpanKind.CLIENT);
    const sql = spans().filter((s) => s.name === 'sql SELECT');
    expect(sql.length).toBeGreaterThanOrEqual(1);
    expect(parentOf(sql[0]!)).toBe(repository.spanContext().spanId);
    expect(sql[0]!.attributes['db.query.text']).toMatch(/select/i);
    const traceIds = new Set([request, useCase, repository, ...sql].map((s) => s.spanContext().traceId));
    expect(traceIds.size).toBe(1);
  });

  it('continues the trace of an incoming traceparent header', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parent = '00f067aa0ba902b7';
    await send(store.base, 'GET', '/users', undefined, { traceparent: `00-${traceId}-${parent}-01` });
    const request = one('GET /users');
    expect(request.spanContext().traceId).toBe(traceId);
    expect(parentOf(request)).toBe(parent);
    expect(one('use_case ListUsers').spanContext().traceId).toBe(traceId);
  });

  it("gives a dispatched job's span the trace of the request that dispatched it", async () => {
    const res = await send(store.base, 'POST', `/products/${productId}/jobs/restock-email`, {
      recipientEmail: 'a@b.co',
    });
    expect(res.status).toBe(202);
    await eventually(
      () =>
        named('job SendRestockEmail').length === 1 &&
        named('job RestockEmailCallbacks.onSuccess').length === 1,
    );
    const request = one('POST /products/{productId}/jobs/restock-email');
    const dispatcher = one('use_case DispatchRestockEmail');
    const job = one('job SendRestockEmail');
    const jobUseCase = one('use_case SendRestockEmail');
    const callback = one('job RestockEmailCallbacks.onSuccess');
    const traceId = request.spanContext().traceId;
    expect(job.spanContext().traceId).toBe(traceId);
    expect(job.kind).toBe(SpanKind.CONSUMER);
    // Parented by the span that was active at dispatch: the dispatching use case.
    expect(parentOf(job)).toBe(dispatcher.spanContext().spanId);
    expect(job.attributes['messaging.destination.name']).toBe('notifications');
    expect(job.attributes['loom.trace_id']).toBe(res.headers.get('x-request-id'));
    expect(parentOf(jobUseCase)).toBe(job.spanContext().spanId);
    expect(callback.spanContext().traceId).toBe(traceId);
  });

  it('marks a 404 as a client error on the use case, not as a failed span', async () => {
    expect((await send(store.base, 'GET', '/products/987654')).status).toBe(404);
    const useCase = one('use_case getProduct');
    expect(useCase.status.code).toBe(SpanStatusCode.UNSET);
    expect(useCase.attributes['loom.error_code']).toBe('LOOM_NOT_FOUND');
    expect(one('GET /products/{id}').attributes['http.response.status_code']).toBe(404);
  });

  it('names unmatched requests by method only', async () => {
    expect((await send(store.base, 'GET', '/nowhere')).status).toBe(404);
    expect(one('GET').attributes['http.route']).toBeUndefined();
  });
});
