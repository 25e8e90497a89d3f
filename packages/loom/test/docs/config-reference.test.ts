import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CONFIG_REFERENCE_PATH,
  configKeys,
  REGENERATE_COMMAND,
  renderConfigReference,
  undocumentedKeys,
} from '../../scripts/config-reference.ts';

describe('docs/config-reference.md', () => {
  it('gives every key of the config schema a description', () => {
    // A key added without one is missing from the reference's words: give it a `description` in
    // packages/loom/src/config/config-schema.ts.
    expect(undocumentedKeys(), 'keys without a description in config-schema.ts').toEqual([]);
  });

  it('is generated from the current schema', () => {
    const current = readFileSync(CONFIG_REFERENCE_PATH, 'utf8');
    expect(
      current === renderConfigReference(),
      `docs/config-reference.md is stale: run \`${REGENERATE_COMMAND}\``,
    ).toBe(true);
  });

  it('lists nested, map and list keys with their defaults and allowed values', () => {
    const text = renderConfigReference();
    for (const key of configKeys()) {
      expect(text).toContain(key.path.includes('.') ? `| \`${key.path}\` |` : `## \`${key.path}\``);
    }
    expect(text).toContain('| `app.name` | string | **required** |');
    expect(text).toContain('| `database.sync` | enum | `"create"` | `create`, `migrate`, `none` |');
    expect(text).toContain('| `jobs.overrides.<name>.retries` | integer | — | ≥ 0 |');
    expect(text).toContain('| `auth.apiKeys.keys[].sha256` | string |');
    expect(text).toContain('| `app.rest.title` | string | — |');
  });

  it('finds a key without a description (the check can fail)', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'string', description: 'x' }, b: { type: 'integer' } },
    };
    expect(
      configKeys(schema)
        .filter((k) => k.description === undefined)
        .map((k) => k.path),
    ).toEqual(['b']);
  });
});
