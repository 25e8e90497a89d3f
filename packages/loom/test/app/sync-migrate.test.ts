import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assemble } from '../../src/app/assemble.ts';
import { cli } from '../cli/run-cli.ts';
import { type ShelfVersion, writeShelfApp } from '../cli/shelf-versions.ts';
import { captureLogger, tempDir } from '../observability/store-app.ts';

describe('database.sync: migrate', () => {
  const tmp = tempDir('loom-sync-migrate-');
  let configs: Record<ShelfVersion, string>;
  let overlay: string;

  beforeAll(async () => {
    const root = (await tmp).path;
    configs = await writeShelfApp(root);
    overlay = join(root, 'migrate.yaml');
    await writeFile(overlay, 'database:\n  sync: migrate\n');
    expect((await cli('db', 'make-migration', configs.v1)).code).toBe(0);
  });
  afterAll(async () => (await tmp).dispose());

  it('applies the pending migrations of migrations/ next to the first config file at boot', async () => {
    const { logger, lines } = captureLogger('info');
    const first = await assemble([configs.v1, overlay], { logger });
    try {
      const tables = (await first.db.kysely.introspection.getTables()).map((t) => t.name);
      expect(tables).toEqual(expect.arrayContaining(['shelves', 'books', 'loom_outbox']));
      expect(lines.find((l) => l.msg === 'migrations applied')).toMatchObject({ applied: ['0001_initial'] });
    } finally {
      await first.close();
    }
    // v2's migration, written later, is applied by the next boot; nothing is re-applied.
    expect((await cli('db', 'make-migration', configs.v2)).code).toBe(0);
    const next = captureLogger('info');
    const second = await assemble([configs.v2, overlay], { logger: next.logger });
    try {
      const reviews = (await second.db.kysely.introspection.getTables()).find((t) => t.name === 'reviews');
      expect(reviews?.columns.map((c) => c.name).sort()).toEqual(['book_id', 'id', 'stars']);
      expect(next.lines.find((l) => l.msg === 'migrations applied')).toMatchObject({
        applied: ['0002_add_reviews_and_5_more'],
      });
    } finally {
      await second.close();
    }
    const again = captureLogger('info');
    const third = await assemble([configs.v2, overlay], { logger: again.logger });
    await third.close();
    expect(again.lines.filter((l) => l.msg === 'migrations applied')).toEqual([]);
  });
});
