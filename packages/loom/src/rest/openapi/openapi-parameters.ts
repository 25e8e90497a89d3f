import { MAX_LIMIT } from '../../repository/query-spec.ts';
import type { CompiledRoute, ListPolicy } from '../compile-routes.ts';
import { type JsonSchema, plainSchema } from '../json-schema.ts';
import { DEFAULT_LIMIT } from '../query-grammar.ts';
import { filterParameter } from './filter-parameter.ts';

/** An OpenAPI parameter object. */
export interface ParameterObject {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  readonly description?: string;
  readonly style?: 'form';
  readonly explode?: boolean;
  readonly schema: JsonSchema;
  readonly example?: unknown;
}

function listParameters(list: ListPolicy): ParameterObject[] {
  const sortable = list.model.$fields.filter((f) => f.def.filterable);
  const q = (name: string, description: string, schema: JsonSchema): ParameterObject => ({
    name,
    in: 'query',
    required: false,
    description,
    schema,
  });
  const params: ParameterObject[] = [];
  if (list.mode === 'offset' || list.allowOverride) {
    // No default on a cursor-first list: a form that sends its defaults would send page=1 and
    // switch the list to offset mode (or, with a cursor, be refused).
    params.push(
      q(
        'page',
        'Offset pagination: the 1-based page.',
        list.mode === 'offset'
          ? { type: 'integer', minimum: 1, default: 1 }
          : { type: 'integer', minimum: 1 },
      ),
    );
  }
  params.push(
    q('limit', `Items per page (1 to ${MAX_LIMIT}).`, {
      type: 'integer',
      minimum: 1,
      maximum: MAX_LIMIT,
      default: DEFAULT_LIMIT,
    }),
  );
  if (list.allowOverride) {
    params.push(
      q('pagination', 'Pagination mode; sending a cursor also selects cursor mode.', {
        type: 'string',
        enum: ['offset', 'cursor'],
        default: list.mode,
      }),
    );
  }
  if (list.mode === 'cursor' || list.allowOverride) {
    params.push(q('after', 'Cursor pagination: the `nextCursor` of the previous page.', { type: 'string' }));
    params.push(q('cursor', 'Alias of `after`.', { type: 'string' }));
  }
  params.push(
    q(
      'sort',
      `Sort fields, comma-separated or repeated, camelCase or snake_case: ${sortable.map((f) => f.name).join(', ')}. The primary key breaks ties.`,
      {
        type: 'string',
      },
    ),
    q('direction', 'ASC or DESC (any case): one for every sort field, or one per sort field.', {
      type: 'string',
      pattern: '^(?:[Aa][Ss][Cc]|[Dd][Ee][Ss][Cc])(?:,(?:[Aa][Ss][Cc]|[Dd][Ee][Ss][Cc]))*$',
      default: 'ASC',
    }),
  );
  params.push(filterParameter(list.model));
  return params;
}

/**
 * The OpenAPI parameters of a route: path params (typed by the use case's declaration), declared params
 * read from the query string, `profile` when exposed, and on list routes the pagination, sort and the
 * `filter` parameter (an object whose entries are the `field__op` query parameters).
 *
 * @example
 * ```ts
 * routeParameters(route).map((p) => p.name); // ['id'] or ['page', 'limit', …, 'filter']
 * ```
 */
export function routeParameters(route: CompiledRoute): ParameterObject[] {
  const byName = new Map(route.plan.params.map((p) => [p.name, p]));
  const params: ParameterObject[] = route.path.params.map((name) => ({
    name,
    in: 'path',
    required: true,
    schema: plainSchema(byName.get(name)?.schema ?? { type: 'string' }),
  }));
  for (const p of route.queryParams) {
    const schema = plainSchema(p.schema);
    // A param with a default may be left out (the binder fills it in): not required.
    params.push({ name: p.name, in: 'query', required: !('default' in schema), schema });
  }
  if (route.profiles.exposed) {
    params.push({
      name: 'profile',
      in: 'query',
      required: false,
      description: 'Read profile: which relations and projections to load (camelCase or snake_case).',
      schema: { type: 'string', enum: [...route.profiles.allowed], default: route.profiles.default },
    });
  }
  if (route.list) params.push(...listParameters(route.list));
  if (route.conditional?.writes && route.conditional.versioned) {
    params.push({
      name: 'If-Match',
      in: 'header',
      required: route.ifMatchRequired,
      description:
        'The ETag of a GET (`"<version>"`, or `*`): the write happens only if the entity is still at that version, else 412.',
      schema: { type: 'string' },
    });
  }
  return params;
}

/**
 * The Fastify `params` and `querystring` schemas of a route, from the same parameters as the OpenAPI
 * document. They describe the route to Fastify plugins; loom's own readers do the validation.
 *
 * @example
 * ```ts
 * app.route({ ..., schema: { ...requestSchemas(route) } });
 * ```
 */
export function requestSchemas(route: CompiledRoute): { params?: JsonSchema; querystring?: JsonSchema } {
  const params = routeParameters(route);
  const object = (list: ParameterObject[], open: boolean): JsonSchema => ({
    type: 'object',
    properties: Object.fromEntries(list.map((p) => [p.name, p.schema])),
    required: list.filter((p) => p.required).map((p) => p.name),
    additionalProperties: open,
  });
  const path = params.filter((p) => p.in === 'path');
  const query = params.filter((p) => p.in === 'query');
  return {
    ...(path.length > 0 ? { params: object(path, false) } : {}),
    ...(query.length > 0 ? { querystring: object(query, route.list !== null) } : {}),
  };
}
