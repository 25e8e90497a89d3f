import { parse } from 'yaml';

const INTEGER = /^[-+]?\d+$/;
const FLOAT = /^[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?$/;
const BOOLEAN = /^(?:true|false)$/i;
const NULL = /^(?:null|~)$/i;

/**
 * Decodes a string the way `${oc.decode:…}` does: `"true"`/`"false"` → boolean, `"120"` → integer,
 * `"1.5"` → number, `"null"` → null, a quoted string → its content, a flow list or mapping
 * (`"[a, b]"`, `"{a: 1}"`) → the list or mapping; anything else stays the (trimmed) string.
 *
 * @example
 * ```ts
 * decodeScalar('8000'); // 8000
 * decodeScalar(' TRUE '); // true
 * decodeScalar('null'); // null
 * decodeScalar('[default, emails]'); // ['default', 'emails']
 * decodeScalar('redis://cache:6379'); // 'redis://cache:6379'
 * ```
 */
export function decodeScalar(text: string): unknown {
  const trimmed = text.trim();
  if (BOOLEAN.test(trimmed)) return trimmed.toLowerCase() === 'true';
  if (NULL.test(trimmed)) return null;
  if (INTEGER.test(trimmed) || FLOAT.test(trimmed)) return Number(trimmed);
  const first = trimmed[0];
  const last = trimmed[trimmed.length - 1];
  if (trimmed.length >= 2 && (first === '"' || first === "'") && last === first) {
    return trimmed.slice(1, -1);
  }
  if ((first === '[' && last === ']') || (first === '{' && last === '}')) {
    try {
      return parse(trimmed) as unknown;
    } catch {
      return trimmed;
    }
  }
  return trimmed;
}
