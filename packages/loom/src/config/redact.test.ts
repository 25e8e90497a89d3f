import { describe, expect, it } from 'vitest';
import { isSecretKey, redactConfig, redactUrl } from './redact.ts';
import { resolveConfig } from './resolve-config.ts';

describe('redactUrl', () => {
  it('masks the password of the user-info, keeping user, host, path and harmless parameters', () => {
    expect(redactUrl('postgresql+asyncpg://loom:hunter2@db:5432/store?sslmode=require')).toBe(
      'postgresql+asyncpg://loom:***@db:5432/store?sslmode=require',
    );
    expect(redactUrl('redis://:s3cret@cache:6379/0')).toBe('redis://:***@cache:6379/0');
  });

  it('masks a password that itself contains "@" or "/"', () => {
    expect(redactUrl('postgres://app:p@ss/w@db/store')).toBe('postgres://app:***@db/store');
  });

  it('masks secret query parameters', () => {
    expect(redactUrl('postgres://db/store?user=app&password=pw&sslmode=verify-full')).toBe(
      'postgres://db/store?user=app&password=***&sslmode=verify-full',
    );
  });

  it('leaves URLs without a password and non-URLs unchanged', () => {
    expect(redactUrl('postgres://app@db/store')).toBe('postgres://app@db/store');
    expect(redactUrl('sqlite:./loom.db')).toBe('sqlite:./loom.db');
  });
});

describe('isSecretKey', () => {
  it('recognises secret, password, token and key-like names and nothing else', () => {
    for (const key of [
      'cursorSecret',
      'password',
      'db_passwd',
      'apiToken',
      'api_key',
      'privateKey',
      'credentials',
    ]) {
      expect(isSecretKey(key), key).toBe(true);
    }
    for (const key of ['poolSize', 'url', 'name', 'path', 'keyspace'])
      expect(isSecretKey(key), key).toBe(false);
  });
});

describe('redactConfig', () => {
  it('masks secret keys and URL passwords in a resolved config, leaving the rest and the input intact', () => {
    const config = resolveConfig({
      app: { name: 'store', cursorSecret: 'a-very-long-cursor-secret' },
      database: { url: 'postgres://app:hunter2@db:5432/store' },
      jobs: { backend: 'bullmq', redisUrl: 'redis://default:r3dis@cache:6379' },
    });
    const safe = redactConfig(config);
    expect(safe.app.cursorSecret).toBe('***');
    expect(safe.database.url).toBe('postgres://app:***@db:5432/store');
    expect(safe.jobs.redisUrl).toBe('redis://default:***@cache:6379');
    expect(safe.database.poolSize).toBe(10);
    expect(safe.app.name).toBe('store');
    expect(config.app.cursorSecret).toBe('a-very-long-cursor-secret');
    expect(config.database.url).toBe('postgres://app:hunter2@db:5432/store');
    expect(JSON.stringify(safe)).not.toMatch(/hunter2|r3dis|a-very-long/);
  });

  it('masks everything below a secret key and URLs embedded in longer strings', () => {
    expect(
      redactConfig({
        credentials: { user: 'u', pass: 'p', nested: ['x'] },
        note: 'primary=postgres://u:pw@h/db, replica=postgres://u:pw2@h2/db',
        token: null,
        apiKey: '',
      }),
    ).toEqual({
      credentials: { user: '***', pass: '***', nested: ['***'] },
      note: 'primary=postgres://u:***@h/db, replica=postgres://u:***@h2/db',
      token: null,
      apiKey: '',
    });
  });
});
