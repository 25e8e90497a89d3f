import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tracingEnabled } from '../../src/observability/tracing.ts';
import { send, startStore } from './store-app.ts';

/** The parts of an OTLP/HTTP JSON trace export (ExportTraceServiceRequest) this test reads. */
interface OtlpExport {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: {
      scope: { name: string };
      spans: { traceId: string; spanId: string; parentSpanId?: string; name: string; kind: number }[];
    }[];
  }[];
}

/** A local OTLP/HTTP receiver: decodes every POST to /v1/traces (JSON, gzip or not) and keeps it. */
function otlpReceiver() {
  const exports: OtlpExport[] = [];
  const contentTypes: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/v1/traces') {
        response.writeHead(404).end();
        return;
      }
      let body = Buffer.concat(chunks);
      if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      contentTypes.push(`${request.headers['content-type']}; key=${request.headers['x-api-key']}`);
      exports.push(JSON.parse(body.toString('utf8')) as OtlpExport);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return {
    exports,
    contentTypes,
    async start(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    spans: () =>
      exports.flatMap((e) =>
        e.resourceSpans.flatMap((r) =>
          r.scopeSpans.flatMap((s) =>
            s.spans.map((span) => ({
              ...span,
              scope: s.scope.name,
              resource: Object.fromEntries(r.resource.attributes.map((a) => [a.key, a.value.stringValue])),
            })),
          ),
        ),
      ),
  };
}

describe('trace.exporter: spans leave the process over OTLP/HTTP without user code', () => {
  const receiver = otlpReceiver();
  let endpoint: string;

  beforeAll(async () => {
    endpoint = await receiver.start();
  });
  afterAll(() => receiver.close());

  it('exports the spans of a real request with service name and resource attributes; trace.header names the request id header', async () => {
    expect(tracingEnabled()).toBe(false);
    const store = await startStore({
      extraYaml: [
        'trace:',
        '  serviceName: store-under-test',
        '  header: x-correlation-id',
        `  exporter: { endpoint: "${endpoint}", headers: { x-api-key: secret-key } }`,
        '  resourceAttributes: { deployment.environment: test }',
        '',
      ].join('\n'),
    });
    let traceparentTraceId: string;
    try {
      expect(tracingEnabled()).toBe(true);
      traceparentTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const res = await send(store.base, 'GET', '/users', undefined, {
        traceparent: `00-${traceparentTraceId}-00f067aa0ba902b7-01`,
        'x-correlation-id': 'corr-1',
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-correlation-id')).toBe('corr-1');
      expect(res.headers.get('x-request-id')).toBeNull();
      const missing = await send(store.base, 'GET', '/users/999999', undefined, {
        'x-correlation-id': 'c-2',
      });
      expect(missing.status).toBe(404);
      expect(missing.headers.get('x-correlation-id')).toBe('c-2');
      expect((missing.body as { traceId: string }).traceId).toBe('c-2');
    } finally {
      // Closing the app shuts the SDK down, which flushes the batched spans to the receiver.
      await store.close();
    }
    expect(tracingEnabled()).toBe(false);
    // JSON encoding, with the configured exporter headers.
    expect(receiver.contentTypes[0]).toBe('application/json; key=secret-key');

    const spans = receiver.spans();
    const request = spans.find((s) => s.name === 'GET /users');
    expect(request, `spans: ${spans.map((s) => s.name).join(', ')}`).toBeDefined();
    // Joined to the caller's W3C trace, with loom's scope and the configured resource.
    expect(request!.traceId).toBe(traceparentTraceId);
    expect(request!.parentSpanId).toBe('00f067aa0ba902b7');
    expect(request!.scope).toBe('loom-kernel');
    expect(request!.resource).toMatchObject({
      'service.name': 'store-under-test',
      'deployment.environment': 'test',
    });
    const useCase = spans.find((s) => s.name === 'use_case ListUsers');
    expect(useCase?.traceId).toBe(traceparentTraceId);
    expect(useCase?.parentSpanId).toBe(request!.spanId);
    expect(spans.some((s) => /^GET \/users\/\{\w+\}$/.test(s.name))).toBe(true);
  });

  it('trace.sampleRatio 0 records no new trace; trace.enabled false starts no SDK at all', async () => {
    const before = receiver.spans().length;
    const unsampled = await startStore({
      extraYaml: `trace:\n  sampleRatio: 0\n  exporter: { endpoint: "${endpoint}" }\n`,
    });
    try {
      expect(tracingEnabled()).toBe(true);
      expect((await send(unsampled.base, 'GET', '/users')).status).toBe(200);
    } finally {
      await unsampled.close();
    }
    expect(receiver.spans().length).toBe(before);

    const off = await startStore({
      extraYaml: `trace:\n  enabled: false\n  exporter: { endpoint: "${endpoint}" }\n`,
    });
    try {
      expect(tracingEnabled()).toBe(false);
      expect(trace.getActiveSpan()).toBeUndefined();
      expect((await send(off.base, 'GET', '/users')).status).toBe(200);
    } finally {
      await off.close();
    }
    expect(receiver.spans().length).toBe(before);
  });

  it('refuses an exporter endpoint that is not an http(s) URL, naming the key', async () => {
    await expect(
      startStore({ extraYaml: 'trace:\n  exporter: { endpoint: "collector:4318" }\n' }),
    ).rejects.toThrow(/trace\.exporter\.endpoint/);
  });
});
