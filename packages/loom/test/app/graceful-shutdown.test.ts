import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { isListening, kill, type LoggedChild, listeningPort, spawnLogged } from '../cli/child-process.ts';
import {
  eventually,
  type RunningStore,
  STORE_MAIN,
  startStore,
  tempDir,
} from '../observability/store-app.ts';

/** The outcome of one request on a connection of its own. */
type Outcome =
  | { readonly id: string; readonly ok: true; readonly status: number; readonly body: unknown }
  | { readonly id: string; readonly ok: false; readonly code: string };

/** One request on a fresh connection (no keep-alive): its full response, or the socket error. */
function call(
  port: number,
  id: string,
  method: 'GET' | 'POST',
  path: string,
  json?: unknown,
): Promise<Outcome> {
  return new Promise((resolve) => {
    const body = json === undefined ? undefined : JSON.stringify(json);
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        headers: { 'x-request-id': id, ...(body ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => {
          try {
            resolve({ id, ok: true, status: res.statusCode ?? 0, body: JSON.parse(text) });
          } catch {
            resolve({ id, ok: false, code: 'INCOMPLETE_BODY' });
          }
        });
        res.on('error', (e: NodeJS.ErrnoException) =>
          resolve({ id, ok: false, code: e.code ?? 'RESPONSE_ERROR' }),
        );
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve({ id, ok: false, code: e.code ?? 'REQUEST_ERROR' }),
    );
    req.end(body);
  });
}

/** Half reads, half writes, each with its own request id. */
function burst(port: number, n: number, prefix: string): Promise<Outcome>[] {
  return Array.from({ length: n }, (_, i) => {
    const id = `${prefix}-${i}`;
    return i % 2 === 0
      ? call(port, id, 'GET', '/users?limit=5')
      : call(port, id, 'POST', '/users', { fullName: `User ${i}`, email: `${id}@example.com` });
  });
}

const completeSuccess = (o: Outcome | undefined) =>
  o?.ok === true && (o.status === 200 || o.status === 201) && typeof o.body === 'object' && o.body !== null;

describe('graceful shutdown', () => {
  let store: RunningStore | undefined;
  let child: LoggedChild | undefined;
  afterEach(async () => {
    await store?.close();
    kill(child);
  });

  it('close() mid-burst: every request the app accepted gets its full response (createApp, SQLite)', async () => {
    const accepted = new Set<string>();
    const finished = new Set<string>();
    let closing: Promise<void> | undefined;
    let inFlightAtClose = 0;
    store = await startStore({
      prepare(app) {
        app.addHook('onRequest', async (request) => {
          accepted.add(request.id);
          // Mid-burst, from inside the 40th request: it and the ones before it are still in flight.
          if (accepted.size === 40) {
            inFlightAtClose = accepted.size - finished.size;
            closing = app.close();
          }
        });
        // Work that takes a while, so that requests are in flight when close() is called.
        app.addHook('preHandler', () => new Promise((r) => setTimeout(r, 40)));
        app.addHook('onResponse', async (request) => {
          finished.add(request.id);
        });
      },
    });
    const port = Number(new URL(store.base).port);
    const first = burst(port, 120, 'a');
    await eventually(() => closing !== undefined);
    const late = burst(port, 40, 'b');
    await closing;
    const outcomes = await Promise.all([...first, ...late]);

    expect(inFlightAtClose).toBeGreaterThan(0);
    const byId = new Map(outcomes.map((o) => [o.id, o]));
    for (const id of accepted)
      expect(completeSuccess(byId.get(id)), `accepted request ${id}: ${JSON.stringify(byId.get(id))}`).toBe(
        true,
      );
    // What the app never accepted was refused at the door (or told 503), never half-answered.
    for (const o of outcomes.filter((x) => !accepted.has(x.id))) {
      if (o.ok) expect(o.status).toBe(503);
      else expect(['ECONNREFUSED', 'ECONNRESET']).toContain(o.code);
    }
    expect(outcomes.filter((o) => !accepted.has(o.id)).length).toBeGreaterThan(0);
  });

  it('SIGTERM mid-burst to examples/store/src/main.ts: accepted requests complete, exit code 0', async () => {
    const tmp = await tempDir('loom-sigterm-');
    try {
      child = spawnLogged([STORE_MAIN], {
        PORT: '0',
        DATABASE_URL: `sqlite:${tmp.path}/store.db`,
      });
      const port = listeningPort(await child.waitFor(isListening));
      let answered = 0;
      const calls = burst(port, 150, 'c').map((p) =>
        p.then((o) => {
          if (o.ok) answered++;
          return o;
        }),
      );
      await eventually(() => answered >= 20);
      child.child.kill('SIGTERM');
      const answeredAtSigterm = answered;
      const outcomes = await Promise.all(calls);
      expect(await child.exited()).toBe(0);

      // Every request the server logged as handled reached the client in full…
      const logged = new Set(child.lines.filter((l) => l.msg === 'request').map((l) => String(l.traceId)));
      const byId = new Map(outcomes.map((o) => [o.id, o]));
      for (const id of logged) expect(completeSuccess(byId.get(id)), `request ${id}`).toBe(true);
      // …including those still in flight when SIGTERM arrived, and no client saw a half answer.
      expect(logged.size).toBeGreaterThan(answeredAtSigterm);
      for (const o of outcomes) {
        if (o.ok) expect(completeSuccess(o) || o.status === 503).toBe(true);
        else {
          expect(logged.has(o.id)).toBe(false);
          expect(['ECONNREFUSED', 'ECONNRESET']).toContain(o.code);
        }
      }
      expect(child.lines.some((l) => l.msg === 'shutting down')).toBe(true);
    } finally {
      kill(child);
      await tmp.dispose();
    }
  });
});
