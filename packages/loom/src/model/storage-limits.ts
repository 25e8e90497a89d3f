import type { ColumnDef } from './column.ts';

/** The range of an `int` column: PostgreSQL `integer`, 32 bits. */
export const INT32_MIN = -2_147_483_648;
export const INT32_MAX = 2_147_483_647;
/**
 * The range of a `bigint` column as the wire carries it. The column is 64 bits, but a JSON number is a
 * double and a bigint is read back as a JS number: beyond ±(2^53 − 1) the value stored would not be
 * the value sent, so the wire range stops there (docs/decisions/0006-input-matches-storage.md).
 */
export const INT64_WIRE_MIN = -Number.MAX_SAFE_INTEGER;
export const INT64_WIRE_MAX = Number.MAX_SAFE_INTEGER;

/** The integer range a column of kind `int` or `bigint` accepts. */
export function integerRange(def: ColumnDef): { readonly minimum: number; readonly maximum: number } {
  return def.kind === 'int'
    ? { minimum: INT32_MIN, maximum: INT32_MAX }
    : { minimum: INT64_WIRE_MIN, maximum: INT64_WIRE_MAX };
}

/**
 * The JSON Schema pattern of a `decimal(precision, scale)` value: at most `precision − scale` integer
 * digits (leading zeros aside) and at most `scale` decimals (trailing zeros aside), so the database
 * neither overflows nor silently rounds.
 *
 * @example
 * ```ts
 * decimalPattern(10, 2); // '^-?0*\\d{1,8}(\\.\\d{1,2}0*)?$'
 * ```
 */
export function decimalPattern(precision: number, scale: number): string {
  const whole = Math.max(precision - scale, 1);
  const fraction = scale > 0 ? `(\\.\\d{1,${scale}}0*)?` : '(\\.0+)?';
  return `^-?0*\\d{1,${whole}}${fraction}$`;
}

const decimalRegexes = new Map<string, RegExp>();

function decimalRegex(precision: number, scale: number): RegExp {
  const key = `${precision},${scale}`;
  let re = decimalRegexes.get(key);
  if (!re) {
    re = new RegExp(decimalPattern(precision, scale));
    decimalRegexes.set(key, re);
  }
  return re;
}

/** Code points of a string, counted only when its UTF-16 length could exceed `max`. */
function tooLong(value: string, max: number): boolean {
  if (value.length <= max) return false;
  let n = 0;
  for (const _ of value) if (++n > max) return true;
  return false;
}

/**
 * Why the database would refuse `value` for a column, or undefined when it fits: integers out of the
 * column's range, strings with NUL (PostgreSQL cannot store U+0000 in text or jsonb) or longer than
 * the column, decimals beyond their precision or scale, non-finite floats, invalid dates. The
 * repository checks every value it writes with this, on both dialects, so a value that does not fit
 * is a 422 naming the field rather than a driver error.
 *
 * @example
 * ```ts
 * storageProblem(column.int().def, 2 ** 31);      // 'must be between -2147483648 and 2147483647'
 * storageProblem(column.string(3).def, 'abcd');   // 'must be at most 3 characters'
 * storageProblem(column.text().def, 'a\u0000b');  // 'must not contain the NUL character (U+0000)'
 * ```
 */
export function storageProblem(def: ColumnDef, value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  switch (def.kind) {
    case 'int':
    case 'bigint': {
      const { minimum, maximum } = integerRange(def);
      if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum || value > maximum)
        return `must be an integer between ${minimum} and ${maximum}`;
      return undefined;
    }
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a finite number';
    case 'string':
    case 'text':
    case 'uuid':
    case 'date':
      if (typeof value !== 'string') return undefined;
      if (value.includes('\u0000')) return NUL_MESSAGE;
      if (def.kind === 'date' && !isCalendarDate(value))
        return 'must be a calendar date YYYY-MM-DD, year 1 or later';
      if (def.kind === 'string' && tooLong(value, def.length ?? 255))
        return `must be at most ${def.length ?? 255} characters`;
      return undefined;
    case 'decimal': {
      const text = typeof value === 'number' ? String(value) : value;
      if (typeof text !== 'string' || !decimalRegex(def.precision ?? 12, def.scale ?? 2).test(text))
        return decimalMessage(def);
      return undefined;
    }
    case 'datetime':
      return value instanceof Date && !isStorableInstant(value) ? DATETIME_MESSAGE : undefined;
    case 'json':
      return hasNul(value, 0) ? NUL_MESSAGE : undefined;
    case 'boolean':
      return undefined;
  }
}

/** The message of a date-time a column cannot hold. */
export const DATETIME_MESSAGE = 'must be a valid date-time between the years 4713 BC and 294275';

/**
 * True for a valid `Date` PostgreSQL's `timestamptz` can hold (4713 BC to 294276 AD; SQLite stores
 * the ISO text of any valid Date, the same range keeps the dialects alike).
 */
export function isStorableInstant(date: Date): boolean {
  const year = date.getUTCFullYear();
  return !Number.isNaN(year) && year >= -4712 && year <= 294_275;
}

/**
 * True for a real calendar date `YYYY-MM-DD` of year 1 or later (PostgreSQL has no year 0 and
 * refuses February 30).
 *
 * @example
 * ```ts
 * isCalendarDate('2024-02-29'); // true
 * isCalendarDate('2026-02-30'); // false
 * ```
 */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const last = new Date(Date.UTC(2000, month, 0)).getUTCDate();
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 ? (leap ? 29 : 28) : last);
}

/** The message of a string that holds U+0000. */
export const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';

function decimalMessage(def: ColumnDef): string {
  const precision = def.precision ?? 12;
  const scale = def.scale ?? 2;
  return `must be a decimal string with at most ${precision - scale} integer digits and ${scale} decimals`;
}

/** True when a JSON value holds U+0000 in a string or a key. Depth-bounded: bodies are (see the parser). */
function hasNul(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (typeof value !== 'object' || value === null || depth > 256) return false;
  if (Array.isArray(value)) return value.some((v) => hasNul(v, depth + 1));
  for (const [k, v] of Object.entries(value)) if (k.includes('\u0000') || hasNul(v, depth + 1)) return true;
  return false;
}
