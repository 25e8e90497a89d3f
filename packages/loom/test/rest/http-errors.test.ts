import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { createRestServer, Kernel, openDatabase } from '../support/internals.ts';
import { expectProblem } from './support/expect-problem.ts';
import { startServer, type TestServer } from './support/server.ts';
import { MiscApi } from './support/store.ts';

/** Sends a request with a raw path and method (fetch refuses some of both). */
function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
) {
  const url = new URL(base);
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    text: string;
  }>((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe.each(DIALECTS)('HTTP-level errors on %s', (dialect) => {
  let s: TestServer;
  const logLines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n')) if (line.trim() !== '') logLines.push(JSON.parse(line));
        done();
      },
    });
    s = await startServer(dialect, { bodyLimit: 2048, logger: pino({ level: 'info' }, sink) });
  });
  afterAll(() => s.close());

  it('a known path with the wrong method → 405 with Allow, in the problem format', async () => {
    const res = await s.req('PUT', '/users/1');
    const body = expectProblem(res, 405, 'LOOM_METHOD_NOT_ALLOWED');
    expect(res.headers.get('allow')).toBe('GET, HEAD, PATCH, DELETE');
    expect(body.allowed).toEqual(['GET', 'HEAD', 'PATCH', 'DELETE']);
    expect((await s.req('DELETE', '/users/')).headers.get('allow')).toBe('GET, HEAD, POST');
    expect((await s.req('POST', '/openapi.json')).headers.get('allow')).toBe('GET, HEAD');
    const options = await raw(s.base, 'OPTIONS', '/products/1/restock');
    expect([options.status, options.headers.allow]).toEqual([405, 'POST']);
  });

  it('an unknown path → 404 problem, whatever the method', async () => {
    for (const method of ['GET', 'POST', 'DELETE'])
      expectProblem(await s.req(method, '/missing/route'), 404, 'LOOM_ROUTE_NOT_FOUND');
    const propfind = await raw(s.base, 'PROPFIND', '/missing');
    expect(propfind.status).toBe(404);
    expect(propfind.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('a body over the configured limit → 413, with or without Content-Length', async () => {
    const big = JSON.stringify({ fullName: 'x'.repeat(3000), email: 'big@x.io' });
    const body = expectProblem(
      await s.req('POST', '/users', { json: JSON.parse(big) }),
      413,
      'LOOM_PAYLOAD_TOO_LARGE',
    );
    expect(body.detail).toContain('2048');
    const chunked = await raw(
      s.base,
      'POST',
      '/users',
      { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      big,
    );
    expect(chunked.status).toBe(413);
    const small = await s.req('POST', '/users', { json: { fullName: 'Small', email: 'small@x.io' } });
    expect(small.status).toBe(201);
  });

  it('a non-JSON content type on a body route → 415; JSON suffix types are JSON', async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/xml',
      'multipart/form-data; boundary=x',
    ]) {
      const res = await s.req('POST', '/users', {
        body: 'fullName=a&email=b',
        headers: { 'content-type': type },
      });
      expectProblem(res, 415, 'LOOM_UNSUPPORTED_MEDIA_TYPE');
    }
    const none = await raw(s.base, 'POST', '/users', { 'content-length': '2' }, '{}');
    expect(none.status).toBe(415);
    const merge = await s.req('PATCH', '/users/1', {
      body: '{"nickname":"m"}',
      headers: { 'content-type': 'application/merge-patch+json' },
    });
    expect(merge.status).toBe(200);
    const charset = await s.req('POST', '/users', {
      body: '{"fullName":"Charset","email":"cs@x.io"}',
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(charset.status).toBe(201);
  });

  it('a route without an input ignores the body and its content type', async () => {
    const res = await s.req('POST', '/errors/ok', {
      body: 'whatever',
      headers: { 'content-type': 'text/plain' },
    });
    expect([res.status, res.body]).toEqual([200, { ok: true }]);
  });

  it('a malformed URL → 400 problem with the trace id', async () => {
    const res = await raw(s.base, 'GET', '/users/%E0%A4%A', { 'x-request-id': 'bad-url-1' });
    expect(res.status).toBe(400);
    expect(res.headers['x-request-id']).toBe('bad-url-1');
    expect(JSON.parse(res.text)).toMatchObject({
      status: 400,
      code: 'LOOM_BAD_REQUEST',
      traceId: 'bad-url-1',
    });
  });

  it('a request Node cannot parse → 400 problem, then the connection closes', async () => {
    const url = new URL(s.base);
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(url.port), url.hostname, () =>
        socket.write('GARBAGE / HTTP/9.9\r\n\r\n'),
      );
      let data = '';
      socket.on('data', (c) => {
        data += c;
      });
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(text).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(text).toContain('content-type: application/problem+json');
    const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
    expect(body).toMatchObject({
      status: 400,
      code: 'LOOM_BAD_REQUEST',
      type: 'urn:loom:problem:bad-request',
    });
    expect(body.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect((await s.req('GET', '/ping')).status).toBe(200);
  });

  it('logs an unexpected error with its stack and the trace id; the response shows neither', async () => {
    const res = await s.req('POST', '/errors/boom', { headers: { 'x-request-id': 'log-trace-7' } });
    expect(res.status).toBe(500);
    expect(res.text).not.toContain('hunter2');
    const line = logLines.find((l) => l.traceId === 'log-trace-7' && l.level === 50);
    const err = line?.err as { message: string; stack: string } | undefined;
    expect(err?.message).toBe('database password is hunter2');
    expect(err?.stack).toContain('store.ts');
  });

  it('GET routes run without a transaction, other methods in one, both inside the call context', async () => {
    const get = await s.req('GET', '/probe', { headers: { 'x-request-id': 'probe-get' } });
    expect(get.body).toEqual({ inTransaction: false, traceId: 'probe-get' });
    const post = await s.req('POST', '/probe', { headers: { 'x-request-id': 'probe-post' } });
    expect(post.body).toEqual({ inTransaction: true, traceId: 'probe-post' });
  });

  it('HEAD on a GET route answers headers only', async () => {
    const res = await raw(s.base, 'HEAD', '/ping');
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(res.headers['x-request-id']).toBeTruthy();
  });
});

describe('routes added to the server by the application', () => {
  it('echo the trace id and answer errors as problems too', async () => {
    const kernel = new Kernel({
      db: openDatabase({ dialect: 'sqlite', filename: ':memory:' }),
      cursorSecret: 'extra-secret',
    });
    const app = createRestServer({ kernel, interfaces: [MiscApi], docsPath: false });
    app.get('/extra', async () => ({ extra: true }));
    app.get('/extra-fails', async () => {
      throw new Error('secret detail');
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const ok = await fetch(`${base}/extra`, { headers: { 'x-request-id': 'extra-1' } });
      expect([ok.status, ok.headers.get('x-request-id'), await ok.json()]).toEqual([
        200,
        'extra-1',
        { extra: true },
      ]);
      const failed = await fetch(`${base}/extra-fails`, { headers: { 'x-request-id': 'extra-2' } });
      expect(failed.status).toBe(500);
      expect(failed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await failed.json()).toMatchObject({ code: 'LOOM_INTERNAL', traceId: 'extra-2' });
    } finally {
      await app.close();
    }
  });
});

describe('the default body limit is 1 MiB', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer('sqlite');
  });
  afterAll(() => s.close());

  it('accepts a body just under 1 MiB and refuses one just over', async () => {
    const under = await s.req('POST', '/users', {
      json: { fullName: 'a', email: 'u@x.io', pad: 'x'.repeat(1024 * 1024 - 100) },
    });
    expect(under.status).toBe(201);
    const over = await s.req('POST', '/users', {
      json: { fullName: 'a', email: 'o@x.io', pad: 'x'.repeat(1024 * 1024) },
    });
    expectProblem(over, 413, 'LOOM_PAYLOAD_TOO_LARGE');
  });

  it('a custom problem type base is used for every problem', async () => {
    const custom = await startServer('sqlite', { problemTypeBase: 'https://api.example.com/errors/' });
    try {
      expect((await custom.req('GET', '/users/999')).body.type).toBe(
        'https://api.example.com/errors/not-found',
      );
    } finally {
      await custom.close();
    }
  });
});
