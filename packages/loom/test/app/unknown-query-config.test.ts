import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningStore, send, startStore } from '../observability/store-app.ts';

// app.rest.unknownQuery from YAML reaches every interface that sets nothing itself
// (docs/decisions/0018-unknown-query-parameters.md); the behaviour on both dialects is tested in
// test/rest/unknown-query.test.ts, this checks the config wiring through createApp.
describe('app.rest.unknownQuery in YAML', () => {
  let strict: RunningStore;
  let lenient: RunningStore;
  beforeAll(async () => {
    strict = await startStore({ extraYaml: 'app:\n  rest:\n    unknownQuery: reject\n' });
    lenient = await startStore();
  });
  afterAll(async () => {
    await strict?.close();
    await lenient?.close();
  });

  it('reject: a cache-buster is a 400 naming it; the default (ignore) lets it pass', async () => {
    const refused = await send(strict.base, 'GET', '/products/low-stock?_=1733400000');
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'LOOM_BAD_REQUEST', parameter: '_' });
    expect((await send(lenient.base, 'GET', '/products/low-stock?_=1733400000')).status).toBe(200);
    // Declared params still bind under reject, in either spelling.
    expect((await send(strict.base, 'GET', '/products/low-stock?max_stock=5&limit=10')).status).toBe(200);
  });

  it('a value other than reject or ignore fails boot naming the key', async () => {
    const error = await startStore({ extraYaml: 'app:\n  rest:\n    unknownQuery: lenient\n' }).catch(
      (e: unknown) => e,
    );
    expect(String((error as Error)?.message ?? error)).toContain('unknownQuery');
  });
});
