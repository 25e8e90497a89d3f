import type { AddressInfo } from 'node:net';
import type { DialectName } from '../../../src/db/dialect.ts';
import { openTestDatabase } from '../../support/dialects.ts';
import {
  createRestServer,
  Kernel,
  type KernelOptions,
  type RestServer,
  type RestServerOptions,
  syncSchema,
} from '../../support/internals.ts';
import { INTERFACES, MODELS } from './store.ts';

/** A response read in full: status, headers, parsed JSON body (or undefined) and the raw text. */
export interface Res {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies.
  readonly body: any;
}

export interface TestServer {
  readonly app: RestServer;
  readonly kernel: Kernel;
  readonly db: Awaited<ReturnType<typeof openTestDatabase>>;
  readonly base: string;
  /** Sends a request; `json` is serialized with `application/json`, `body` is sent as is. */
  req(
    method: string,
    path: string,
    init?: { json?: unknown; body?: string; headers?: Record<string, string> },
  ): Promise<Res>;
  close(): Promise<void>;
}

/** Opens a fresh database on `dialect`, builds the store app and listens on a random local port. */
export async function startServer(
  dialect: DialectName,
  options: Partial<Omit<RestServerOptions, 'kernel'>> & { repositories?: KernelOptions['repositories'] } = {},
): Promise<TestServer> {
  const db = await openTestDatabase(dialect);
  await syncSchema(db, MODELS);
  const { repositories = [], ...rest } = options;
  const kernel = new Kernel({ db, cursorSecret: 'rest-test-cursor-secret', repositories });
  const app = createRestServer({ kernel, interfaces: INTERFACES, title: 'Store', version: '1.0.0', ...rest });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    app,
    kernel,
    db,
    base,
    async req(method, path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      let body: string | undefined = init.body;
      if (init.json !== undefined) {
        body = JSON.stringify(init.json);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(base + path, { method, headers, ...(body === undefined ? {} : { body }) });
      const text = await res.text();
      const type = res.headers.get('content-type') ?? '';
      return {
        status: res.status,
        headers: res.headers,
        text,
        body: type.includes('json') && text !== '' ? JSON.parse(text) : undefined,
      };
    },
    async close() {
      await app.close();
      await db.dispose();
    },
  };
}

/** A valid create-product body for the test app, with overrides. */
export function productPayload(sku: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: `Product ${sku}`, sku, price: 10, stock: 3, ...extra };
}
