import type { LoomConfig } from '../config/index.ts';
import { loadConfig } from '../config/index.ts';
import { openDatabase } from '../db/database.ts';
import { OutboxEntry } from '../job/outbox.ts';
import { Kernel } from '../kernel/kernel.ts';
import type { AnyModel } from '../model/model.ts';
import { type CompiledRoute, compileRoutes } from '../rest/compile-routes.ts';
import { buildOpenApiDocument, type OpenApiDocument } from '../rest/openapi/openapi-document.ts';
import type { RestInterface } from '../rest/rest-interface.ts';
import { compileDeclarations, discoverDeclarations, tableModels } from './boot.ts';
import type { Declarations } from './declarations.ts';

/** An application's config and declarations, loaded without opening its database. */
export interface LoadedApp {
  readonly config: LoomConfig;
  readonly declarations: Declarations;
  /** Every table the application needs: its models plus loom's own (the job outbox). */
  readonly models: readonly AnyModel[];
}

/**
 * Loads the config files and discovers the declarations (modules or manifest), as `createApp` does,
 * without opening the database.
 *
 * @example
 * ```ts
 * const { models } = await loadApp(['config/api.yaml']);
 * ```
 */
export async function loadApp(configPaths: readonly string[]): Promise<LoadedApp> {
  const config = await loadConfig(...configPaths);
  const declarations = await discoverDeclarations(config, configPaths);
  return { config, declarations, models: [...tableModels(declarations), OutboxEntry] };
}

/** An application compiled as far as its HTTP surface: routes and OpenAPI document. */
export interface InspectedApp extends LoadedApp {
  readonly routes: readonly CompiledRoute[];
  readonly openapi: OpenApiDocument;
}

/**
 * Compiles an application's use cases and interfaces exactly as `createApp` does (same names, same
 * validation, same OpenAPI document) without a database, a queue or a server: what `loom routes` and
 * `loom openapi` print.
 *
 * @example
 * ```ts
 * const { routes, openapi } = await inspectApp(['config/api.yaml']);
 * ```
 */
export async function inspectApp(configPaths: readonly string[]): Promise<InspectedApp> {
  const loaded = await loadApp(configPaths);
  const { config, declarations } = loaded;
  // Compiling plans and routes reads no data: an in-memory database stands in for the real one.
  const db = openDatabase({ dialect: 'sqlite', filename: ':memory:' });
  try {
    const kernel = new Kernel({
      db,
      cursorSecret: 'inspect-only',
      repositories: declarations.repositories,
      // The served document's array bounds: the same as the app's.
      maxArrayItems: config.app.rest.limits.arrayItems,
    });
    compileDeclarations(kernel, declarations);
    const routes = compileRoutes(kernel, declarations.interfaces as unknown as readonly RestInterface[]);
    const openapi = buildOpenApiDocument(
      { title: config.app.rest.title, version: config.app.rest.version },
      routes,
    );
    return { ...loaded, routes, openapi };
  } finally {
    await db.close();
  }
}
