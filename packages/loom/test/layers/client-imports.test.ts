import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLIENT = fileURLToPath(new URL('../../src/client/', import.meta.url));

describe('loom-kernel/client', () => {
  it('imports only types from the rest of the framework (a browser bundle gets src/client alone)', () => {
    const valueImports: string[] = [];
    for (const file of readdirSync(CLIENT).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(CLIENT, file), 'utf8');
      for (const m of text.matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+'(\.\.\/[^']+)'/gms))
        if (m[2] === undefined) valueImports.push(`${file}: ${m[3]}`);
    }
    expect(valueImports).toEqual([]);
  });
});
