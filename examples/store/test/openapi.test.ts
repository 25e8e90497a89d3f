import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { Validator } from '@seriousme/openapi-schema-validator';
import openapiTS from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_OPERATIONS } from './scenarios/http-contract.ts';
import { startSqliteStore } from './support/sqlite-setup.ts';
import type { StoreSetup } from './support/store-setup.ts';
import { asBearer, storeToken } from './support/tokens.ts';

// What real clients do with the store's OpenAPI document: lint it (Redocly's recommended rules), validate
// it (the official 3.1 schema), generate types from it (openapi-typescript), authorize in Swagger UI.

type Json = Record<string, unknown> & {
  // biome-ignore lint/suspicious/noExplicitAny: walking an OpenAPI document.
  [key: string]: any;
};

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function operations(doc: Json): { key: string; op: Json }[] {
  return Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op: op as Json })),
  );
}

async function documentOf(store: StoreSetup): Promise<Json> {
  const res = await store.api.get<Json>('/openapi.json');
  expect(res.status).toBe(200);
  return res.body;
}

describe('the store OpenAPI document, as clients read it', () => {
  let store: StoreSetup;
  let doc: Json;
  let dir: string;
  beforeAll(async () => {
    store = await startSqliteStore();
    doc = await documentOf(store);
    dir = await mkdtemp(join(tmpdir(), 'store-openapi-'));
  });
  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('every operation describes its success body with a schema: an entity, a page or a named component', () => {
    expect(
      operations(doc)
        .map((o) => o.key)
        .sort(),
    ).toEqual([...STORE_OPERATIONS].sort());
    const undocumented: string[] = [];
    for (const { key, op } of operations(doc)) {
      const [status, success] = Object.entries(op.responses as Json).find(([s]) => s.startsWith('2')) ?? [];
      const schema = (success as Json | undefined)?.content?.['application/json']?.schema as Json | undefined;
      const described =
        schema !== undefined &&
        ('$ref' in schema || 'anyOf' in schema || 'type' in schema || 'const' in schema);
      if (!described) undocumented.push(`${key} ${status}`);
    }
    expect(undocumented).toEqual([]);
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        'User',
        'Address',
        'Product',
        'ProductWithTags',
        'Tag',
        'Order',
        'OrderItem',
        'CreateUser',
        'UpdateOrder',
        'PricingInput',
        'PricingPreview',
        'JobDispatched',
        'ProductSummary',
        'UserPage',
        'ProductCursorPage',
        'Problem',
      ]),
    );
  });

  it('validates against the official OpenAPI 3.1 schema', async () => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("passes Redocly's recommended rules with zero errors (no identical paths, security defined, servers)", async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(doc));
    const problems = await lintFromString({
      source: await readFile(file, 'utf8'),
      absoluteRef: file,
      config,
    });
    const errors = problems
      .filter((p) => p.severity === 'error')
      .map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(errors).toEqual([]);
  });

  it('openapi-typescript generates a type for every response: no `unknown` anywhere', async () => {
    const types = await openapiTS(doc as never);
    expect(types).toContain('"application/json": components["schemas"]["User"];');
    expect(types).toContain('"application/json": components["schemas"]["JobDispatched"];');
    // Type lines only: descriptions become comments, and may say "unknown field".
    const unknownLines = types
      .split('\n')
      .filter((line) => !/^\s*(\/\*\*|\*)/.test(line) && /\bunknown\b/.test(line));
    expect(unknownLines).toEqual([]);
  });

  it('list forms send nothing a list refuses: no page default on cursor lists, filters as one empty object', () => {
    for (const { key, op } of operations(doc)) {
      const params = (op.parameters ?? []) as Json[];
      const filter = params.find((p) => p.name === 'filter');
      if (filter === undefined) continue;
      expect(filter, key).toMatchObject({ in: 'query', style: 'form', explode: true, example: {} });
      // One filter parameter, not one per field and operator.
      expect(
        params.filter((p) => String(p.name).includes('__')),
        key,
      ).toEqual([]);
    }
    const page = (path: string) =>
      (doc.paths[path].get.parameters as Json[]).find((p) => p.name === 'page')?.schema;
    expect(page('/products')).not.toHaveProperty('default');
    expect(page('/users')).toHaveProperty('default', 1);
  });
});

describe('the store OpenAPI document with auth on', () => {
  let store: StoreSetup;
  let doc: Json;
  beforeAll(async () => {
    store = await startSqliteStore({ auth: asBearer(await storeToken(0, ['admin'])) });
    doc = await documentOf(store);
  });
  afterAll(() => store?.close());

  it('shows the security schemes; guarded operations require them, public ones say so', async () => {
    const schemes = Object.keys(doc.components.securitySchemes ?? {});
    expect(schemes.length).toBeGreaterThan(0);
    expect(doc.security).toEqual([]);
    const update = doc.paths['/orders/{id}'].patch as Json;
    expect(update.security).toEqual(schemes.map((name) => ({ [name]: expect.any(Array) })));
    expect(Object.keys(update.responses)).toContain('401');
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
  });
});
