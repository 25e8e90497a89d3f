import { defineOwn, isPlainObject } from './config-path.ts';

/** What a masked secret is replaced with. */
export const REDACTED = '***';

const SECRET_KEY =
  /(secret|passw(or)?d|pwd|token|api[-_]?key|private[-_]?key|credential|auth[-_]?key|access[-_]?key|signing[-_]?key)/i;
const SECRET_PARAM =
  /^(password|passwd|pwd|secret|token|access[-_]?token|api[-_]?key|key|sslpassword|auth)$/i;

/**
 * True when a key's name says its value is a secret (`cursorSecret`, `password`, `apiToken`,
 * `api_key`, `privateKey`, `credentials`…).
 *
 * @example
 * ```ts
 * isSecretKey('cursorSecret'); // true
 * isSecretKey('poolSize'); // false
 * ```
 */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/**
 * Masks the password of a URL's user-info (`postgres://app:s3cret@db/x` → `postgres://app:***@db/x`,
 * `redis://:s3cret@cache` → `redis://:***@cache`) and the values of secret-looking query parameters
 * (`?password=…`, `?token=…`). Works for any `scheme://` string, including `postgresql+asyncpg://`;
 * other strings are returned unchanged.
 *
 * @example
 * ```ts
 * redactUrl('postgresql://loom:hunter2@127.0.0.1:5432/store?sslmode=require');
 * // 'postgresql://loom:***@127.0.0.1:5432/store?sslmode=require'
 * ```
 */
export function redactUrl(url: string): string {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url);
  if (!scheme) return url;
  const rest = url.slice(scheme[0].length);
  const queryAt = rest.search(/[?#]/);
  const beforeQuery = queryAt < 0 ? rest : rest.slice(0, queryAt);
  const tail = queryAt < 0 ? '' : rest.slice(queryAt);
  // The user-info ends at the last "@" before the path (a raw "@" in a password is common enough).
  const firstSlashAfterAt = beforeQuery.indexOf('/', beforeQuery.lastIndexOf('@') + 1);
  const authority = firstSlashAfterAt < 0 ? beforeQuery : beforeQuery.slice(0, firstSlashAfterAt);
  const at = authority.lastIndexOf('@');
  let head = beforeQuery;
  if (at >= 0) {
    const userInfo = authority.slice(0, at);
    const colon = userInfo.indexOf(':');
    if (colon >= 0) head = `${userInfo.slice(0, colon + 1)}${REDACTED}${beforeQuery.slice(at)}`;
  }
  const maskedTail = tail.replace(/([?&;])([^=&#;]+)=([^&#;]*)/g, (match, sep: string, name: string) =>
    SECRET_PARAM.test(name) || isSecretKey(name) ? `${sep}${name}=${REDACTED}` : match,
  );
  return `${scheme[0]}${head}${maskedTail}`;
}

/**
 * A deep copy of a configuration (or any plain data) that is safe to log: values of secret-looking
 * keys are replaced by `***`, and passwords inside URLs anywhere in a string are masked. The input is
 * not modified.
 *
 * @example
 * ```ts
 * redactConfig({ database: { url: 'postgres://app:pw@db/store' }, app: { cursorSecret: 'abc…' } });
 * // { database: { url: 'postgres://app:***@db/store' }, app: { cursorSecret: '***' } }
 * ```
 */
export function redactConfig<T>(config: T): T {
  return redact(config, false) as T;
}

function redact(value: unknown, secret: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => redact(item, secret));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      defineOwn(out, key, redact(item, secret || isSecretKey(key)));
    return out;
  }
  if (secret && value !== null && value !== undefined && value !== '') return REDACTED;
  if (typeof value === 'string') return redactUrlsIn(value);
  return value;
}

/** Masks every URL embedded in a longer string (`"primary=postgres://u:p@h/db"`). */
function redactUrlsIn(text: string): string {
  if (!text.includes('://')) return text;
  return text.replace(/[A-Za-z][A-Za-z0-9+.-]*:\/\/\S+/g, (url) => redactUrl(url));
}
