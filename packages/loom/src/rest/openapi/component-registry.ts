import type { JsonSchema } from '../json-schema.ts';

/** Collects named schemas for `components.schemas`, one per declaration, with stable names. */
export interface ComponentRegistry {
  /**
   * A `$ref` to the component of `identity` (a model, a command, a schema object, or a string key), registering it under
   * `name` on first use. Two different declarations wanting the same name get `Name`, `Name2`, … in
   * declaration order.
   */
  ref(name: string, identity: unknown, build: () => JsonSchema): JsonSchema;
  /** The collected components, in registration order. */
  schemas(): Record<string, JsonSchema>;
}

/**
 * @example
 * ```ts
 * const components = componentRegistry();
 * components.ref('User', User, () => plainSchema(entitySchemaOf(User))); // { $ref: '#/components/schemas/User' }
 * ```
 */
export function componentRegistry(): ComponentRegistry {
  const byIdentity = new Map<unknown, string>();
  const byName = new Map<string, JsonSchema>();
  return {
    ref(name, identity, build) {
      let key = byIdentity.get(identity);
      if (key === undefined) {
        key = name;
        for (let n = 2; byName.has(key); n++) key = `${name}${n}`;
        byIdentity.set(identity, key);
        byName.set(key, { ...build(), title: key });
      }
      return { $ref: `#/components/schemas/${key}` };
    },
    schemas: () => Object.fromEntries(byName),
  };
}
