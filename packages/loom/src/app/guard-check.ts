import { environmentOf, isDevelopmentEnvironment, type LoomConfig } from '../config/index.ts';
import { ConfigError } from '../errors/index.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { RestInterface } from '../rest/rest-interface.ts';

/**
 * Guards are enforced only when `auth.enabled` is true. Declared guards with auth off are a warning in
 * development and test (an app may run open locally) and a boot error elsewhere: a deployment must not
 * serve guarded routes to anyone because a config layer was forgotten.
 *
 * @example
 * ```ts
 * warnUnenforcedGuards(config, kernel, interfaces, logger);
 * ```
 */
export function warnUnenforcedGuards(
  config: LoomConfig,
  kernel: Pick<Kernel, 'plan'>,
  interfaces: readonly RestInterface[],
  logger: { warn(obj: object, msg?: string): void },
): void {
  if (config.auth.enabled) return;
  const guarded: string[] = [];
  // Endpoint guards (auth.endpoints) are not enforced either with auth off.
  for (const [name, declared] of Object.entries(config.auth.endpoints))
    if (declared !== undefined) guarded.push(`auth.endpoints.${name}`);
  for (const api of interfaces) {
    for (const r of api.routes) {
      const own = (api.guards?.length ?? 0) + (r.options.guards?.length ?? 0);
      if (own > 0 || kernel.plan(r.useCase).guards.all.length > 0)
        guarded.push(`${r.method} ${api.prefix === '/' ? '' : api.prefix}${r.path}`);
    }
  }
  if (guarded.length === 0) return;
  if (!isDevelopmentEnvironment(environmentOf(config)))
    throw new ConfigError(
      `auth.enabled is false but ${guarded.length} routes or endpoints declare guards (${guarded.slice(0, 3).join(', ')}, …): enable auth, or set app.env to development`,
    );
  logger.warn(
    { routes: guarded },
    'auth.enabled is false: the guards of these routes are not enforced (anyone may call them)',
  );
}
