import { InvalidQuery } from '../errors/index.ts';
import type { ColumnDef } from '../model/column.ts';
import { isCalendarDate, isStorableInstant, NUL_MESSAGE } from '../model/storage-limits.ts';

function invalid(def: ColumnDef, raw: unknown, field: string): never {
  throw new InvalidQuery(
    `value ${JSON.stringify(raw)} is not a valid ${def.kind} for field "${field}"`,
    field,
  );
}

/** PostgreSQL cannot compare with U+0000 either: a filter value holding it is a 400 on both dialects. */
export function withoutNul(value: string, field: string): string {
  if (value.includes('\u0000')) throw new InvalidQuery(`value for field "${field}" ${NUL_MESSAGE}`, field);
  return value;
}

/**
 * Converts a filter value (a query-string text or an already typed value) to the field's declared type.
 * Never guesses from the text: `zipCode__eq=28001` stays the string "28001" because zipCode is a string.
 *
 * @example
 * ```ts
 * coerceFieldValue(Product.$fieldsByName.get('stock')!.def, '5', 'stock'); // 5
 * ```
 */
export function coerceFieldValue(def: ColumnDef, raw: unknown, field: string): unknown {
  if (raw === null) return null;
  // No closure per call: this runs for every primary key and filter value.
  switch (def.kind) {
    case 'int':
    case 'bigint': {
      const n =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && /^-?\d+$/.test(raw.trim())
            ? Number(raw)
            : NaN;
      if (!Number.isSafeInteger(n)) invalid(def, raw, field);
      if (def.kind === 'int' && (n > 2147483647 || n < -2147483648)) invalid(def, raw, field);
      return n;
    }
    case 'float': {
      const n =
        typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n)) invalid(def, raw, field);
      return n;
    }
    case 'decimal': {
      const s = typeof raw === 'number' ? String(raw) : raw;
      if (typeof s !== 'string' || !/^-?\d+(\.\d+)?$/.test(s.trim())) invalid(def, raw, field);
      return (s as string).trim();
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      return invalid(def, raw, field);
    }
    case 'datetime': {
      const d = raw instanceof Date ? raw : typeof raw === 'string' ? new Date(raw) : new Date(NaN);
      if (!isStorableInstant(d)) invalid(def, raw, field);
      return d;
    }
    case 'date': {
      if (typeof raw !== 'string' || !isCalendarDate(raw)) invalid(def, raw, field);
      return raw;
    }
    case 'uuid': {
      if (
        typeof raw !== 'string' ||
        !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(raw)
      )
        invalid(def, raw, field);
      return raw;
    }
    case 'string':
    case 'text':
      if (typeof raw === 'string') return withoutNul(raw, field);
      if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
      return invalid(def, raw, field);
    case 'json':
      return raw;
  }
}
