import type { LoomConfig } from '../config/index.ts';
import { ConfigError } from '../errors/index.ts';
import { type ApiKeyProvider, apiKeyAuthenticator } from '../rest/auth/api-keys.ts';
import type { Authenticator, AuthMethod } from '../rest/auth/authenticator.ts';
import { chainAuthenticators } from '../rest/auth/authenticator.ts';
import type { GuardedEndpoint, RestAuth } from '../rest/auth/install-auth.ts';
import { jwtAuthenticator } from '../rest/auth/jwt.ts';
import { type Guard, guard } from '../use-case/guard.ts';

/** Authentication given in code (`createApp({ config, auth })`), next to what config declares. */
export interface AuthOptions {
  /** A custom authenticator (sessions, mTLS headers, another IdP), asked before JWT and API keys. */
  readonly authenticate?: Authenticator;
  /** Looks API keys up by their SHA-256 (after the keys in `auth.apiKeys.keys`). */
  readonly apiKeys?: ApiKeyProvider;
}

type EndpointGuardConfig = NonNullable<LoomConfig['auth']['endpoints']['docs']>;

function guardsOf(config: EndpointGuardConfig): Guard[] {
  const [role, ...roles] = config.roles;
  const [scope, ...scopes] = config.scopes;
  return [
    guard.requireAuth(),
    ...(role === undefined ? [] : [guard.requireRoles(role, ...roles)]),
    ...(scope === undefined ? [] : [guard.requireScopes(scope, ...scopes)]),
  ];
}

/**
 * The REST server's authentication from the `auth` section and the code options: undefined when
 * `auth.enabled` is false. `jose` is imported only when `auth.jwt` is set. A section that enables auth
 * without any way to authenticate is a boot error.
 *
 * @example
 * ```ts
 * const auth = await restAuthOf(config, { authenticate: fromSession });
 * ```
 */
export async function restAuthOf(
  config: LoomConfig,
  options: AuthOptions = {},
  endpointPaths: { docs?: string; openapi?: string; metrics?: string; jobs?: string } = {},
): Promise<RestAuth | undefined> {
  const auth = config.auth;
  if (!auth.enabled) return undefined;
  const realm = auth.realm ?? config.app.name;
  const methods: AuthMethod[] = [];
  if (options.authenticate !== undefined) methods.push({ authenticate: options.authenticate });
  if (auth.jwt !== undefined) {
    const { secret, jwksUrl } = auth.jwt;
    if ((secret === undefined) === (jwksUrl === undefined))
      throw new ConfigError('auth.jwt: set exactly one of secret and jwksUrl');
    methods.push(await jwtAuthenticator(auth.jwt, realm));
  }
  if (auth.apiKeys !== undefined || options.apiKeys !== undefined) {
    methods.push(
      apiKeyAuthenticator(
        {
          header: auth.apiKeys?.header ?? 'x-api-key',
          keys: auth.apiKeys?.keys ?? [],
          ...(options.apiKeys === undefined ? {} : { provider: options.apiKeys }),
        },
        realm,
      ),
    );
  }
  if (methods.length === 0)
    throw new ConfigError(
      'auth.enabled is true but nothing can authenticate: set auth.jwt, auth.apiKeys or createApp({ auth: { authenticate } })',
    );
  const endpoints: GuardedEndpoint[] = [];
  for (const name of ['docs', 'openapi', 'metrics', 'jobs'] as const) {
    const declared = auth.endpoints[name];
    const path = endpointPaths[name];
    if (declared !== undefined && path !== undefined) endpoints.push({ path, guards: guardsOf(declared) });
  }
  const challenges = methods.flatMap((m) => (m.challenge === undefined ? [] : [m.challenge]));
  return {
    authenticate: chainAuthenticators(methods.map((m) => m.authenticate)),
    schemes: methods.flatMap((m) => (m.scheme === undefined ? [] : [m.scheme])),
    challenge: challenges.length > 0 ? challenges.join(', ') : `Bearer realm="${realm}"`,
    endpoints,
  };
}
