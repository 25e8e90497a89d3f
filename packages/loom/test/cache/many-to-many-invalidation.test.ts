/**
 * Cached reads of a profile with a many-to-many relation depend on the link table: links written by
 * `repo.links(…)` (or by the link model's own repository) invalidate them once committed, and a
 * relation filter through the link is invalidated by link writes too.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { Article, Label, M2M_MODELS } from '../relations/many-to-many-models.ts';
import { DIALECTS } from '../support/dialects.ts';
import { useDatabase } from '../support/fixture.ts';
import { createMemoryStore, createRepositoryCache, Kernel, where } from '../support/internals.ts';
import { CURSOR_SECRET } from '../support/models.ts';
import { counted } from './support.ts';

const PAGE = { pagination: { mode: 'offset', page: 1, limit: 10 } } as const;

describe.each(DIALECTS)('cache invalidation through a link table on %s', (dialect) => {
  const fx = useDatabase(dialect, M2M_MODELS);
  let kernel: Kernel;
  const articles = () => kernel.services.repos(Article);

  beforeEach(async () => {
    const cache = createRepositoryCache({ store: createMemoryStore() });
    kernel = new Kernel({ db: fx.db, cursorSecret: CURSOR_SECRET, cache });
    for (const name of ['red', 'green']) await kernel.services.repos(Label).create({ name });
    await articles().create({ title: 'a1' });
  });

  it('link writes invalidate cached profile reads and filtered lists', async () => {
    const read = () => articles().getById(1, { profile: 'withLabels' });
    const red = () => articles().list({ ...PAGE, filter: where('labels.name', 'eq', 'red') });
    expect((await read())?.labels).toEqual([]);
    expect((await red()).items).toEqual([]);
    // Cached: no statements.
    expect((await counted(fx.db, read)).statements).toEqual([]);
    expect((await counted(fx.db, red)).statements).toEqual([]);
    await articles().links('labels').set(1, [1]);
    expect((await read())?.labels.map((l) => l.name)).toEqual(['red']);
    expect((await red()).items.map((a) => a.id)).toEqual([1]);
    await articles().links('labels').remove(1, [1]);
    expect((await read())?.labels).toEqual([]);
    expect((await red()).items).toEqual([]);
  });
});
