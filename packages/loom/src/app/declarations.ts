import { DeclarationError } from '../errors/index.ts';
import { type AnyCallbacks, isCallbacks } from '../job/callbacks.ts';
import { type AnyGroupCallback, isGroupCallback } from '../job/group-callback.ts';
import { type AnyJob, isJob } from '../job/job.ts';
import { type AnyModel, isModel } from '../model/model.ts';
import { type AnyRepositoryBinding, isRepositoryBinding } from '../use-case/repository-binding.ts';
import { type AnyUseCase, isUseCase } from '../use-case/use-case.ts';

/** A REST interface as discovery sees it (built by `restInterface`). */
export interface InterfaceLike {
  readonly kind: 'restInterface';
  readonly model: AnyModel | null;
}

/** Everything an application declares, with the names discovery found them under. */
export interface Declarations {
  readonly models: readonly AnyModel[];
  readonly useCases: ReadonlyMap<AnyUseCase, string>;
  readonly jobs: ReadonlyMap<AnyJob, string>;
  readonly callbacks: readonly AnyCallbacks[];
  /** Group completion callbacks (`groupCallback()`). */
  readonly groupCallbacks: readonly AnyGroupCallback[];
  readonly interfaces: readonly InterfaceLike[];
  readonly repositories: readonly AnyRepositoryBinding[];
}

function isInterface(value: unknown): value is InterfaceLike {
  return (
    typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'restInterface'
  );
}

/**
 * Collects declarations from named values (module exports, or a manifest's lists), then follows
 * references: models used by use cases, loads and foreign keys; jobs of callbacks. Named values win:
 * a use case's name is its declared `name`, else its export name.
 *
 * @example
 * ```ts
 * const decls = collectDeclarations([['CreateUser', CreateUserUseCase], ['User', User]]);
 * ```
 */
export function collectDeclarations(entries: Iterable<readonly [string, unknown]>): Declarations {
  const models = new Set<AnyModel>();
  const useCases = new Map<AnyUseCase, string>();
  const jobs = new Map<AnyJob, string>();
  const callbacks = new Set<AnyCallbacks>();
  const groupCallbacks = new Set<AnyGroupCallback>();
  const interfaces = new Set<InterfaceLike>();
  const repositories = new Set<AnyRepositoryBinding>();

  for (const [name, value] of entries) {
    if (isModel(value)) models.add(value);
    else if (isJob(value)) {
      if (!jobs.has(value)) jobs.set(value, value.jobOptions.name ?? value.decl.name ?? name);
    } else if (isUseCase(value)) {
      if (!useCases.has(value)) useCases.set(value, value.decl.name ?? name);
    } else if (isCallbacks(value)) callbacks.add(value);
    else if (isGroupCallback(value)) groupCallbacks.add(value);
    else if (isInterface(value)) interfaces.add(value);
    else if (isRepositoryBinding(value)) repositories.add(value);
  }
  for (const cb of callbacks)
    if (!jobs.has(cb.job)) jobs.set(cb.job, cb.job.jobOptions.name ?? cb.job.decl.name ?? cb.name);
  const addModel = (m: AnyModel | null | undefined) => {
    if (m) models.add(m);
  };
  for (const u of [...useCases.keys(), ...jobs.keys()]) {
    addModel(u.model);
    for (const marker of Object.values((u.decl.load ?? {}) as Record<string, { model?: AnyModel }>))
      addModel(marker.model);
  }
  for (const i of interfaces) addModel(i.model);
  for (const r of repositories) addModel(r.model);

  const byName = new Map<string, AnyUseCase>();
  for (const [u, n] of [...useCases, ...jobs]) {
    const other = byName.get(n);
    if (other && other !== u)
      throw new DeclarationError(n, 'two use cases or jobs are declared with this name');
    byName.set(n, u);
  }
  checkForeignKeys([...models]);
  return {
    models: [...models],
    useCases,
    jobs,
    callbacks: [...callbacks],
    groupCallbacks: [...groupCallbacks],
    interfaces: [...interfaces],
    repositories: [...repositories],
  };
}

/** Every foreign key must point at a declared model's table. */
function checkForeignKeys(models: readonly AnyModel[]): void {
  const tables = new Set(models.map((m) => m.$table));
  for (const m of models) {
    for (const f of m.$fields) {
      const target = f.def.references?.target();
      if (target && !tables.has(target.table)) {
        throw new DeclarationError(
          m.$name,
          `${f.name} references table "${target.table}", whose model is not declared`,
        );
      }
    }
  }
}

/** The manifest module's shape (manifest discovery mode). */
export interface Manifest {
  readonly MODELS?: readonly AnyModel[];
  readonly USE_CASES?: readonly AnyUseCase[];
  readonly JOBS?: readonly AnyJob[];
  /** Callbacks: `callbacks(Job, …)` and group callbacks (`groupCallback(…)`). */
  readonly CALLBACKS?: readonly (AnyCallbacks | AnyGroupCallback)[];
  readonly INTERFACES?: readonly InterfaceLike[];
  readonly REPOSITORIES?: readonly AnyRepositoryBinding[];
}

/**
 * Declarations from a manifest: its lists, named by their declared names.
 *
 * @example
 * ```ts
 * export const MODELS = [User, Address];
 * export const USE_CASES = [CreateUserUseCase];
 * ```
 */
export function declarationsFromManifest(manifest: Manifest): Declarations {
  const entries: [string, unknown][] = [];
  const unnamed = (kind: string, i: number) => `${kind}[${i}]`;
  for (const [key, list] of Object.entries(manifest)) {
    if (!['MODELS', 'USE_CASES', 'JOBS', 'CALLBACKS', 'INTERFACES', 'REPOSITORIES'].includes(key)) continue;
    if (!Array.isArray(list)) throw new DeclarationError('manifest', `${key} must be an array`);
    list.forEach((value: unknown, i: number) => {
      const declared = (value as { decl?: { name?: string } })?.decl?.name;
      entries.push([declared ?? unnamed(key, i), value]);
    });
  }
  return collectDeclarations(entries);
}
