/**
 * Builds the API reference with TypeDoc (HTML) into `public/api/`, from which VitePress publishes it
 * with the site. TypeDoc runs on its own TypeScript 5.9 (the workspace compiles with TypeScript 7,
 * which has no compiler API for tools yet); the sources are plain enough for both.
 *
 *   node scripts/build-api.ts            # from docs/
 */
import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application, LogLevel } from 'typedoc';
import { apiEntryPoints, packageRoot } from './api-entry-points.ts';

const out = join(import.meta.dirname, '..', 'public', 'api');

export async function buildApi(): Promise<void> {
  rmSync(out, { recursive: true, force: true });
  const app = await Application.bootstrapWithPlugins({
    entryPoints: apiEntryPoints().map((e) => e.source),
    tsconfig: join(packageRoot, 'tsconfig.build.json'),
    name: 'loom-kernel API',
    readme: 'none',
    excludePrivate: true,
    excludeInternal: true,
    githubPages: false,
    hideGenerator: true,
    logLevel: LogLevel.Warn,
    validation: { notExported: false, invalidLink: true, notDocumented: false },
  });
  const project = await app.convert();
  if (project === undefined) throw new Error('TypeDoc could not convert the package (see the errors above)');
  // TypeDoc names a module after its path under src/ (`db/migrations`); readers import specifiers.
  const src = join(packageRoot, 'src');
  const byPath = new Map(
    apiEntryPoints().map((e) => [
      relative(src, e.source).replace(/(^|\/)index\.ts$/, '') || 'index',
      e.specifier,
    ]),
  );
  for (const module of project.children ?? []) module.name = byPath.get(module.name) ?? module.name;
  await app.generateDocs(project, out);
  if (app.logger.hasErrors()) throw new Error('TypeDoc reported errors (see above)');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildApi();
