import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Declarations } from '../../src/app/declarations.ts';
import { cli } from '../cli/run-cli.ts';
import {
  type RunningStore,
  STORE_API,
  STORE_API_MANIFEST,
  send,
  startStore,
} from '../observability/store-app.ts';

function summary(d: Declarations) {
  return {
    models: d.models.map((m) => m.$name).sort(),
    useCases: [...d.useCases.values()].sort(),
    jobs: [...d.jobs.values()].sort(),
    callbacks: d.callbacks.map((c) => c.name).sort(),
    interfaces: d.interfaces.length,
    repositories: d.repositories.map((r) => r.source.name).sort(),
  };
}

describe('the store booted in both discovery modes', () => {
  let modules: RunningStore;
  let manifest: RunningStore;

  beforeAll(async () => {
    modules = await startStore({ config: STORE_API });
    manifest = await startStore({ config: STORE_API_MANIFEST });
  });
  afterAll(async () => {
    await modules?.close();
    await manifest?.close();
  });

  it('uses modules discovery for api.yaml and manifest discovery for api-manifest.yaml', () => {
    expect(modules.app.loom.config.app.discovery.mode).toBe('modules');
    expect(manifest.app.loom.config.app.discovery.mode).toBe('manifest');
  });

  it('prints the identical `loom routes` table from either config', async () => {
    const fromModules = await cli('routes', STORE_API);
    const fromManifest = await cli('routes', STORE_API_MANIFEST);
    expect(fromModules.code).toBe(0);
    expect(fromManifest.code).toBe(0);
    expect(fromModules.stdout.split('\n').length).toBeGreaterThan(25);
    expect(fromManifest.stdout).toBe(fromModules.stdout);
  });

  it('discovers the same declarations and serves the same routes and OpenAPI document', async () => {
    expect(summary(manifest.app.loom.declarations)).toEqual(summary(modules.app.loom.declarations));
    expect(manifest.app.printRoutes()).toBe(modules.app.printRoutes());
    expect(manifest.app.openapi).toEqual(modules.app.openapi);
    for (const store of [modules, manifest]) {
      const created = await send(store.base, 'POST', '/users', { fullName: 'Ada', email: 'ada@example.com' });
      expect(created.status).toBe(201);
      expect((await send(store.base, 'GET', '/products/low-stock')).status).toBe(200);
    }
  });
});
