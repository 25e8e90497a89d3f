import { describe, expect, it } from 'vitest';
import { resolveConfig } from './resolve-config.ts';
import { assertSecretsSet, environmentOf, isPlaceholderSecret, placeholderSecrets } from './secret-checks.ts';

const STORE_DEFAULT = 'store-dev-cursor-secret-change-me';

describe('placeholder secrets', () => {
  it('recognises the committed default and the usual stand-ins, not real secrets', () => {
    for (const value of [STORE_DEFAULT, 'changeme', 'CHANGE_ME', 'secret', 'xxxxxxxx', 'placeholder-key'])
      expect(isPlaceholderSecret(value), value).toBe(true);
    for (const value of ['q8Zk3v0T1s9yW2bL', 'a-long-dashboard-token-for-tests'])
      expect(isPlaceholderSecret(value), value).toBe(false);
  });

  it('finds them in secret keys and in URL passwords', () => {
    const config = resolveConfig({
      app: { name: 'store', cursorSecret: STORE_DEFAULT },
      database: { url: 'postgres://app:changeme@db.internal/store' },
    });
    expect(placeholderSecrets(config)).toEqual([
      ['app', 'cursorSecret'],
      ['database', 'url'],
    ]);
  });

  it('refuse to boot outside development with a message naming the keys; development and test accept them', () => {
    const config = resolveConfig({ app: { name: 'store', cursorSecret: STORE_DEFAULT } });
    expect(() => assertSecretsSet(config, { NODE_ENV: 'production' })).toThrow(
      /Refusing to start in environment "production": app\.cursorSecret is still a placeholder/,
    );
    expect(() => assertSecretsSet(config, {})).not.toThrow(); // no NODE_ENV: development
    expect(() => assertSecretsSet(config, { NODE_ENV: 'test' })).not.toThrow();
    const staged = resolveConfig({ app: { name: 'store', cursorSecret: STORE_DEFAULT, env: 'staging' } });
    expect(environmentOf(staged, { NODE_ENV: 'development' })).toBe('staging');
    expect(() => assertSecretsSet(staged, {})).toThrow(/"staging"/);
    const real = resolveConfig({ app: { name: 'store', cursorSecret: 'q8Zk3v0T1s9yW2bLq8Zk3v0T' } });
    expect(() => assertSecretsSet(real, { NODE_ENV: 'production' })).not.toThrow();
  });
});
