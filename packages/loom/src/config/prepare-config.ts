import type { TSchema } from 'typebox';
import { type ConfigPath, defineOwn, isPlainObject } from './config-path.ts';
import type { ConfigProblem } from './config-problem.ts';
import { suggestKey } from './suggest-key.ts';

const INTEGER = /^[-+]?\d+$/;
const NUMBER = /^[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?$/;
const BOOLEAN = /^(?:true|false)$/i;

/**
 * Readies a raw configuration for defaults and validation, guided by the schema. Returns a copy in
 * which:
 *
 * - a key set to `null` (or left empty in YAML) is removed, so its default applies;
 * - a string where the schema wants a number or boolean is converted when it spells one (`"8000"`,
 *   `"true"`), as loom-py does — environment variables are always strings;
 * - an enum value in another case is accepted (`INFO` → `info`, `BullMQ` → `bullmq`);
 * - a key the schema does not know is dropped and reported (with a "did you mean" when one is close).
 *
 * @example
 * ```ts
 * const problems: ConfigProblem[] = [];
 * prepareConfig(LoomConfigSchema, { app: { rest: { port: '8080', prot: 1 } }, logger: null }, problems);
 * // → { app: { rest: { port: 8080 } } }
 * // problems: [{ path: ['app', 'rest', 'prot'], message: 'unknown key; did you mean "port"?' }]
 * ```
 */
export function prepareConfig(schema: TSchema, raw: unknown, problems: ConfigProblem[]): unknown {
  return prepare(schema as SchemaNode, raw, [], problems);
}

interface SchemaNode {
  readonly type?: unknown;
  readonly enum?: readonly unknown[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly patternProperties?: Readonly<Record<string, SchemaNode>>;
  readonly additionalProperties?: unknown;
  readonly items?: SchemaNode;
}

function prepare(schema: SchemaNode, value: unknown, at: ConfigPath, problems: ConfigProblem[]): unknown {
  if (schema.type === 'object' && isPlainObject(value)) return prepareObject(schema, value, at, problems);
  if (schema.type === 'array' && Array.isArray(value)) {
    const items = schema.items;
    return items ? value.map((item, i) => prepare(items, item, [...at, i], problems)) : value;
  }
  if (typeof value === 'string') return coerceString(schema, value);
  return value;
}

function prepareObject(
  schema: SchemaNode,
  value: Record<string, unknown>,
  at: ConfigPath,
  problems: ConfigProblem[],
): Record<string, unknown> {
  const properties = schema.properties ?? {};
  const pattern = schema.patternProperties ? Object.values(schema.patternProperties)[0] : undefined;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const child = Object.hasOwn(properties, key) ? properties[key] : pattern;
    if (!child) {
      if (schema.additionalProperties === false)
        problems.push(unknownKey([...at, key], Object.keys(properties)));
      else defineOwn(out, key, item);
      continue;
    }
    if (item === null || item === undefined) continue;
    defineOwn(out, key, prepare(child, item, [...at, key], problems));
  }
  return out;
}

function coerceString(schema: SchemaNode, value: string): unknown {
  const text = value.trim();
  if (schema.type === 'integer' && INTEGER.test(text)) return Number(text);
  if (schema.type === 'number' && NUMBER.test(text)) return Number(text);
  if (schema.type === 'boolean' && BOOLEAN.test(text)) return text.toLowerCase() === 'true';
  if (schema.enum && !schema.enum.includes(value)) {
    const match = schema.enum.find(
      (option) => typeof option === 'string' && option.toLowerCase() === text.toLowerCase(),
    );
    if (match !== undefined) return match;
  }
  return value;
}

function unknownKey(path: ConfigPath, known: readonly string[]): ConfigProblem {
  const key = String(path[path.length - 1]);
  const suggestion = suggestKey(key, known);
  const hint = suggestion
    ? `; did you mean "${suggestion}"?`
    : known.length > 0
      ? ` (known keys: ${known.join(', ')})`
      : '';
  return { path, message: `unknown key${hint}` };
}
