import { isAbsolute, resolve } from 'node:path';
import { importAppModule } from '../config/import-module.ts';
import { ConfigError, TypeScriptUnsupported } from '../errors/index.ts';
import {
  collectDeclarations,
  type Declarations,
  declarationsFromManifest,
  type Manifest,
} from './declarations.ts';

export interface DiscoveryOptions {
  readonly mode: 'modules' | 'manifest';
  readonly modules: readonly string[];
  readonly manifest?: string | undefined;
  /** Relative module paths resolve from here (the first config file's folder). */
  readonly baseDir: string;
}

async function importModule(path: string, baseDir: string): Promise<Record<string, unknown>> {
  const file = isAbsolute(path) ? path : resolve(baseDir, path);
  try {
    return (await importAppModule(file)) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TypeScriptUnsupported) throw error;
    throw new ConfigError(
      `app.discovery: cannot import "${path}" (resolved to ${file}): ${(error as Error).message}`,
    );
  }
}

/**
 * Discovers an application's declarations: `modules` mode imports each listed module and picks up every
 * exported model, use case, job, callbacks, interface and repository; `manifest` mode imports one module
 * and reads its `MODELS`, `USE_CASES`, `JOBS`, `CALLBACKS`, `INTERFACES` (and `REPOSITORIES`).
 *
 * @example
 * ```ts
 * const decls = await discover({ mode: 'modules', modules: ['../src/user/model.ts'], baseDir: configDir });
 * ```
 */
export async function discover(options: DiscoveryOptions): Promise<Declarations> {
  if (options.mode === 'manifest') {
    if (!options.manifest) throw new ConfigError('app.discovery.manifest: required in manifest mode');
    const mod = await importModule(options.manifest, options.baseDir);
    return declarationsFromManifest(mod as Manifest);
  }
  if (options.modules.length === 0) throw new ConfigError('app.discovery.modules: list at least one module');
  const entries: [string, unknown][] = [];
  for (const path of options.modules) {
    const mod = await importModule(path, options.baseDir);
    for (const [name, value] of Object.entries(mod)) entries.push([name, value]);
  }
  return collectDeclarations(entries);
}
