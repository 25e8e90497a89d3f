import { LimitExceeded, ValidationError } from '../errors/index.ts';
import { NUL_MESSAGE } from '../model/storage-limits.ts';

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * True when a JSON text nests arrays and objects deeper than `max`. One pass over the characters,
 * skipping strings, that stops at the first level too deep: a megabyte of `[[[[…` costs `max` steps,
 * where `JSON.parse` would build (and the collector then walk) half a million nested arrays. Text
 * that is not JSON is left to `JSON.parse` to refuse.
 *
 * @example
 * ```ts
 * nestsDeeperThan('{"a":[1,[2]]}', 2); // true
 * nestsDeeperThan('{"a":"[[[["}', 1);   // false
 * ```
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  // A text of n characters nests at most n/2 levels: short bodies need no scan.
  if (text.length <= max * 2) return false;
  // Nor does a text with at most `max` opening brackets (counted with indexOf, which is native code:
  // a request body of a few objects costs a few calls instead of a loop over every character).
  if (!hasMoreOpenings(text, max)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}

/** True when `text` holds more than `max` `{` and `[` characters together (inside strings too). */
function hasMoreOpenings(text: string, max: number): boolean {
  let count = 0;
  for (let i = text.indexOf('{'); i !== -1; i = text.indexOf('{', i + 1)) if (++count > max) return true;
  for (let i = text.indexOf('['); i !== -1; i = text.indexOf('[', i + 1)) if (++count > max) return true;
  return false;
}

/** The path (`items/0/name`) of the first string or key holding U+0000, or undefined. */
function nulPath(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  const join = (key: string | number) => (path === '' ? String(key) : `${path}/${key}`);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i], join(i));
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, v] of Object.entries(value)) {
    if (key.includes('\u0000')) return join(key.replaceAll('\u0000', '\\u0000'));
    const found = nulPath(v, join(key));
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Parses a JSON request body within the configured depth (deeper → 413 {@link LimitExceeded}, before
 * any parsing) and refuses U+0000 anywhere in it (→ 422 naming the field): PostgreSQL can store it
 * neither in text nor in jsonb, so no dialect accepts it. JSON can only carry U+0000 as the escape
 * `\u0000`, so bodies without that text are not walked. Throws `SyntaxError` for malformed JSON.
 *
 * @example
 * ```ts
 * parseGuardedJson('{"name":"Ada"}', 64);        // { name: 'Ada' }
 * parseGuardedJson('{"name":"A\\u0000"}', 64);   // throws ValidationError (path 'name')
 * ```
 */
export function parseGuardedJson(text: string, maxDepth: number): unknown {
  if (nestsDeeperThan(text, maxDepth)) {
    throw new LimitExceeded(
      'jsonDepth',
      maxDepth,
      413,
      `the JSON body nests arrays and objects deeper than ${maxDepth} levels`,
    );
  }
  const value: unknown = JSON.parse(text);
  if (text.includes('\\u0000')) {
    const path = nulPath(value, '');
    if (path !== undefined) throw new ValidationError([{ path, message: NUL_MESSAGE }]);
  }
  return value;
}
