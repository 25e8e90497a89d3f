import type { JsonSchema } from './json-schema.ts';

/**
 * The offset envelope `{ items, totalCount, page, limit, hasNext }` over an item schema (a `$ref` in
 * OpenAPI, the inline entity for serialization).
 *
 * @example
 * ```ts
 * offsetPageSchema({ $ref: '#/components/schemas/User' }, 'UserPage');
 * ```
 */
export function offsetPageSchema(item: JsonSchema, title: string): JsonSchema {
  return {
    type: 'object',
    title,
    required: ['items', 'totalCount', 'page', 'limit', 'hasNext'],
    properties: {
      items: { type: 'array', items: item },
      totalCount: { type: 'integer', minimum: 0, description: 'Rows matching the filters, on every page.' },
      page: { type: 'integer', minimum: 1 },
      limit: { type: 'integer', minimum: 1 },
      hasNext: { type: 'boolean' },
    },
  };
}

/**
 * The cursor envelope `{ items, nextCursor, hasNext }`; `nextCursor` is null on the last page.
 *
 * @example
 * ```ts
 * cursorPageSchema({ $ref: '#/components/schemas/User' }, 'UserCursorPage');
 * ```
 */
export function cursorPageSchema(item: JsonSchema, title: string): JsonSchema {
  return {
    type: 'object',
    title,
    required: ['items', 'nextCursor', 'hasNext'],
    properties: {
      items: { type: 'array', items: item },
      nextCursor: {
        type: ['string', 'null'],
        description: 'Opaque, signed token: pass it as `after` to get the next page.',
      },
      hasNext: { type: 'boolean' },
    },
  };
}
