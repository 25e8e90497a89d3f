import { type ConfigPath, defineOwn, isPlainObject } from './config-path.ts';
import { ConfigSources } from './config-sources.ts';

/** A configuration tree together with the origin of each of its keys. */
export interface ConfigLayer {
  readonly value: Record<string, unknown>;
  readonly sources: ConfigSources;
}

/**
 * Deep-merges two plain values: mappings are merged key by key, anything else (lists, scalars, null)
 * in `over` replaces what `base` had. Neither input is modified.
 *
 * @example
 * ```ts
 * deepMerge({ db: { url: 'a', poolSize: 5 }, queues: ['x'] }, { db: { url: 'b' }, queues: ['y'] });
 * // { db: { url: 'b', poolSize: 5 }, queues: ['y'] }
 * ```
 */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(base)) defineOwn(out, key, value);
  for (const [key, value] of Object.entries(over)) {
    defineOwn(out, key, Object.hasOwn(base, key) ? deepMerge(base[key], value) : value);
  }
  return out;
}

/**
 * Merges `over` onto `base` (the later layer wins) and keeps the origins right: a key replaced by
 * `over` takes its origin, and everything `base` had below a replaced key is forgotten.
 *
 * @example
 * ```ts
 * const merged = mergeLayers(baseLayer, apiLayer);
 * merged.sources.locate(['database', 'url']); // the file that set it last
 * ```
 */
export function mergeLayers(base: ConfigLayer, over: ConfigLayer): ConfigLayer {
  const sources = new ConfigSources([...base.sources.files, ...over.sources.files]);
  sources.replaceSubtree([], base.sources);
  const value = mergeAt([], base.value, over.value, over.sources, sources);
  return { value: value as Record<string, unknown>, sources };
}

/**
 * An empty layer: the neutral element of {@link mergeLayers}.
 *
 * @example
 * ```ts
 * mergeLayers(emptyLayer(), layer).value; // equal to layer.value
 * ```
 */
export function emptyLayer(): ConfigLayer {
  return { value: {}, sources: new ConfigSources() };
}

function mergeAt(
  at: ConfigPath,
  base: unknown,
  over: unknown,
  overSources: ConfigSources,
  out: ConfigSources,
): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) {
    out.replaceSubtree(at, overSources);
    return over;
  }
  const own = overSources.exact(at);
  if (own) out.set(at, own);
  const merged: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(base)) defineOwn(merged, key, value);
  for (const [key, value] of Object.entries(over)) {
    const previous = Object.hasOwn(base, key) ? base[key] : undefined;
    defineOwn(merged, key, mergeAt([...at, key], previous, value, overSources, out));
  }
  return merged;
}
