import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.ts';
import { parseDatabaseUrl } from './database-url.ts';

describe('parseDatabaseUrl', () => {
  it.each([
    ['postgres://app:pw@db:5432/store', 'postgres://app:pw@db:5432/store'],
    [
      'postgresql://app:pw@db:5432/store?sslmode=require',
      'postgresql://app:pw@db:5432/store?sslmode=require',
    ],
    ['postgresql+asyncpg://app:pw@db:5432/store', 'postgresql://app:pw@db:5432/store'],
    ['postgres+psycopg://127.0.0.1/test', 'postgres://127.0.0.1/test'],
  ])('reads %s as PostgreSQL', (url, connectionString) => {
    expect(parseDatabaseUrl(url)).toEqual({ dialect: 'postgres', connectionString });
  });

  it.each([
    ['sqlite:./file.db', './file.db'],
    ['sqlite:file.db', 'file.db'],
    ['sqlite:/var/lib/loom/file.db', '/var/lib/loom/file.db'],
    ['sqlite::memory:', ':memory:'],
    ['sqlite:///./file.db', './file.db'],
    ['sqlite:////var/lib/loom/file.db', '/var/lib/loom/file.db'],
    ['sqlite+aiosqlite:///./file.db', './file.db'],
    ['sqlite+aiosqlite:///:memory:', ':memory:'],
    ['sqlite://', ':memory:'],
  ])('reads %s as SQLite file %s', (url, filename) => {
    expect(parseDatabaseUrl(url)).toEqual({ dialect: 'sqlite', filename });
  });

  it.each([
    'mysql://root@localhost/db',
    'store.db',
    '',
    'sqlite:',
    'sqlite://./file.db',
    'sqlite:./file.db?mode=ro',
    'postgres://[bad',
  ])('rejects %j with a ConfigError', (url) => {
    expect(() => parseDatabaseUrl(url)).toThrow(ConfigError);
  });

  it('masks the password in its error message', () => {
    expect(() => parseDatabaseUrl('mysql://root:hunter2@localhost/db')).toThrow(
      'Invalid database URL "mysql://root:***@localhost/db"',
    );
  });
});
