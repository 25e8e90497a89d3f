import { identityOf } from '../../context/identity.ts';
import { ServiceUnavailable, Unauthorized } from '../../errors/index.ts';
import { requirePeer } from '../../errors/require-peer.ts';
import type { AuthMethod } from './authenticator.ts';
import { authorizationCredential } from './authenticator.ts';

/** Options of {@link jwtAuthenticator}: config `auth.jwt`. One of `secret` and `jwksUrl`. */
export interface JwtOptions {
  /** Shared secret of HMAC-signed tokens (HS256/384/512). */
  readonly secret?: string;
  /** JWKS endpoint of the issuer (asymmetric keys, fetched and cached, refreshed on an unknown `kid`). */
  readonly jwksUrl?: string;
  readonly issuer?: string | readonly string[];
  readonly audience?: string | readonly string[];
  /** Leeway for `exp`/`nbf`/`iat`, seconds. Default 30. */
  readonly clockSkewSeconds?: number;
  /** Accepted `alg` values. Default: HS256/384/512 with a secret, RS/PS/ES/EdDSA with a JWKS. */
  readonly algorithms?: readonly string[];
  /** Claim holding the roles (an array or a space-separated string). Default `roles`. */
  readonly rolesClaim?: string;
  /** Claim holding the scopes (`scope` string as in RFC 8693, or an array like `scp`). Default `scope`. */
  readonly scopesClaim?: string;
}

const HMAC = ['HS256', 'HS384', 'HS512'];
const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
// Registered claims that describe the token, not the caller: left out of `identity.claims`.
const TOKEN_CLAIMS = new Set(['exp', 'nbf', 'iat', 'jti']);

function listOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === 'string') return value.split(' ').filter((s) => s !== '');
  return [];
}

/** Why jose refused a token, in words a client can act on (never the token itself). */
function reasonOf(error: unknown): string {
  const e = error as { code?: unknown; claim?: unknown };
  switch (e.code) {
    case 'ERR_JWT_EXPIRED':
      return 'the token has expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return `the token's "${String(e.claim)}" claim is not accepted`;
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'the token signature does not verify';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'the token is signed with an algorithm that is not accepted';
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'the token is signed with an unknown key';
    default:
      return 'the token is malformed';
  }
}

/**
 * Verifies `Authorization: Bearer <JWT>` with `jose` (loaded only here: an optional peer dependency):
 * signature (shared secret or JWKS), `iss`, `aud`, `exp`/`nbf` with a clock skew. A valid token becomes
 * an identity (`sub`, roles, scopes, other claims); an invalid one a 401 whose challenge says why
 * (`error="invalid_token"`, RFC 6750 §3); an unreachable JWKS a 503.
 *
 * @example
 * ```ts
 * const jwt = await jwtAuthenticator({ jwksUrl: 'https://id.example.com/.well-known/jwks.json', audience: 'store' }, 'store');
 * ```
 */
export async function jwtAuthenticator(options: JwtOptions, realm: string): Promise<AuthMethod> {
  if ((options.secret === undefined) === (options.jwksUrl === undefined))
    throw new TypeError('auth.jwt needs exactly one of secret and jwksUrl');
  const jose = await requirePeer<typeof import('jose')>('jose', 'auth.jwt is configured');
  const key =
    options.secret !== undefined
      ? new TextEncoder().encode(options.secret)
      : jose.createRemoteJWKSet(new URL(options.jwksUrl as string));
  const verifyOptions = {
    algorithms: [...(options.algorithms ?? (options.secret !== undefined ? HMAC : ASYMMETRIC))],
    clockTolerance: options.clockSkewSeconds ?? 30,
    ...(options.issuer === undefined ? {} : { issuer: options.issuer as string | string[] }),
    ...(options.audience === undefined ? {} : { audience: options.audience as string | string[] }),
  };
  const rolesClaim = options.rolesClaim ?? 'roles';
  const scopesClaim = options.scopesClaim ?? 'scope';
  const challenge = `Bearer realm="${realm}"`;
  return {
    scheme: { name: 'bearerAuth', scheme: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    challenge,
    async authenticate(request) {
      const token = authorizationCredential(request.headers.authorization, 'bearer');
      if (token === undefined) return undefined;
      let payload: Record<string, unknown>;
      try {
        // Both overloads (key or key set) take the same options; the union needs one call site each.
        const result =
          key instanceof Uint8Array
            ? await jose.jwtVerify(token, key, verifyOptions)
            : await jose.jwtVerify(token, key, verifyOptions);
        payload = result.payload as Record<string, unknown>;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code === 'ERR_JWKS_TIMEOUT' || (code === undefined && options.jwksUrl !== undefined))
          throw new ServiceUnavailable("the token issuer's keys (auth.jwt.jwksUrl) could not be fetched");
        const reason = reasonOf(error);
        throw new Unauthorized(reason, `${challenge}, error="invalid_token", error_description="${reason}"`);
      }
      if (typeof payload.sub !== 'string' || payload.sub === '') {
        const reason = 'the token has no subject (sub)';
        throw new Unauthorized(reason, `${challenge}, error="invalid_token", error_description="${reason}"`);
      }
      const claims = Object.fromEntries(Object.entries(payload).filter(([k]) => !TOKEN_CLAIMS.has(k)));
      return identityOf({
        subject: payload.sub,
        roles: listOf(payload[rolesClaim]),
        scopes: listOf(payload[scopesClaim]),
        claims,
        via: 'jwt',
      });
    },
  };
}
