import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Identity } from '../../context/identity.ts';
import { Forbidden, Unauthorized } from '../../errors/index.ts';
import type { Guard } from '../../use-case/guard.ts';
import type { ProblemReplier } from '../problem-replier.ts';
import type { Authenticator, SecurityScheme } from './authenticator.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sent the request, when authentication is configured and the request proved it. */
    identity: Identity | undefined;
  }
}

/** A path (and everything under it) that needs more than a route guard: docs, metrics, dashboard. */
export interface GuardedEndpoint {
  readonly path: string;
  readonly guards: readonly Guard[];
}

/** Authentication of a REST server (`createRestServer({ auth })`). */
export interface RestAuth {
  readonly authenticate: Authenticator;
  /** OpenAPI `components.securitySchemes`; guarded operations list each as an alternative. */
  readonly schemes: readonly SecurityScheme[];
  /** The `WWW-Authenticate` header of a 401 raised by a guard. */
  readonly challenge: string;
  readonly endpoints?: readonly GuardedEndpoint[];
}

function covers(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

/**
 * Authenticates every request before routing reaches a handler (`request.identity`), refuses bad
 * credentials with 401 everywhere, and guards the listed endpoints (401 anonymous, 403 otherwise).
 *
 * @example
 * ```ts
 * installAuthentication(app, { authenticate, schemes, challenge: 'Bearer realm="store"' }, sendProblem);
 * ```
 */
export function installAuthentication(app: FastifyInstance, auth: RestAuth, send: ProblemReplier): void {
  app.decorateRequest('identity', undefined);
  const endpoints = auth.endpoints ?? [];
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      request.identity = await auth.authenticate(request);
      if (endpoints.length === 0) return;
      const q = request.url.indexOf('?');
      const path = q === -1 ? request.url : request.url.slice(0, q);
      for (const endpoint of endpoints) {
        if (!covers(path, endpoint.path)) continue;
        const ctx = { identity: request.identity, params: {}, input: undefined, load: {} };
        for (const g of endpoint.guards) {
          if (g.check(ctx)) continue;
          if (request.identity === undefined)
            throw new Unauthorized(`${endpoint.path} needs an authenticated caller`, auth.challenge);
          throw new Forbidden(g.message);
        }
      }
    } catch (error) {
      return send(error, request, reply);
    }
  });
}
