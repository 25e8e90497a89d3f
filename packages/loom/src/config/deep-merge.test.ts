import { describe, expect, it } from 'vitest';
import { deepMerge, mergeLayers } from './deep-merge.ts';
import { parseYamlLayer } from './parse-yaml-layer.ts';

describe('deepMerge', () => {
  it('merges mappings key by key and replaces lists, scalars and null', () => {
    const base = { db: { url: 'a', poolSize: 5 }, queues: ['x', 'y'], level: 'info', cache: { ttl: 1 } };
    const over = { db: { url: 'b' }, queues: ['z'], level: 'debug', cache: null };
    expect(deepMerge(base, over)).toEqual({
      db: { url: 'b', poolSize: 5 },
      queues: ['z'],
      level: 'debug',
      cache: null,
    });
    expect(base.db.url).toBe('a');
  });

  it('keeps a "__proto__" key as data instead of changing the prototype', () => {
    const over = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    const merged = deepMerge({ a: 1 }, over) as Record<string, unknown>;
    expect(Object.keys(merged)).toEqual(['a', '__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
  });
});

describe('mergeLayers', () => {
  it('tracks which file set each key, forgetting origins below a replaced key', () => {
    const base = parseYamlLayer('app:\n  name: a\n  rest:\n    port: 1\n', '/c/base.yaml');
    const over = parseYamlLayer('app:\n  rest: 8080\n', '/c/api.yaml');
    const merged = mergeLayers(base, over);
    expect(merged.value).toEqual({ app: { name: 'a', rest: 8080 } });
    expect(merged.sources.locate(['app', 'name'])).toBe('/c/base.yaml:2');
    expect(merged.sources.locate(['app', 'rest'])).toBe('/c/api.yaml:2');
    expect(merged.sources.exact(['app', 'rest', 'port'])).toBeUndefined();
    expect(merged.sources.files).toEqual(['/c/base.yaml', '/c/api.yaml']);
  });

  it('lists every file for a key that none of them set', () => {
    const merged = mergeLayers(
      parseYamlLayer('a: 1\n', '/c/one.yaml'),
      parseYamlLayer('b: 2\n', '/c/two.yaml'),
    );
    expect(merged.sources.locate(['database', 'url'])).toBe('/c/one.yaml, /c/two.yaml');
  });

  it('supports YAML anchors and merge keys, locating derived keys at their parent', () => {
    const layer = parseYamlLayer(
      'defaults: &d\n  retries: 2\njobs:\n  A:\n    <<: *d\n    queue: q\n',
      '/c/j.yaml',
    );
    expect(layer.value).toEqual({ defaults: { retries: 2 }, jobs: { A: { retries: 2, queue: 'q' } } });
    expect(layer.sources.locate(['jobs', 'A', 'retries'])).toBe('/c/j.yaml:4');
  });
});
