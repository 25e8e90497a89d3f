import type { AnyModel } from '../model/model.ts';
import { profilesOf } from '../model/model-schema.ts';
import { canonicalProfile, DEFAULT_PROFILE } from '../model/profiles.ts';
import type { ProfilePolicy } from './route.ts';

/** The profile policy of a route, resolved route → interface → defaults, names in canonical spelling. */
export interface ResolvedProfiles {
  /** `?profile=` is accepted (the route allows profiles and its use case takes a `profile` param). */
  readonly exposed: boolean;
  /** The profiles a client may ask for, the default first. */
  readonly allowed: readonly string[];
  /** The profile used without `?profile=`. */
  readonly default: string;
}

/**
 * Resolves and checks a route's profile policy. Names are canonicalized (`with_details` →
 * `withDetails`) and must be declared by the model. A policy on the route itself needs a use case with a
 * `profile` param (it would be ignored otherwise); the interface's policy applies to the routes whose use
 * case takes one. Returns an error text instead of throwing, so the caller can name the route.
 *
 * @example
 * ```ts
 * resolveProfiles({ allowed: ['with_details'] }, 'route', true, User);
 * // { exposed: true, allowed: ['default', 'withDetails'], default: 'default' }
 * ```
 */
export function resolveProfiles(
  policy: ProfilePolicy | undefined,
  from: 'route' | 'interface',
  bindsProfile: boolean,
  model: AnyModel | null,
): ResolvedProfiles | string {
  const names = policy?.allowed ?? [];
  if (!names.every((p) => typeof p === 'string' && p !== '')) return 'profiles must be non-empty strings';
  if (from === 'route' && names.length > 0 && !bindsProfile) {
    return 'the route allows profiles but its use case declares no `profile` param to receive one';
  }
  const fallback = canonicalProfile(policy?.default ?? DEFAULT_PROFILE);
  const allowed = [...new Set([fallback, ...names.map(canonicalProfile)])];
  if (model !== null) {
    const declared = profilesOf(model);
    const unknown = allowed.filter((p) => !declared.includes(p));
    if (unknown.length > 0) {
      return `profile ${unknown.map((p) => `"${p}"`).join(', ')} is not declared by ${model.$name} (declared: ${declared.join(', ')})`;
    }
  }
  return Object.freeze({
    exposed: names.length > 0 && bindsProfile,
    allowed: Object.freeze(allowed),
    default: fallback,
  });
}
