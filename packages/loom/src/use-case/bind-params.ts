import { BadRequest } from '../errors/index.ts';
import type { Plan } from './plan.ts';

const NUMERIC = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * Binds declared params from the caller's values: strings (path params) are converted by the declared
 * type, then validated. A left-out param takes its schema's default, stays absent when declared
 * `t.Optional(...)`, and is otherwise a 400 naming it, as is an invalid one.
 */
export function bindParams(
  plan: Plan,
  raw: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of plan.params) {
    let value = raw?.[p.name];
    if (value === undefined) {
      if (p.defaultValue) value = structuredClone(p.defaultValue.value);
      else if (p.optional) continue;
      else throw new BadRequest(`${plan.name}: missing required parameter "${p.name}"`, p.name);
    }
    if (typeof value === 'string') {
      // No column can hold U+0000 on PostgreSQL: refused for every dialect, naming the parameter.
      if (value.includes('\u0000'))
        throw new BadRequest(
          `${plan.name}: parameter "${p.name}" must not contain the NUL character`,
          p.name,
        );
      if (p.numeric && NUMERIC.test(value)) value = Number(value);
      else if (p.boolean && (value === 'true' || value === 'false')) value = value === 'true';
    }
    if (!p.validator.check(value)) {
      const why = p.validator.errors(value)[0]?.message ?? 'invalid';
      throw new BadRequest(`${plan.name}: invalid value for parameter "${p.name}": ${why}`, p.name);
    }
    // 1e20 is an "integer" to JSON Schema but no id can be that large: a client error, not a 404.
    if (typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value)) {
      throw new BadRequest(`${plan.name}: parameter "${p.name}" is out of range`, p.name);
    }
    out[p.name] = value;
  }
  return out;
}
