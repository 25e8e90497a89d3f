import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { stringify } from 'yaml';
import type { OpenApiDocument } from './openapi/openapi-document.ts';

/**
 * Serves Swagger UI at `docsPath` over loom's own OpenAPI document. `@fastify/swagger-ui` reads the
 * document from `fastify.swagger()`, normally provided by `@fastify/swagger`; loom builds its document
 * itself (stable names from the declarations), so a tiny plugin registered under that name provides
 * `swagger()` instead. The UI fetches `<docsPath>/json`, which is the same document as `/openapi.json`.
 * The page carries the app's title and no top bar (no third-party logo, no internal URL box).
 *
 * @example
 * ```ts
 * registerSwaggerUi(app, document, '/docs');
 * ```
 */
export function registerSwaggerUi(
  app: FastifyInstance,
  document: OpenApiDocument,
  docsPath: string,
  staticCsp = false,
): void {
  let yamlText: string | undefined;
  const provider = Object.assign(
    (instance: FastifyInstance, _options: unknown, done: (error?: Error) => void) => {
      instance.decorate('swagger', (opts?: { yaml?: boolean }) => {
        if (!opts?.yaml) return document;
        yamlText ??= stringify(document);
        return yamlText;
      });
      done();
    },
    {
      [Symbol.for('skip-override')]: true,
      [Symbol.for('fastify.display-name')]: '@fastify/swagger',
      [Symbol.for('plugin-meta')]: { name: '@fastify/swagger', fastify: '5.x' },
    },
  );
  app.register(provider);
  // With security headers on, the UI's pages carry their own CSP (hashes of its inline scripts).
  app.register(swaggerUi, {
    routePrefix: docsPath,
    // The page is the app's: its title, and BaseLayout (no top bar, so neither the plugin's logo nor
    // the internal `<docsPath>/json` URL box); the Authorize button stays with the servers.
    theme: { title: `${document.info.title} — API` },
    uiConfig: {
      layout: 'BaseLayout',
      persistAuthorization: true,
      displayRequestDuration: true,
      docExpansion: 'list',
      defaultModelsExpandDepth: 0,
    },
    ...(staticCsp ? { staticCSP: true } : {}),
  });
}
