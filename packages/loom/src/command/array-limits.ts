import type { TSchema } from 'typebox';
import { type AnyCommand, type CommandFieldDecl, command } from './command.ts';
import { patch } from './patch.ts';
import { computed, internal } from './server-owned.ts';

/** Items an array of a command may hold when its declaration sets no `maxItems` (config: `app.rest.limits.arrayItems`). */
export const DEFAULT_MAX_ARRAY_ITEMS = 1000;

type Schema = Record<string, unknown>;

/** A copy of a schema with some keys changed, keeping TypeBox's non-enumerable markers (`~optional`, `~kind`). */
function withKeys(schema: Schema, changes: Schema): Schema {
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(schema)) as Schema;
  return Object.assign(copy, changes);
}

function limitAll(list: unknown, max: number): unknown[] | undefined {
  if (!Array.isArray(list)) return undefined;
  let changed = false;
  const out = list.map((s) => {
    const limited = limitSchema(s as Schema, max);
    if (limited !== s) changed = true;
    return limited;
  });
  return changed ? out : undefined;
}

function limitMap(map: unknown, max: number): Schema | undefined {
  if (typeof map !== 'object' || map === null || Array.isArray(map)) return undefined;
  let changed = false;
  const out: Schema = {};
  for (const [key, s] of Object.entries(map)) {
    const limited = limitSchema(s as Schema, max);
    if (limited !== s) changed = true;
    out[key] = limited;
  }
  return changed ? out : undefined;
}

/** The schema with `maxItems: max` on every array (at any depth) that declares none; the same object when none lacks it. */
function limitSchema(schema: Schema, max: number): Schema {
  if (typeof schema !== 'object' || schema === null) return schema;
  const changes: Schema = {};
  if (schema.type === 'array' && schema.maxItems === undefined) changes.maxItems = max;
  if (typeof schema.items === 'object' && schema.items !== null && !Array.isArray(schema.items)) {
    const items = limitSchema(schema.items as Schema, max);
    if (items !== schema.items) changes.items = items;
  }
  for (const key of ['anyOf', 'allOf', 'oneOf', 'prefixItems']) {
    const list = limitAll(schema[key], max);
    if (list) changes[key] = list;
  }
  for (const key of ['properties', 'patternProperties']) {
    const map = limitMap(schema[key], max);
    if (map) changes[key] = map;
  }
  if (typeof schema.additionalProperties === 'object' && schema.additionalProperties !== null) {
    const extra = limitSchema(schema.additionalProperties as Schema, max);
    if (extra !== schema.additionalProperties) changes.additionalProperties = extra;
  }
  return Object.keys(changes).length === 0 ? schema : withKeys(schema, changes);
}

// Memo keyed by the command object (not a registry): one limited command per command and limit, so
// OpenAPI sees one component per command.
const memo = new WeakMap<AnyCommand, Map<number, AnyCommand>>();

/**
 * The command with a default `maxItems` on every array field (and nested array) that declares none:
 * what a client may send is bounded even when the declaration forgot to say so. A declared `maxItems`
 * is kept, larger or smaller. Returns the command itself when every array is already bounded. The
 * kernel applies it to every use case's input at boot (`limits.maxArrayItems`).
 *
 * @example
 * ```ts
 * const Sync = command({ productIds: t.Array(t.Integer()) }, { name: 'Sync' });
 * withArrayLimit(Sync, 1000).$schema.properties.productIds.maxItems; // 1000
 * ```
 */
export function withArrayLimit<C extends AnyCommand>(cmd: C, max: number): C {
  let byMax = memo.get(cmd);
  const found = byMax?.get(max);
  if (found) return found as C;
  const fields: Record<string, CommandFieldDecl> = {};
  const decoders: Record<string, (wire: unknown) => unknown> = {};
  let changed = false;
  for (const m of cmd.$fields) {
    const schema = limitSchema(m.schema as Schema, max) as TSchema;
    if (schema !== m.schema) changed = true;
    fields[m.name] = m.patch
      ? patch(schema)
      : m.serverOwned === 'computed'
        ? computed(schema)
        : m.serverOwned === 'internal'
          ? internal(schema)
          : schema;
    if (m.decode) decoders[m.name] = m.decode;
  }
  const limited = changed ? (command(fields, { name: cmd.$name, decoders }) as unknown as C) : cmd;
  if (!byMax) {
    byMax = new Map();
    memo.set(cmd, byMax);
  }
  byMax.set(max, limited);
  return limited;
}
