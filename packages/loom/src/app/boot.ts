import type { LoomConfig } from '../config/index.ts';
import { DeclarationError } from '../errors/index.ts';
import { jobLabel } from '../job/dispatch-check.ts';
import type { AnyJob } from '../job/job.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { AnyModel } from '../model/model.ts';
import { validateModel } from '../model/resolve-relations.ts';
import type { Declarations } from './declarations.ts';
import { discover } from './discovery.ts';
import { configDir } from './migrations-dir.ts';

/**
 * The declarations an application's config points at: its modules or its manifest, resolved next to
 * the first config file. The first step of every boot (`createApp`, `createWorker`, `loom routes`).
 *
 * @example
 * ```ts
 * const declarations = await discoverDeclarations(config, ['config/api.yaml']);
 * ```
 */
export function discoverDeclarations(
  config: LoomConfig,
  configPaths: readonly string[],
): Promise<Declarations> {
  return discover({
    mode: config.app.discovery.mode,
    modules: config.app.discovery.modules,
    manifest: config.app.discovery.manifest,
    baseDir: configDir(configPaths),
  });
}

/**
 * The second step of every boot: checks each model's relations and projections, names every use case
 * and job after its export, and compiles every plan. Declaration mistakes fail here, before a database
 * is touched or a port opened, the same way for the server, the worker and the CLI's inspection.
 *
 * @example
 * ```ts
 * const kernel = new Kernel({ db, cursorSecret, repositories: declarations.repositories });
 * compileDeclarations(kernel, declarations);
 * ```
 */
export function compileDeclarations(kernel: Kernel, declarations: Declarations): void {
  // Relation targets and projection columns are checked now, not on first read.
  for (const m of declarations.models) validateModel(m);
  for (const [u, name] of declarations.useCases) kernel.name(u, name);
  for (const [j, name] of declarations.jobs) kernel.name(j, name);
  kernel.compile(declarations.useCases.keys());
  checkDeclaredDispatches(kernel, declarations);
}

/**
 * Every job a use case or job declares in `dispatches` must be registered in this process: otherwise
 * the first request that dispatches it would fail (decision 0060). Fails the boot naming both.
 */
function checkDeclaredDispatches(kernel: Kernel, declarations: Declarations): void {
  for (const u of [...declarations.useCases.keys(), ...declarations.jobs.keys()]) {
    const plan = kernel.plan(u);
    for (const job of plan.dispatches ?? []) {
      if (declarations.jobs.has(job as AnyJob)) continue;
      throw new DeclarationError(
        plan.name,
        `dispatches job ${jobLabel(job as AnyJob)}, which is not registered in this process: add its module ` +
          'to app.discovery.modules (or its job to JOBS of the manifest)',
      );
    }
  }
}

/**
 * The models stored in SQL tables: every declared model but those whose custom repository keeps them
 * elsewhere (`repositoryFor(M, { create, table: false })`). What schema sync and migrations cover.
 *
 * @example
 * ```ts
 * await syncSchema(db, [...tableModels(declarations), OutboxEntry]);
 * ```
 */
export function tableModels(declarations: Declarations): AnyModel[] {
  const elsewhere = new Set(declarations.repositories.filter((r) => !r.table).map((r) => r.model));
  return declarations.models.filter((m) => !elsewhere.has(m));
}
