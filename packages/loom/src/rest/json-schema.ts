/** A JSON Schema as plain data (no TypeBox markers). */
export type JsonSchema = { readonly [keyword: string]: unknown };

/**
 * A plain-data copy of a schema: TypeBox keeps its markers (`~kind`, `~optional`) in non-enumerable
 * keys, which a JSON round trip drops, leaving standard JSON Schema for OpenAPI and the serializer.
 *
 * @example
 * ```ts
 * plainSchema(t.Optional(t.String())); // { type: 'string' }
 * ```
 */
export function plainSchema(schema: unknown): JsonSchema {
  return JSON.parse(JSON.stringify(schema)) as JsonSchema;
}

const PRIMITIVES = new Set(['string', 'number', 'integer', 'boolean']);

function isNullSchema(s: unknown): boolean {
  return typeof s === 'object' && s !== null && (s as JsonSchema).type === 'null';
}

/**
 * Rewrites a schema for response serialization so it never drops or rejects a field: objects accept
 * additional properties and require none (a custom repository may add or omit fields), and
 * `anyOf: [T, null]` over a primitive becomes `type: [T, 'null']`, which the compiled serializer writes
 * without trying each branch. Dates under `format: date-time` still serialize as ISO strings.
 *
 * @example
 * ```ts
 * relaxForSerialization({ type: 'object', required: ['a'], properties: { a: { anyOf: [{ type: 'string' }, { type: 'null' }] } } });
 * // { type: 'object', additionalProperties: true, properties: { a: { type: ['string', 'null'] } } }
 * ```
 */
export function relaxForSerialization(schema: JsonSchema): JsonSchema {
  const out: Record<string, unknown> = { ...schema };
  delete out.required;
  delete out.$id;
  if (out.type === 'object' || typeof out.properties === 'object') {
    const props = (out.properties ?? {}) as Record<string, JsonSchema>;
    out.properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, relaxForSerialization(v)]));
    out.additionalProperties = true;
  }
  if (typeof out.items === 'object' && out.items !== null && !Array.isArray(out.items)) {
    out.items = relaxForSerialization(out.items as JsonSchema);
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = out[key];
    if (!Array.isArray(branches)) continue;
    const relaxed = branches.map((b) => relaxForSerialization(b as JsonSchema));
    const other = relaxed.find((b) => !isNullSchema(b));
    if (relaxed.length === 2 && other && relaxed.some(isNullSchema) && PRIMITIVES.has(other.type as string)) {
      delete out[key];
      return { ...out, ...other, type: [other.type, 'null'] };
    }
    out[key] = relaxed;
  }
  return out;
}
