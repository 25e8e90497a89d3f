import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import type { ConfigPath, PathSegment } from './config-path.ts';
import type { ConfigProblem } from './config-problem.ts';
import { PATTERN_HINTS } from './config-schema.ts';
import { isSecretKey } from './redact.ts';

const TYPE_NAMES: Readonly<Record<string, string>> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean (true or false)',
  array: 'a list',
  object: 'a mapping',
  null: 'null',
};

// Unknown keys are reported (with suggestions) before validation; TypeBox's variants are noise here.
const SKIPPED = new Set(['additionalProperties', 'boolean', 'anyOf']);

/**
 * Validates `value` against a schema and returns one readable problem per wrong key: the expected
 * type or values, what was found (never the value of a secret-looking key), and a "quote it" hint when
 * YAML turned an intended string into a number.
 *
 * @example
 * ```ts
 * schemaProblems(LoomConfigSchema, { ...defaults, database: { ...d, poolSize: 'many' } });
 * // [{ path: ['database', 'poolSize'], message: 'must be an integer, got "many"' }]
 * ```
 */
export function schemaProblems(schema: TSchema, value: unknown): ConfigProblem[] {
  const compiled = compiledFor(schema);
  if (compiled.Check(value)) return [];
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  const add = (path: ConfigPath, message: string) => {
    const key = `${path.join('\u0000')}\u0001${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    problems.push({ path, message });
  };
  for (const error of compiled.Errors(value)) {
    if (SKIPPED.has(error.keyword)) continue;
    const { path, found } = locate(value, error.instancePath);
    const params = error.params as Record<string, unknown>;
    if (error.keyword === 'required') {
      const missing = (params.requiredProperties as readonly string[] | undefined) ?? [];
      for (const name of missing) add([...path, name], 'is required');
      continue;
    }
    const got = `, got ${describe(found, path)}`;
    if (error.keyword === 'type') {
      const expected = String(params.type);
      const quote = expected === 'string' && (typeof found === 'number' || typeof found === 'boolean');
      add(path, `must be ${TYPE_NAMES[expected] ?? expected}${got}${quote ? ' (quote it in YAML)' : ''}`);
    } else if (error.keyword === 'enum') {
      const allowed = (params.allowedValues as readonly unknown[] | undefined) ?? [];
      add(path, `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}${got}`);
    } else if (error.keyword === 'pattern') {
      add(path, `${PATTERN_HINTS[String(params.pattern)] ?? error.message}${got}`);
    } else if (error.keyword === 'minItems') {
      add(path, `must list at least ${String(params.limit)} item(s)`);
    } else if (error.keyword === 'uniqueItems') {
      add(path, 'must not list the same item twice');
    } else if (error.keyword === 'minLength') {
      add(
        path,
        params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters long`,
      );
    } else {
      add(path, `${error.message}${got}`);
    }
  }
  return problems;
}

const cache = new WeakMap<TSchema, ReturnType<typeof Compile>>();

function compiledFor(schema: TSchema): ReturnType<typeof Compile> {
  let compiled = cache.get(schema);
  if (!compiled) {
    compiled = Compile(schema);
    cache.set(schema, compiled);
  }
  return compiled;
}

/** Turns a JSON pointer into path segments (numbers for list items) and finds the value there. */
function locate(root: unknown, pointer: string): { path: PathSegment[]; found: unknown } {
  const path: PathSegment[] = [];
  let found: unknown = root;
  if (pointer === '') return { path, found };
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(found) && /^\d+$/.test(token)) {
      path.push(Number(token));
      found = found[Number(token)];
    } else {
      path.push(token);
      found =
        typeof found === 'object' && found !== null && Object.hasOwn(found, token)
          ? (found as Record<string, unknown>)[token]
          : undefined;
    }
  }
  return { path, found };
}

function describe(value: unknown, path: ConfigPath): string {
  const secret = path.some((segment) => typeof segment === 'string' && isSecretKey(segment));
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (secret) return `a ${typeof value}`;
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}
