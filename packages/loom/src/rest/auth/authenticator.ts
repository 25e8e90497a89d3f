import type { FastifyRequest } from 'fastify';
import type { Identity } from '../../context/identity.ts';

/**
 * Finds who sent a request. Resolves to the caller's identity, to `undefined` when the request carries
 * no credentials this authenticator understands (the next one is asked; none left: anonymous), and
 * throws `Unauthorized` when it carries credentials that are wrong (bad signature, expired, unknown
 * key): a request with a bad credential is refused even on routes that need none.
 *
 * @example
 * ```ts
 * const fromSession: Authenticator = async (request) => {
 *   const session = await sessions.lookup(request.headers.cookie);
 *   return session ? { subject: session.userId, roles: session.roles, scopes: [], claims: {}, via: 'custom' } : undefined;
 * };
 * ```
 */
export type Authenticator = (request: FastifyRequest) => Promise<Identity | undefined>;

/** An OpenAPI security scheme with its name in `components.securitySchemes`. */
export interface SecurityScheme {
  readonly name: string;
  readonly scheme: Readonly<Record<string, unknown>>;
}

/** An authenticator plus how OpenAPI and the 401 challenge describe it. */
export interface AuthMethod {
  readonly authenticate: Authenticator;
  readonly scheme?: SecurityScheme;
  /** The `WWW-Authenticate` challenge of this method (`Bearer realm="store"`). */
  readonly challenge?: string;
}

/**
 * Asks each method in turn; the first identity wins, the first thrown `Unauthorized` ends the search.
 *
 * @example
 * ```ts
 * const authenticate = chainAuthenticators([jwt.authenticate, apiKeys.authenticate]);
 * ```
 */
export function chainAuthenticators(authenticators: readonly Authenticator[]): Authenticator {
  if (authenticators.length === 1) return authenticators[0] as Authenticator;
  return async (request) => {
    for (const authenticate of authenticators) {
      const identity = await authenticate(request);
      if (identity !== undefined) return identity;
    }
    return undefined;
  };
}

/**
 * The credential of an `Authorization: <scheme> <value>` header, when the scheme matches (any case).
 *
 * @example
 * ```ts
 * authorizationCredential('Bearer abc', 'bearer'); // 'abc'
 * ```
 */
export function authorizationCredential(header: string | undefined, scheme: string): string | undefined {
  if (header === undefined) return undefined;
  const space = header.indexOf(' ');
  if (space === -1 || header.slice(0, space).toLowerCase() !== scheme) return undefined;
  const value = header.slice(space + 1).trim();
  return value === '' ? undefined : value;
}
