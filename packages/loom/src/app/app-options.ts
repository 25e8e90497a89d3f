import type { AssembleOptions } from './assemble.ts';
import type { AuthOptions } from './auth-from-config.ts';

/** `createApp` / `createWorker` with options: the config files plus parts that replace what config would build. */
export interface CreateAppOptions extends AssembleOptions {
  readonly config: readonly string[];
  /** Authentication in code: a custom authenticator, an API key provider (used when `auth.enabled`). */
  readonly auth?: AuthOptions;
}

/**
 * The config paths and options of `createApp(...paths)` or `createApp({ config, … })`.
 *
 * @example
 * ```ts
 * appArgs(['config/api.yaml']);                     // { config: ['config/api.yaml'] }
 * appArgs([{ config: ['config/api.yaml'], logger }]); // as given
 * ```
 */
export function appArgs(args: readonly string[] | readonly [CreateAppOptions]): CreateAppOptions {
  const first = args[0];
  if (typeof first === 'object' && first !== null) return first;
  return { config: args as readonly string[] };
}
