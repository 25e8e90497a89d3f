import { createRequire } from 'node:module';
import { MissingPackage } from './setup-errors.ts';

// Resolved from loom's own location, as a static import in this package would be: an app's
// node_modules is on that path whether loom is installed from a registry, a tarball or a workspace.
const require = createRequire(import.meta.url);

/**
 * True when `error` says that exactly `name` (not one of its own dependencies, not a file inside it)
 * cannot be found. A peer that is installed but broken must surface as itself, not as "install it".
 */
function isMissing(error: unknown, name: string): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  // Node quotes the specifier as written: "Cannot find package 'pg' imported from …" (import),
  // "Cannot find module 'pg'" (require), or 'x/sub' for a subpath of x. A file missing inside an
  // installed package is named by its absolute path, so it does not match.
  return error.message.includes(`'${name}'`) || error.message.includes(`'${name}/`);
}

/**
 * Imports an optional peer dependency (a driver, a queue client, an HTTP plugin) that the application's
 * config asked for. When the package is not installed, throws {@link MissingPackage} naming it, the
 * setting that needs it and the command that installs it, instead of Node's resolution error. Any
 * other failure (the package is there but throws while loading) is rethrown as is.
 *
 * @param name the package specifier, e.g. `'pg'`, `'@bull-board/api/bullMQAdapter'`
 * @param reason what asked for it, e.g. `'database.url is a PostgreSQL URL'`
 *
 * @example
 * ```ts
 * const { default: cors } = await requirePeer<typeof import('@fastify/cors')>('@fastify/cors', 'app.rest.cors is set');
 * ```
 */
export async function requirePeer<T>(name: string, reason: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    if (isMissing(error, packageOf(name))) throw new MissingPackage(packageOf(name), reason);
    throw error;
  }
}

/**
 * {@link requirePeer} for code that must stay synchronous (opening a database, creating a queue
 * backend): loads a CommonJS peer (pg, ioredis, bullmq are) through `require`, which shares Node's
 * module cache with `import` of the same package.
 *
 * @example
 * ```ts
 * const pg = requirePeerSync<typeof import('pg')>('pg', 'database.url is a PostgreSQL URL');
 * const pool = new pg.Pool({ connectionString });
 * ```
 */
export function requirePeerSync<T>(name: string, reason: string): T {
  try {
    return require(name) as T;
  } catch (error) {
    if (isMissing(error, packageOf(name))) throw new MissingPackage(packageOf(name), reason);
    throw error;
  }
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}
