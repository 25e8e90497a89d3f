import { ConfigError } from '../errors/index.ts';
import { type ConfigPath, formatPath, isPlainObject } from './config-path.ts';
import type { LoomConfig } from './config-schema.ts';
import { isSecretKey } from './redact.ts';

/** Environments in which placeholder secrets are tolerated (with the committed example defaults). */
const DEVELOPMENT_ENVIRONMENTS = new Set(['development', 'dev', 'local', 'test']);

/**
 * Values that mark a secret as never set: the store example's committed default, "change me" in its
 * spellings, and the usual stand-ins.
 */
const PLACEHOLDER =
  /change[-_. ]?me|changeit|replace[-_. ]?me|placeholder|not[-_. ]?a[-_. ]?secret|^(secret|password|passwd|default|example|test|dummy|todo|x+|\*+)$/i;

/**
 * The deployment environment: `app.env`, else `NODE_ENV`, else `development`.
 *
 * @example
 * ```ts
 * environmentOf(config, { NODE_ENV: 'production' }); // 'production' unless app.env says otherwise
 * ```
 */
export function environmentOf(config: LoomConfig, env: NodeJS.ProcessEnv = process.env): string {
  return config.app.env ?? (env.NODE_ENV || 'development');
}

/**
 * True for `development`, `dev`, `local` and `test`: the environments in which the committed example
 * secrets may be used.
 *
 * @example
 * ```ts
 * isDevelopmentEnvironment('production'); // false
 * ```
 */
export function isDevelopmentEnvironment(environment: string): boolean {
  return DEVELOPMENT_ENVIRONMENTS.has(environment.toLowerCase());
}

/**
 * True when a secret's value is a placeholder (`…change-me`, `changeit`, `secret`, `xxx`, …).
 *
 * @example
 * ```ts
 * isPlaceholderSecret('store-dev-cursor-secret-change-me'); // true
 * ```
 */
export function isPlaceholderSecret(value: string): boolean {
  return PLACEHOLDER.test(value.trim());
}

/** The password of a `scheme://user:password@host` URL, if any. */
function urlPassword(value: string): string | undefined {
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/@]*?:([^/@]*)@/.exec(value);
  if (match?.[1] === undefined || match[1] === '') return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return match[1];
  }
}

/**
 * Every secret of the configuration left at a placeholder: keys whose name says they hold a secret
 * (`app.cursorSecret`, `jobs.dashboard.token`, …) and the passwords of URLs (`database.url`, Redis).
 *
 * @example
 * ```ts
 * placeholderSecrets(config); // [['app', 'cursorSecret']] with the store's committed default
 * ```
 */
export function placeholderSecrets(config: LoomConfig): ConfigPath[] {
  const found: ConfigPath[] = [];
  const walk = (value: unknown, path: ConfigPath): void => {
    if (isPlainObject(value)) {
      for (const [key, inner] of Object.entries(value)) walk(inner, [...path, key]);
      return;
    }
    if (typeof value !== 'string') return;
    const key = String(path.at(-1) ?? '');
    if (isSecretKey(key) && isPlaceholderSecret(value)) found.push(path);
    const password = urlPassword(value);
    if (password !== undefined && isPlaceholderSecret(password)) found.push(path);
  };
  walk(config, []);
  return found;
}

/**
 * Refuses to boot outside development (see {@link environmentOf}) when a secret is left at a
 * placeholder: throws a {@link ConfigError} naming every such key and how to fix it.
 *
 * @example
 * ```ts
 * assertSecretsSet(config); // throws in production with cursorSecret "…-change-me"
 * ```
 */
export function assertSecretsSet(config: LoomConfig, env: NodeJS.ProcessEnv = process.env): void {
  const environment = environmentOf(config, env);
  if (isDevelopmentEnvironment(environment)) return;
  const paths = placeholderSecrets(config);
  if (paths.length === 0) return;
  throw new ConfigError(
    `Refusing to start in environment "${environment}": ${paths.map(formatPath).join(', ')} ` +
      `${paths.length === 1 ? 'is' : 'are'} still a placeholder (a committed default such as "…change-me"). ` +
      'Set a real secret (e.g. LOOM_CURSOR_SECRET for app.cursorSecret), or set app.env / NODE_ENV to development.',
  );
}
