import { createHash, timingSafeEqual } from 'node:crypto';
import { identityOf } from '../../context/identity.ts';
import { Unauthorized } from '../../errors/index.ts';
import type { AuthMethod } from './authenticator.ts';

/** One accepted API key, stored as its SHA-256 (never the key itself), with who it stands for. */
export interface ApiKeyRecord {
  /** Hex SHA-256 of the key (`loom auth hash-key`, or {@link hashApiKey}). */
  readonly sha256: string;
  readonly subject: string;
  readonly roles?: readonly string[];
  readonly scopes?: readonly string[];
}

/** Looks an API key up by its SHA-256 (a database, a secrets service); undefined when unknown. */
export type ApiKeyProvider = (sha256: string) => Promise<ApiKeyRecord | undefined>;

/** Options of {@link apiKeyAuthenticator}. */
export interface ApiKeyOptions {
  /** Request header that carries the key. Default `x-api-key`. */
  readonly header?: string;
  /** Keys from config. Several may name the same subject: rotation is adding the new key, then removing the old. */
  readonly keys?: readonly ApiKeyRecord[];
  /** Keys from code, asked after the configured ones. */
  readonly provider?: ApiKeyProvider;
}

/**
 * The hex SHA-256 of an API key: what config stores instead of the key.
 *
 * @example
 * ```ts
 * hashApiKey('k-2026-1'); // '5e1b…' → auth.apiKeys.keys[].sha256
 * ```
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/**
 * Authenticates requests by an API key header. Keys are compared by their SHA-256 in constant time;
 * an unknown key is a 401 (`Unauthorized`), a request without the header is left to the next method.
 *
 * @example
 * ```ts
 * const keys = apiKeyAuthenticator({ keys: [{ sha256: hashApiKey(process.env.CI_KEY!), subject: 'ci', roles: ['admin'] }] });
 * ```
 */
export function apiKeyAuthenticator(options: ApiKeyOptions, realm: string): AuthMethod {
  const header = (options.header ?? 'x-api-key').toLowerCase();
  const keys = (options.keys ?? []).map((k) => ({ ...k, sha256: k.sha256.toLowerCase() }));
  const challenge = `ApiKey realm="${realm}", header="${header}"`;
  return {
    scheme: { name: 'apiKey', scheme: { type: 'apiKey', in: 'header', name: header } },
    challenge,
    async authenticate(request) {
      const raw = request.headers[header];
      const key = Array.isArray(raw) ? raw[0] : raw;
      if (key === undefined || key === '') return undefined;
      const digest = hashApiKey(key);
      // Every configured key is compared, so the time taken does not tell which one nearly matched.
      let found: ApiKeyRecord | undefined;
      for (const k of keys) if (sameHash(digest, k.sha256)) found = k;
      found ??= await options.provider?.(digest);
      if (found === undefined) throw new Unauthorized('the API key is not valid', challenge);
      return identityOf({
        subject: found.subject,
        roles: found.roles ?? [],
        scopes: found.scopes ?? [],
        claims: {},
        via: 'apiKey',
      });
    },
  };
}
