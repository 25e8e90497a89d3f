import { STATUS_CODES } from 'node:http';
import type { AnyCommand } from '../../command/command.ts';
import type { AnyModel } from '../../model/model.ts';
import { entitySchemaOf } from '../../model/model-schema.ts';
import { mergeGuards } from '../../use-case/guard.ts';
import type { SecurityScheme } from '../auth/authenticator.ts';
import type { CompiledRoute } from '../compile-routes.ts';
import { type JsonSchema, plainSchema } from '../json-schema.ts';
import { cursorPageSchema, offsetPageSchema } from '../page-schemas.ts';
import { type ComponentRegistry, componentRegistry } from './component-registry.ts';
import { routeParameters } from './openapi-parameters.ts';
import {
  AUTH_RESPONSES,
  PRECONDITION_RESPONSES,
  PROBLEM_RESPONSES,
  PROBLEM_SCHEMA,
} from './problem-schema.ts';

/** The `info` of the document. */
export interface OpenApiInfo {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
}

/** An OpenAPI 3.1 document, as plain JSON data. */
export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: OpenApiInfo;
  /** `[{ url: '/' }]`: the paths are relative to wherever the document is served from. */
  readonly servers: readonly { readonly url: string; readonly description?: string }[];
  /** `[]`: no credentials by default; guarded operations declare their own `security`. */
  readonly security: readonly JsonSchema[];
  readonly tags: readonly { readonly name: string }[];
  readonly paths: Record<string, Record<string, JsonSchema>>;
  readonly components: {
    readonly schemas: Record<string, JsonSchema>;
    readonly responses: Record<string, JsonSchema>;
    readonly securitySchemes?: Record<string, JsonSchema>;
  };
}

/** `$ref`s to the entity component of each profile (`User`, `UserWithDetails`). */
function entityRefs(
  components: ComponentRegistry,
  model: AnyModel,
  profiles: readonly string[],
): JsonSchema[] {
  return profiles.map((profile) => {
    const schema = plainSchema(entitySchemaOf(model, profile));
    return components.ref(entityName(model, profile), `entity:${model.$table}:${profile}`, () => schema);
  });
}

/** The component name of a profile's entity: the schema's title (`User`, `UserWithDetails`). */
function entityName(model: AnyModel, profile: string | undefined): string {
  const title = (entitySchemaOf(model, profile) as { title?: unknown }).title;
  return typeof title === 'string' ? title : model.$name;
}

/**
 * One of several bodies (a profile each, or offset and cursor envelopes). `anyOf`, not `oneOf`: a
 * `ProductWithTags` is also a valid `Product`, so the branches are not mutually exclusive.
 */
function anyOf(schemas: JsonSchema[]): JsonSchema {
  return schemas.length === 1 ? (schemas[0] as JsonSchema) : { anyOf: schemas };
}

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function commandRef(components: ComponentRegistry, command: AnyCommand, operationId: string): JsonSchema {
  // Commands declared without a name get a counter name (`Command3`): name the component after the operation.
  const name = /^Command\d+$/.test(command.$name) ? `${pascal(operationId)}Input` : command.$name;
  return components.ref(name, command, () => ({
    ...plainSchema(command.$schema),
    description:
      'Keys are camelCase; the snake_case spelling of each field is accepted too. Unknown keys are ignored.',
  }));
}

function successSchema(route: CompiledRoute, components: ComponentRegistry): JsonSchema | undefined {
  const shape = route.response;
  // A route that lets the client pick a profile answers with the entity of any of them.
  const profiles = route.profiles.exposed ? route.profiles.allowed : [route.profiles.default];
  switch (shape.kind) {
    case 'entity':
      return anyOf(entityRefs(components, shape.model, profiles));
    case 'boolean':
      return { type: 'boolean' };
    case 'schema': {
      const schema = plainSchema(shape.schema);
      const title = schema.title;
      return typeof title === 'string' && /^[A-Za-z0-9._-]+$/.test(title)
        ? components.ref(title, shape.schema, () => schema)
        : schema;
    }
    case 'page': {
      const model = shape.model;
      const offsets: JsonSchema[] = [];
      const cursors: JsonSchema[] = [];
      for (const [i, item] of entityRefs(components, model, profiles).entries()) {
        const name = entityName(model, profiles[i]);
        const key = `${model.$table}:${profiles[i]}`;
        offsets.push(components.ref(`${name}Page`, `offset-page:${key}`, () => offsetPageSchema(item, '')));
        cursors.push(
          components.ref(`${name}CursorPage`, `cursor-page:${key}`, () => cursorPageSchema(item, '')),
        );
      }
      if (shape.mode !== undefined) return anyOf(shape.mode === 'cursor' ? cursors : offsets);
      if (!route.list?.allowOverride) return anyOf(route.list?.mode === 'cursor' ? cursors : offsets);
      return anyOf(route.list.mode === 'cursor' ? [...cursors, ...offsets] : [...offsets, ...cursors]);
    }
    case 'json':
      return shape.declared ? { description: 'Any JSON value.' } : undefined;
  }
}

function errorResponses(route: CompiledRoute): Record<string, JsonSchema> {
  const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });
  const out: Record<string, JsonSchema> = { '400': ref('BadRequest'), '404': ref('NotFound') };
  if (route.method !== 'GET') out['409'] = ref('Conflict');
  if (route.hasBody) {
    out['413'] = ref('PayloadTooLarge');
    out['415'] = ref('UnsupportedMediaType');
  }
  if (route.hasBody || route.plan.rules.length > 0) out['422'] = ref('UnprocessableEntity');
  if (route.conditional?.writes && route.conditional.versioned) out['412'] = ref('PreconditionFailed');
  if (route.ifMatchRequired) out['428'] = ref('PreconditionRequired');
  out['500'] = ref('InternalServerError');
  return out;
}

/**
 * The operation's `security` (any one scheme satisfies it; the scopes a guard names are listed) and its
 * 401/403 responses, when the route is guarded and the server authenticates.
 */
function securityOf(
  route: CompiledRoute,
  schemes: readonly SecurityScheme[] | undefined,
): { security?: JsonSchema[]; responses: Record<string, JsonSchema> } {
  const guards = mergeGuards(route.guards, route.plan.guards);
  if (schemes === undefined || schemes.length === 0 || guards.all.length === 0) return { responses: {} };
  const scopes = [...new Set(guards.all.flatMap((g) => g.scopes))];
  const needsMore = guards.all.some((g) => g.description !== 'authenticated');
  return {
    security: schemes.map((s) => ({
      [s.name]: s.scheme.type === 'http' || s.scheme.type === 'oauth2' ? scopes : [],
    })),
    responses: {
      '401': { $ref: '#/components/responses/Unauthorized' },
      ...(needsMore ? { '403': { $ref: '#/components/responses/Forbidden' } } : {}),
    },
  };
}

function operationOf(
  route: CompiledRoute,
  components: ComponentRegistry,
  schemes?: readonly SecurityScheme[],
): JsonSchema {
  const secured = securityOf(route, schemes);
  const schema = successSchema(route, components);
  const etag =
    route.conditional?.versioned && route.method !== 'DELETE'
      ? {
          headers: {
            ETag: {
              description: 'The entity\'s version as a strong entity tag (`"3"`): send it back in If-Match.',
              schema: { type: 'string' },
            },
          },
        }
      : {};
  const success: JsonSchema = {
    description: STATUS_CODES[route.status] ?? 'Success',
    ...etag,
    content: { 'application/json': { schema: schema ?? { description: 'Any JSON value.' } } },
  };
  const input = route.plan.input;
  return {
    operationId: route.operationId,
    ...(route.tags.length > 0 ? { tags: [...route.tags] } : {}),
    ...(route.summary ? { summary: route.summary } : {}),
    ...(route.description ? { description: route.description } : {}),
    parameters: routeParameters(route),
    ...(input
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: commandRef(components, input, route.operationId) } },
          },
        }
      : {}),
    ...(secured.security === undefined ? {} : { security: secured.security }),
    responses: { [String(route.status)]: success, ...secured.responses, ...errorResponses(route) },
  };
}

/**
 * Builds the OpenAPI 3.1 document from the compiled routes: one operation per route with the use case's
 * name as `operationId`, components named after models and commands (`User`, `CreateUser`, `UserPage`,
 * `UserCursorPage`, `Problem`), every query parameter and filter documented, error responses as
 * problem documents. Deterministic: the same declarations give the same document.
 *
 * @example
 * ```ts
 * const doc = buildOpenApiDocument({ title: 'Store', version: '1.0.0' }, compileRoutes(kernel, [UserApi]));
 * doc.paths['/users/{id}']?.get?.operationId; // 'getUser'
 * ```
 */
export function buildOpenApiDocument(
  info: OpenApiInfo,
  routes: readonly CompiledRoute[],
  schemes?: readonly SecurityScheme[],
): OpenApiDocument {
  const components = componentRegistry();
  // Registered first, so a model that happens to be named Problem becomes Problem2, not the reverse.
  components.ref('Problem', PROBLEM_SCHEMA, () => PROBLEM_SCHEMA);
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const tags = new Set<string>();
  const responses: Record<string, JsonSchema> = { ...PROBLEM_RESPONSES };
  for (const route of routes) {
    // Only documents that have conditional routes list these (the others stay as they were).
    if (route.conditional?.writes && route.conditional.versioned)
      responses.PreconditionFailed = PRECONDITION_RESPONSES.PreconditionFailed;
    if (route.ifMatchRequired) responses.PreconditionRequired = PRECONDITION_RESPONSES.PreconditionRequired;
    for (const tag of route.tags) tags.add(tag);
    const item = paths[route.path.template] ?? {};
    item[route.method.toLowerCase()] = operationOf(route, components, schemes);
    paths[route.path.template] = item;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      ...(info.description ? { description: info.description } : {}),
    },
    servers: [{ url: '/', description: 'This server' }],
    security: [],
    tags: [...tags].map((name) => ({ name })),
    paths,
    components: {
      schemas: components.schemas(),
      responses:
        schemes === undefined || schemes.length === 0 ? responses : { ...responses, ...AUTH_RESPONSES },
      ...(schemes === undefined || schemes.length === 0
        ? {}
        : { securitySchemes: Object.fromEntries(schemes.map((s) => [s.name, { ...s.scheme }])) }),
    },
  };
}
