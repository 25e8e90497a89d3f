import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningStore, send, startStore } from './store-app.ts';

type Line = Record<string, unknown>;
const INFO = 30;
const ERROR = 50;

/** A pino logger writing to memory that counts the child loggers made from it. */
function countingLogger() {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  const counter = { children: 0 };
  const logger = pino(
    {
      level: 'info',
      onChild: () => {
        counter.children++;
      },
    },
    stream,
  );
  return { logger, lines, counter };
}

describe('the request line and request.log of a createApp server', () => {
  const { logger, lines, counter } = countingLogger();
  let store: RunningStore;
  const requestLines = () => lines.filter((l) => l.msg === 'request');

  beforeAll(async () => {
    store = await startStore({
      logger,
      prepare: (app) => {
        app.get('/hello', (request, reply) => {
          request.log.info({ greeting: 'hello' }, 'said hello');
          reply.send({ ok: true });
        });
        app.get('/boom', () => {
          throw new Error('boom');
        });
      },
    });
  });
  afterAll(() => store?.close());

  it('makes no child logger per request: one per route, on its first request', async () => {
    await send(store.base, 'GET', '/users');
    const before = counter.children;
    for (let i = 0; i < 10; i++) await send(store.base, 'GET', '/users');
    expect(counter.children).toBe(before);
    const last = requestLines().at(-1) as Line;
    expect(last).toMatchObject({
      level: INFO,
      request: 'GET /users',
      method: 'GET',
      route: '/users',
      status: 200,
      outcome: 'success',
    });
    expect(typeof last.traceId).toBe('string');
    expect(typeof last.durationMs).toBe('number');
  });

  it('request.log still logs with the request trace id when a route uses it', async () => {
    const res = await send(store.base, 'GET', '/hello', undefined, { 'x-request-id': 'hello-trace-1' });
    expect(res.status).toBe(200);
    expect(lines.find((l) => l.msg === 'said hello')).toMatchObject({
      level: INFO,
      traceId: 'hello-trace-1',
      greeting: 'hello',
    });
    expect(requestLines().find((l) => l.traceId === 'hello-trace-1')).toMatchObject({ route: '/hello' });
  });

  it('writes the line of a 500 at error level, and the error line carries the trace id', async () => {
    const res = await send(store.base, 'GET', '/boom', undefined, { 'x-request-id': 'boom-trace-1' });
    expect(res.status).toBe(500);
    expect(requestLines().find((l) => l.traceId === 'boom-trace-1')).toMatchObject({
      level: ERROR,
      request: 'GET /boom',
      status: 500,
      outcome: 'server_error',
    });
    const errorLines = lines.filter((l) => l.traceId === 'boom-trace-1' && l.msg !== 'request');
    expect(errorLines.length).toBeGreaterThan(0);
    expect(errorLines.every((l) => l.level === ERROR)).toBe(true);
  });

  it('names unmatched requests by method', async () => {
    await send(store.base, 'GET', '/no/such/path', undefined, { 'x-request-id': 'unmatched-trace-1' });
    expect(requestLines().find((l) => l.traceId === 'unmatched-trace-1')).toMatchObject({
      request: 'GET unmatched',
      method: 'GET',
      route: 'unmatched',
      status: 404,
      outcome: 'client_error',
    });
  });

  it('follows the logger level when it changes at run time', async () => {
    logger.level = 'warn';
    try {
      await send(store.base, 'GET', '/users', undefined, { 'x-request-id': 'quiet-trace-1' });
      expect(requestLines().filter((l) => l.traceId === 'quiet-trace-1')).toEqual([]);
    } finally {
      logger.level = 'info';
    }
    await send(store.base, 'GET', '/users', undefined, { 'x-request-id': 'loud-trace-1' });
    expect(requestLines().filter((l) => l.traceId === 'loud-trace-1')).toHaveLength(1);
  });
});
