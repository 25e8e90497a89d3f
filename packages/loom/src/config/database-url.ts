import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../errors/index.ts';
import { redactUrl } from './redact.ts';

/** The database a URL points at, in the shape `openDatabase` takes. */
export type DatabaseTarget =
  | { readonly dialect: 'postgres'; readonly connectionString: string }
  | { readonly dialect: 'sqlite'; readonly filename: string };

const POSTGRES = /^(postgres|postgresql)(\+[a-z0-9_]+)?:\/\//i;
const SQLITE = /^sqlite(\+[a-z0-9_]+)?:/i;

/**
 * Reads a database URL, in loom's spelling or in loom-py's SQLAlchemy spelling:
 *
 * | URL | result |
 * |---|---|
 * | `postgres://u:p@host:5432/db`, `postgresql://…` | PostgreSQL, the URL as given |
 * | `postgresql+asyncpg://…` (any `+driver`) | PostgreSQL, the driver suffix dropped |
 * | `sqlite:./file.db`, `sqlite:file.db`, `sqlite:/abs/file.db` | SQLite file (loadConfig: relative to the first config file's folder) |
 * | `sqlite::memory:` | SQLite in memory |
 * | `sqlite:///./file.db`, `sqlite+aiosqlite:///./file.db` | SQLite file `./file.db` (SQLAlchemy: three slashes, then the path) |
 * | `sqlite:////abs/file.db` | SQLite file `/abs/file.db` |
 * | `sqlite+aiosqlite:///:memory:`, `sqlite://` | SQLite in memory |
 *
 * Anything else is a `ConfigError` (whose message masks the URL's password).
 *
 * @example
 * ```ts
 * parseDatabaseUrl('postgresql+asyncpg://app:pw@db:5432/store');
 * // { dialect: 'postgres', connectionString: 'postgresql://app:pw@db:5432/store' }
 * parseDatabaseUrl('sqlite+aiosqlite:///./store.db'); // { dialect: 'sqlite', filename: './store.db' }
 * parseDatabaseUrl('sqlite::memory:'); // { dialect: 'sqlite', filename: ':memory:' }
 * ```
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const trimmed = url.trim();
  const postgres = POSTGRES.exec(trimmed);
  if (postgres) {
    const connectionString = `${postgres[1]!.toLowerCase()}://${trimmed.slice(postgres[0].length)}`;
    if (!URL.canParse(connectionString)) throw invalid(url, 'not a valid URL');
    return { dialect: 'postgres', connectionString };
  }
  const sqlite = SQLITE.exec(trimmed);
  if (sqlite) return { dialect: 'sqlite', filename: sqliteFilename(url, trimmed.slice(sqlite[0].length)) };
  throw invalid(url, 'expected postgres://…, postgresql://…, sqlite:./file.db or sqlite::memory:');
}

function sqliteFilename(url: string, rest: string): string {
  let filename: string;
  if (rest.startsWith('//')) {
    // SQLAlchemy form: sqlite://<host>/<path>, the host always empty.
    const afterSlashes = rest.slice(2);
    if (afterSlashes === '') return ':memory:';
    if (!afterSlashes.startsWith('/')) {
      throw invalid(
        url,
        'write sqlite:///relative/file.db or sqlite:////absolute/file.db (three slashes, then the path)',
      );
    }
    filename = afterSlashes.slice(1);
  } else {
    filename = rest;
  }
  if (filename.includes('?')) throw invalid(url, 'query parameters are not supported for SQLite');
  if (filename === '') throw invalid(url, 'no file name (use sqlite::memory: for an in-memory database)');
  return filename;
}

function invalid(url: string, reason: string): ConfigError {
  return new ConfigError(`Invalid database URL "${redactUrl(url)}": ${reason}`);
}

/**
 * A SQLite URL whose relative file path is anchored at `baseDir` (the first config file's folder, where
 * module paths start too), so the database does not depend on the working directory. Absolute paths,
 * in-memory databases, other dialects and URLs that do not parse are returned unchanged.
 *
 * @example
 * ```ts
 * anchorSqliteUrl('sqlite:../store.db', '/srv/store/config'); // 'sqlite:/srv/store/store.db'
 * anchorSqliteUrl('sqlite::memory:', '/srv/store/config');    // 'sqlite::memory:'
 * ```
 */
export function anchorSqliteUrl(url: string, baseDir: string): string {
  let target: DatabaseTarget;
  try {
    target = parseDatabaseUrl(url);
  } catch {
    return url; // reported, with its reason, when the database is opened
  }
  if (target.dialect !== 'sqlite' || target.filename === ':memory:' || isAbsolute(target.filename))
    return url;
  return `sqlite:${resolve(baseDir, target.filename)}`;
}
