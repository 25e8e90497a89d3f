import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import type { FieldError } from '../errors/index.ts';

/** A compiled schema check that reports every problem with its path, once per path. */
export interface Validator {
  check(value: unknown): boolean;
  errors(value: unknown): FieldError[];
}

/**
 * Compiles a schema once (at boot) into a fast check plus an error reporter.
 *
 * @example
 * ```ts
 * const v = compileValidator(t.Object({ age: t.Integer() }));
 * v.errors({ age: 'x' }); // [{ path: 'age', message: 'must be integer' }]
 * ```
 */
export function compileValidator(schema: TSchema): Validator {
  const compiled = Compile(schema);
  return {
    check: (value) => compiled.Check(value),
    errors(value) {
      const byPath = new Map<string, string[]>();
      for (const e of compiled.Errors(value)) {
        const path = e.instancePath.replace(/^\//, '');
        let key = path;
        let message = e.message;
        if (e.keyword === 'required') {
          const missing = (e.params as { requiredProperties?: string[] }).requiredProperties ?? [];
          for (const name of missing) add(byPath, path ? `${path}/${name}` : name, 'is required');
          continue;
        }
        if (e.keyword === 'anyOf') continue;
        if (e.keyword === 'additionalProperties') {
          const extra = (e.params as { additionalProperties?: string[] }).additionalProperties ?? [];
          key = path;
          message = `unknown properties: ${extra.join(', ')}`;
        }
        add(byPath, key, message);
      }
      return [...byPath].map(([path, messages]) => ({ path, message: joinMessages(messages) }));
    },
  };
}

function add(map: Map<string, string[]>, path: string, message: string): void {
  const list = map.get(path);
  if (list) {
    if (!list.includes(message)) list.push(message);
  } else map.set(path, [message]);
}

function joinMessages(messages: string[]): string {
  if (messages.length > 1 && messages.every((m) => m.startsWith('must be '))) {
    return 'must be ' + messages.map((m) => m.slice('must be '.length)).join(' or ');
  }
  return messages.join('; ');
}
