import type { FastifyReply } from 'fastify';
import { entitySchemaOf } from '../model/model-schema.ts';
import type { QuerySpec } from '../repository/query-spec.ts';
import type { CompiledRoute } from './compile-routes.ts';
import { type JsonSchema, plainSchema, relaxForSerialization } from './json-schema.ts';
import { cursorPageSchema, offsetPageSchema } from './page-schemas.ts';

/** The success-body writer of one route. */
export interface RouteResponder {
  /** Response schemas for Fastify (compiled serializers), by status; none for free-form results. */
  readonly schemas: Readonly<Record<number, JsonSchema>> | undefined;
  /** Sets up `reply` for `result` and returns the payload to send. */
  respond(reply: FastifyReply, result: unknown, query: QuerySpec | undefined): unknown;
}

const JSON_TYPE = 'application/json; charset=utf-8';

function serializationSchemas(
  route: CompiledRoute,
): { main: JsonSchema; alternate?: JsonSchema } | undefined {
  const shape = route.response;
  switch (shape.kind) {
    case 'json':
      return undefined;
    case 'boolean':
      return { main: { type: 'boolean' } };
    case 'schema':
      return { main: relaxForSerialization(plainSchema(shape.schema)) };
    case 'entity':
      return { main: relaxForSerialization(plainSchema(entitySchemaOf(shape.model))) };
    case 'page': {
      const item = relaxForSerialization(plainSchema(entitySchemaOf(shape.model)));
      const name = shape.model.$name;
      const offset = relaxForSerialization(offsetPageSchema(item, `${name}Page`));
      const cursor = relaxForSerialization(cursorPageSchema(item, `${name}CursorPage`));
      if (shape.mode !== undefined) return { main: shape.mode === 'cursor' ? cursor : offset };
      const cursorFirst = route.list?.mode === 'cursor';
      const main = cursorFirst ? cursor : offset;
      const alternate = cursorFirst ? offset : cursor;
      return route.list?.allowOverride ? { main, alternate } : { main };
    }
  }
}

/**
 * Builds how a route writes its success body. Declared shapes (auto-CRUD entities, envelopes, `true`, a
 * route's `response` schema) go through Fastify's compiled serializer; free-form results through
 * `JSON.stringify`. `null` and `undefined` are always written as `null`; dates as ISO strings.
 *
 * @example
 * ```ts
 * const responder = routeResponder(route);
 * app.route({ ..., schema: { response: responder.schemas }, handler: async (req, reply) => responder.respond(reply, await run(), query) });
 * ```
 */
export function routeResponder(route: CompiledRoute): RouteResponder {
  const schemas = serializationSchemas(route);
  if (schemas === undefined) {
    return {
      schemas: undefined,
      respond(reply, result) {
        // Objects, arrays, numbers and booleans go through Fastify's default JSON serializer; strings
        // would be sent as text/plain, null and undefined as an empty body, so encode those here.
        if (result === null || result === undefined || typeof result === 'string') {
          reply.type(JSON_TYPE);
          return JSON.stringify(result ?? null);
        }
        return result;
      },
    };
  }
  const { main, alternate } = schemas;
  const mainMode = route.list?.mode;
  return {
    schemas: { [route.status]: main },
    respond(reply, result, query) {
      if (result === null || result === undefined) {
        reply.type(JSON_TYPE);
        return 'null';
      }
      if (alternate !== undefined && query !== undefined && query.pagination.mode !== mainMode) {
        // A custom serializer bypasses Fastify's content-type default: set it explicitly.
        reply
          .type(JSON_TYPE)
          .serializer(reply.compileSerializationSchema(alternate as Record<string, unknown>));
      }
      return result;
    },
  };
}
