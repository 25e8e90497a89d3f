import { toCamelCase } from './naming.ts';
import type { ProjectionMap } from './projection.ts';
import type { RelationMap } from './relation.ts';

/** `with_details` → `withDetails` at the type level (the canonical spelling of a profile). */
export type CamelCase<S extends string> = S extends `${infer H}_${infer T}`
  ? `${H}${Capitalize<CamelCase<T>>}`
  : S;

/** `withDetails` → `with_details` at the type level. */
export type SnakeCase<S extends string> = S extends `${infer C}${infer R}`
  ? `${C extends Lowercase<C> ? C : `_${Lowercase<C>}`}${SnakeCase<R>}`
  : S;

/** The profile every model has: columns plus the projections and relations that list `default`. */
export const DEFAULT_PROFILE = 'default';

/**
 * The canonical (camelCase) spelling of a profile name: `with_details` and `withDetails` are the same
 * profile.
 *
 * @example
 * ```ts
 * canonicalProfile('with_details'); // 'withDetails'
 * ```
 */
export function canonicalProfile(name: string): string {
  // Called per request with the client's spelling: a hit skips the regular expression.
  let canonical = CANONICAL.get(name);
  if (canonical === undefined) {
    canonical = toCamelCase(name);
    if (CANONICAL.size < MAX_CACHED_PROFILE_NAMES) CANONICAL.set(name, canonical);
  }
  return canonical;
}

/** Bounded: clients choose the names (unknown ones are rejected after this lookup). */
const MAX_CACHED_PROFILE_NAMES = 256;
const CANONICAL = new Map<string, string>();

/** Every profile a set of relations and projections declares, `default` first, canonical spellings. */
export function declaredProfiles(relations: RelationMap, projections: ProjectionMap): readonly string[] {
  const out = new Set<string>([DEFAULT_PROFILE]);
  for (const r of Object.values(relations)) for (const p of r.profiles) out.add(canonicalProfile(p));
  for (const p of Object.values(projections)) for (const q of p.profiles) out.add(canonicalProfile(q));
  return Object.freeze([...out]);
}

/**
 * Orders projections so that each comes after the projections it depends on (`dependsOn`). Throws on
 * an unknown dependency or a cycle, naming the model and the path.
 *
 * @example
 * ```ts
 * projectionOrder('Record', { a: projection.custom({ load, dependsOn: ['b'] }), b: projection.count('notes') });
 * // ['b', 'a']
 * ```
 */
export function projectionOrder(modelName: string, projections: ProjectionMap): readonly string[] {
  const done = new Set<string>();
  const visiting: string[] = [];
  const out: string[] = [];
  const visit = (name: string) => {
    if (done.has(name)) return;
    if (visiting.includes(name)) {
      throw new Error(`model ${modelName}: projection dependency cycle ${[...visiting, name].join(' → ')}`);
    }
    visiting.push(name);
    for (const dep of projections[name]?.dependsOn ?? []) {
      if (!Object.hasOwn(projections, dep)) {
        throw new Error(`model ${modelName}: projection "${name}" depends on unknown projection "${dep}"`);
      }
      visit(dep);
    }
    visiting.pop();
    done.add(name);
    out.push(name);
  };
  for (const name of Object.keys(projections)) visit(name);
  return Object.freeze(out);
}

/** Whether a relation or projection declared with `profiles` is loaded by the canonical profile `profile`. */
export function loadsIn(profiles: readonly string[], profile: string): boolean {
  return profiles.some((p) => canonicalProfile(p) === profile);
}
