import { ConfigError } from '../errors/index.ts';
import { type ConfigPath, defineOwn, isPlainObject } from './config-path.ts';
import { describeKey } from './config-problem.ts';
import type { ConfigSources } from './config-sources.ts';
import { decodeScalar } from './decode-scalar.ts';

/** Where interpolation reads the environment and reports its errors. */
export interface InterpolateOptions {
  /** Environment variables; `process.env` when absent. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Origins of the keys, so errors name the file. */
  readonly sources?: ConfigSources;
  /** Path of `value` inside the whole configuration (for messages); the root when absent. */
  readonly path?: ConfigPath;
}

type Part =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'ref';
      readonly resolver: string;
      readonly args: readonly Part[];
      readonly source: string;
    };

/**
 * Resolves `${…}` interpolations in every string of a configuration tree (returns a new tree):
 *
 * - `${env:VAR}` — the variable's value; unset and no default → `ConfigError` naming the key and file;
 * - `${env:VAR,default}` — the default (everything after the first comma, trimmed; quotes optional)
 *   when the variable is unset; the default may itself contain interpolations, resolved only if used;
 * - `${oc.env:…}` — loom-py's spelling, same behaviour;
 * - `${oc.decode:…}` — decodes its (resolved) argument: `"8000"` → 8000, `"true"` → true, `"null"` → null;
 * - `\${` — a literal `${`.
 *
 * A string that is exactly one interpolation takes the interpolation's value and type (a decoded
 * number stays a number); an interpolation inside a longer string is spliced in as text.
 * Environment values are never re-scanned for `${`.
 *
 * @example
 * ```ts
 * interpolate({ port: '${oc.decode:${oc.env:PORT,8000}}' }, { env: {} }); // { port: 8000 }
 * interpolate('redis://${env:REDIS_HOST,localhost}:6379', { env: {} }); // 'redis://localhost:6379'
 * ```
 */
export function interpolate(value: unknown, options: InterpolateOptions = {}): unknown {
  const env = options.env ?? process.env;
  return walk(value, options.path ?? [], env, options.sources);
}

function walk(
  value: unknown,
  at: ConfigPath,
  env: Readonly<Record<string, string | undefined>>,
  sources: ConfigSources | undefined,
): unknown {
  if (typeof value === 'string') {
    if (!value.includes('${')) return value;
    const fail = (problem: string): never => {
      throw new ConfigError(`Invalid configuration: ${describeKey(at, sources)}: ${problem}`);
    };
    return evaluate(parseTemplate(value, fail), env, fail);
  }
  if (Array.isArray(value)) return value.map((item, i) => walk(item, [...at, i], env, sources));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      defineOwn(out, key, walk(item, [...at, key], env, sources));
    return out;
  }
  return value;
}

// ---- parsing ---------------------------------------------------------------------------------

function parseTemplate(text: string, fail: (problem: string) => never): Part[] {
  return parseParts(text, 0, false, fail).parts;
}

/** Reads literal text and interpolations from `start`; inside arguments it stops at the closing `}`. */
function parseParts(
  text: string,
  start: number,
  inArgs: boolean,
  fail: (problem: string) => never,
): { parts: Part[]; end: number } {
  const parts: Part[] = [];
  let literal = '';
  let braces = 0;
  let i = start;
  const flush = () => {
    if (literal !== '') parts.push({ kind: 'text', text: literal });
    literal = '';
  };
  while (i < text.length) {
    if (text.startsWith('\\${', i)) {
      literal += '${';
      i += 3;
    } else if (text.startsWith('${', i)) {
      flush();
      const ref = parseRef(text, i, fail);
      parts.push(ref.part);
      i = ref.end;
    } else if (inArgs && text[i] === '}' && braces === 0) {
      flush();
      return { parts, end: i };
    } else {
      if (inArgs && text[i] === '{') braces++;
      if (inArgs && text[i] === '}') braces--;
      literal += text[i];
      i++;
    }
  }
  if (inArgs) fail(`unterminated interpolation (a \${ without its closing })`);
  flush();
  return { parts, end: i };
}

function parseRef(
  text: string,
  start: number,
  fail: (problem: string) => never,
): { part: Part; end: number } {
  const name = /^[A-Za-z_][\w.-]*/.exec(text.slice(start + 2))?.[0] ?? '';
  const after = start + 2 + name.length;
  if (text[after] === '}') {
    // `${NAME}`: a bare reference; kept so evaluation can say what to write instead.
    return {
      part: {
        kind: 'ref',
        resolver: '',
        args: [{ kind: 'text', text: name }],
        source: text.slice(start, after + 1),
      },
      end: after + 1,
    };
  }
  if (name !== '' && text[after] === ',') {
    fail(`unsupported interpolation \${${name},…}: write \${env:${name},default}`);
  }
  if (name === '' || text[after] !== ':')
    fail(`malformed interpolation "${text.slice(start, start + 24)}…" (expected \${resolver:argument})`);
  const args = parseParts(text, after + 1, true, fail);
  return {
    part: { kind: 'ref', resolver: name, args: args.parts, source: text.slice(start, args.end + 1) },
    end: args.end + 1,
  };
}

// ---- evaluation ------------------------------------------------------------------------------

function evaluate(
  parts: readonly Part[],
  env: Readonly<Record<string, string | undefined>>,
  fail: (problem: string) => never,
): unknown {
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only?.kind === 'ref') return resolve(only, env, fail);
  return parts
    .map((part) => (part.kind === 'text' ? part.text : stringify(resolve(part, env, fail))))
    .join('');
}

function resolve(
  ref: Extract<Part, { kind: 'ref' }>,
  env: Readonly<Record<string, string | undefined>>,
  fail: (problem: string) => never,
): unknown {
  switch (ref.resolver) {
    case 'env':
    case 'oc.env':
      return resolveEnv(ref, env, fail);
    case 'oc.decode': {
      const argument = evaluate(ref.args, env, fail);
      return typeof argument === 'string' ? decodeScalar(argument) : argument;
    }
    case '': {
      const name = stringify(evaluate(ref.args, env, fail));
      return fail(
        `unsupported interpolation ${ref.source}: write \${env:${name}} or \${env:${name},default}`,
      );
    }
    default:
      return fail(`unknown resolver "${ref.resolver}" in ${ref.source} (supported: env, oc.env, oc.decode)`);
  }
}

function resolveEnv(
  ref: Extract<Part, { kind: 'ref' }>,
  env: Readonly<Record<string, string | undefined>>,
  fail: (problem: string) => never,
): string {
  const { name: nameParts, fallback } = splitAtFirstComma(ref.args);
  const name = stringify(evaluate(nameParts, env, fail)).trim();
  if (name === '') fail(`${ref.source} names no environment variable`);
  const value = env[name];
  if (value !== undefined) return value;
  if (fallback === undefined) {
    return fail(
      `environment variable ${name} is not set and ${ref.source} has no default (write \${env:${name},default})`,
    );
  }
  return unquote(stringify(evaluate(fallback, env, fail)).trim());
}

/** Splits arguments at the first comma that is plain text (not inside a nested interpolation). */
function splitAtFirstComma(args: readonly Part[]): { name: Part[]; fallback: Part[] | undefined } {
  for (let i = 0; i < args.length; i++) {
    const part = args[i]!;
    if (part.kind !== 'text') continue;
    const comma = part.text.indexOf(',');
    if (comma < 0) continue;
    const name = [...args.slice(0, i), { kind: 'text' as const, text: part.text.slice(0, comma) }];
    const fallback = [{ kind: 'text' as const, text: part.text.slice(comma + 1) }, ...args.slice(i + 1)];
    return { name, fallback };
  }
  return { name: [...args], fallback: undefined };
}

function unquote(text: string): string {
  const first = text[0];
  if (text.length >= 2 && (first === '"' || first === "'") && text[text.length - 1] === first) {
    return text.slice(1, -1);
  }
  return text;
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  return JSON.stringify(value);
}
