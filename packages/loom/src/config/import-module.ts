import { pathToFileURL } from 'node:url';
import { TypeScriptUnsupported } from '../errors/index.ts';

const TYPESCRIPT_FILE = /\.[cm]?tsx?$/;

/**
 * Whether this process loads `.ts` modules: Node's type stripping (on by default from 22.18 and 23.6),
 * or a loader that handles them (vitest, tsx) — then the extension is simply not our business.
 */
function stripsTypes(): boolean {
  const features = process.features as { typescript?: string | false };
  if (features.typescript) return true;
  // A registered loader (tsx, vitest) leaves its mark in the process's arguments or is the runner.
  return process.execArgv.some((a) => /tsx|ts-node|loader/.test(a)) || 'VITEST' in process.env;
}

/**
 * Imports one of the application's own modules (a discovered declaration module, a migration) by
 * file path. A `.ts` file on a Node.js that cannot strip types fails with
 * {@link TypeScriptUnsupported}, which says what to do, instead of Node's syntax error.
 *
 * @example
 * ```ts
 * const mod = await importAppModule('/app/src/user/model.ts');
 * ```
 */
export async function importAppModule(file: string): Promise<unknown> {
  if (TYPESCRIPT_FILE.test(file) && !stripsTypes()) throw new TypeScriptUnsupported(file);
  return import(pathToFileURL(file).href);
}
