// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings hold loom ${…} interpolations, not template literals
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../errors/index.ts';
import { loadConfig, loadConfigSync, loadRawConfig } from './load-yaml-config.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'loom-config-'));
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

/** Writes `text` to `name` (relative to the temp dir, folders created) and returns the absolute path. */
async function write(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  return file;
}

async function configErrorOf(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('loadConfig: includes', () => {
  it('merges includes in list order, deep for mappings, lists replaced, the including file last', async () => {
    await write(
      'base.yaml',
      [
        'app: { name: base, rest: { port: 8001, host: 0.0.0.0 } }',
        'database: { url: "sqlite::memory:", poolSize: 5, logStatements: true }',
        'jobs: { queues: [default, emails] }',
      ].join('\n'),
    );
    await write('override.yaml', 'database: { poolSize: 7 }\njobs: { queues: [reports] }\n');
    const api = await write(
      'api.yaml',
      'includes: [base.yaml, override.yaml]\napp: { name: api, rest: { port: 9000 } }\n',
    );
    const config = await loadConfig(api);
    expect(config.app.name).toBe('api'); // the including file wins over its includes
    expect(config.app.rest.port).toBe(9000);
    expect(config.app.rest.host).toBe('0.0.0.0'); // deep merge keeps the sibling from base
    expect(config.database.poolSize).toBe(7); // the later include wins
    expect(config.database.logStatements).toBe(true);
    expect(config.jobs.queues).toEqual(['reports']); // lists are replaced, not concatenated
  });

  it('resolves include paths relative to the including file, also from a subfolder', async () => {
    await write('common/db.yaml', 'database: { poolSize: 3 }\n');
    await write('config/shared/base.yaml', 'includes: [../../common/db.yaml]\napp: { name: shared }\n');
    const api = await write('config/api.yaml', 'includes: [shared/base.yaml]\nmetrics: { path: /m }\n');
    const config = await loadConfig(api);
    expect(config.app.name).toBe('shared');
    expect(config.database.poolSize).toBe(3);
    expect(config.metrics.path).toBe('/m');
  });

  it("loads an include's own includes before it", async () => {
    await write('a.yaml', 'app: { name: a, rest: { title: from-a, version: "1" } }\n');
    await write('b.yaml', 'includes: [a.yaml]\napp: { rest: { title: from-b } }\n');
    const top = await write('top.yaml', 'includes: [b.yaml]\n');
    const config = await loadConfig(top);
    expect(config.app.rest.title).toBe('from-b');
    expect(config.app.rest.version).toBe('1');
  });

  it('interpolates include paths', async () => {
    vi.stubEnv('LOOM_TEST_PROFILE', 'prod');
    await write('prod.yaml', 'app: { name: prod-app }\n');
    const top = await write('top.yaml', 'includes: ["${env:LOOM_TEST_PROFILE}.yaml"]\n');
    expect((await loadConfig(top)).app.name).toBe('prod-app');
  });

  it('allows the same file twice without a cycle (diamond)', async () => {
    await write('shared.yaml', 'app: { name: shared }\n');
    await write('left.yaml', 'includes: [shared.yaml]\n');
    await write('right.yaml', 'includes: [shared.yaml]\n');
    const top = await write('top.yaml', 'includes: [left.yaml, right.yaml]\n');
    expect((await loadConfig(top)).app.name).toBe('shared');
  });

  it('detects an include cycle and shows the chain of files', async () => {
    const a = await write('a.yaml', 'includes: [b.yaml]\napp: { name: a }\n');
    const b = await write('sub/../b.yaml', 'includes: [c.yaml]\n');
    const c = await write('c.yaml', 'includes: [a.yaml]\n');
    const error = await configErrorOf(loadConfig(a));
    expect(error.message).toContain('Circular include');
    expect(error.message).toContain(`${a} → ${b} → ${c} → ${a}`);
  });

  it('detects a file that includes itself', async () => {
    const self = await write('self.yaml', 'includes: [./self.yaml]\n');
    const error = await configErrorOf(loadConfig(self));
    expect(error.message).toContain(`Circular include: ${self} → ${self}`);
  });

  it('reports a missing include with the file that included it', async () => {
    const top = await write('top.yaml', 'includes: [nope.yaml]\napp: { name: x }\n');
    const error = await configErrorOf(loadConfig(top));
    expect(error.message).toContain(`Configuration file not found: ${path.join(dir, 'nope.yaml')}`);
    expect(error.message).toContain(`included from ${top}`);
  });

  it('reports a missing top-level file', async () => {
    const missing = path.join(dir, 'absent.yaml');
    const error = await configErrorOf(loadConfig(missing));
    expect(error.message).toBe(`Configuration file not found: ${missing}`);
  });

  it('rejects an includes key that is not a list of paths', async () => {
    const top = await write('top.yaml', 'includes: { a: 1 }\n');
    const error = await configErrorOf(loadConfig(top));
    expect(error.message).toContain('includes');
    expect(error.message).toContain(`${top}:1`);
  });
});

describe('loadConfig: several files, errors, defaults', () => {
  it('merges several top-level paths left to right', async () => {
    const one = await write('one.yaml', 'app: { name: one }\nlogger: { level: debug, pretty: true }\n');
    const two = await write('two.yaml', 'logger: { level: warn }\n');
    const config = await loadConfig(one, two);
    expect(config.logger).toEqual({ level: 'warn', pretty: true, requestLogging: true });
  });

  it('applies every default to a minimal file', async () => {
    const file = await write('min.yaml', 'app:\n  name: store\n');
    const config = await loadConfig(file);
    expect(config.database).toEqual({
      // The default `sqlite:./loom.db`, next to the config file.
      url: `sqlite:${path.join(dir, 'loom.db')}`,
      poolSize: 10,
      logStatements: false,
      profileReads: 'joined',
      preparedStatements: true,
      applicationName: 'loom',
      connectTimeoutMs: 5_000,
      statementTimeoutMs: 30_000,
      idleInTransactionTimeoutMs: 60_000,
      sync: 'create',
    });
    expect(config.app.rest.docsPath).toBe('/docs');
    expect(config.jobs.backend).toBe('inprocess');
  });

  it('names the key path, the file and the line of an unknown key, even in an included file', async () => {
    await write('base.yaml', 'app:\n  name: store\ndatabase:\n  url: "sqlite::memory:"\n  pool_size: 4\n');
    const api = await write('api.yaml', 'includes: [base.yaml]\n');
    const error = await configErrorOf(loadConfig(api));
    expect(error.message).toContain('database.pool_size');
    expect(error.message).toContain(`${path.join(dir, 'base.yaml')}:5`);
    expect(error.message).toContain('did you mean "poolSize"');
  });

  it('names the file that set a wrongly typed key last', async () => {
    await write('base.yaml', 'app: { name: store }\ndatabase: { poolSize: 4 }\n');
    const api = await write('api.yaml', 'includes: [base.yaml]\ndatabase:\n  poolSize: lots\n');
    const error = await configErrorOf(loadConfig(api));
    expect(error.message).toContain(`database.poolSize (${api}:3): must be an integer, got "lots"`);
  });

  it('reports a missing environment variable with the key path and file', async () => {
    const file = await write(
      'api.yaml',
      'app: { name: store }\ndatabase:\n  url: ${env:LOOM_TEST_UNSET_DB_URL}\n',
    );
    const error = await configErrorOf(loadConfig(file));
    expect(error.message).toContain(`database.url (${file}:3)`);
    expect(error.message).toContain('LOOM_TEST_UNSET_DB_URL is not set');
  });

  it('interpolates after merging: typed decode, env strings coerced, overridden interpolations harmless', async () => {
    vi.stubEnv('LOOM_TEST_PORT', '9100');
    vi.stubEnv('LOOM_TEST_LOG_SQL', 'true');
    await write('base.yaml', 'database:\n  url: ${env:LOOM_TEST_UNSET_DB_URL}\n');
    const api = await write(
      'api.yaml',
      [
        'includes: [base.yaml]',
        'app: { name: store, rest: { port: "${oc.decode:${oc.env:LOOM_TEST_PORT,8000}}" } }',
        'database: { url: "sqlite::memory:", logStatements: "${env:LOOM_TEST_LOG_SQL}" }',
      ].join('\n'),
    );
    const config = await loadConfig(api);
    expect(config.app.rest.port).toBe(9100);
    expect(config.database.logStatements).toBe(true);
    expect(config.database.url).toBe('sqlite::memory:');
  });

  it('reports YAML syntax errors and duplicate keys with the file and line', async () => {
    const broken = await write('broken.yaml', 'app:\n  name: [unclosed\n');
    expect((await configErrorOf(loadConfig(broken))).message).toMatch(/Invalid YAML in .*broken\.yaml:\d+: /);
    const dup = await write('dup.yaml', 'app: { name: a }\napp: { name: b }\n');
    expect((await configErrorOf(loadConfig(dup))).message).toContain(`Invalid YAML in ${dup}:2`);
  });

  it('rejects a file whose top level is not a mapping', async () => {
    const list = await write('list.yaml', '- a\n- b\n');
    expect((await configErrorOf(loadConfig(list))).message).toContain('top level must be a mapping');
  });

  it('requires at least one path', async () => {
    expect((await configErrorOf(loadConfig())).message).toContain('No configuration file given');
  });

  it('resolves relative top-level paths from the working directory', async () => {
    await write('rel/app.yaml', 'app: { name: relative }\n');
    const relative = path.relative(process.cwd(), path.join(dir, 'rel/app.yaml'));
    expect((await loadConfig(relative)).app.name).toBe('relative');
  });
});

describe('loadConfigSync and loadRawConfig', () => {
  it('loadConfigSync gives the same result as loadConfig', async () => {
    await write('base.yaml', 'app: { name: sync }\njobs: { concurrency: 2 }\n');
    const api = await write('api.yaml', 'includes: [base.yaml]\njobs: { queues: [a, b] }\n');
    expect(loadConfigSync(api)).toEqual(await loadConfig(api));
  });

  it('loadRawConfig returns the merged tree without defaults, with the origin of each key', async () => {
    await write('base.yaml', 'app:\n  name: raw\n');
    const api = await write('api.yaml', 'includes: [base.yaml]\napp:\n  rest:\n    port: ${env:PORT}\n');
    const raw = await loadRawConfig([api], { env: { PORT: '81' } });
    expect(raw.value).toEqual({ app: { name: 'raw', rest: { port: '81' } } });
    expect(raw.sources.locate(['app', 'name'])).toBe(`${path.join(dir, 'base.yaml')}:2`);
    expect(raw.sources.locate(['app', 'rest', 'port'])).toBe(`${api}:4`);
    expect(raw.sources.files).toEqual([path.join(dir, 'base.yaml'), api]);
  });
});

describe('SQLite paths in database.url start at the first config file, like module paths', () => {
  it('anchors a relative file (given, from the environment, or the default) at the first file’s folder', async () => {
    const first = await write(
      'app/config/api.yaml',
      'app:\n  name: shop\ndatabase:\n  url: sqlite:../shop.db\n',
    );
    expect((await loadConfig(first)).database.url).toBe(`sqlite:${path.join(dir, 'app', 'shop.db')}`);
    expect(loadConfigSync(first).database.url).toBe(`sqlite:${path.join(dir, 'app', 'shop.db')}`);

    const defaulted = await write('other/loom.yaml', 'app:\n  name: shop\n');
    expect((await loadConfig(defaulted)).database.url).toBe(`sqlite:${path.join(dir, 'other', 'loom.db')}`);

    vi.stubEnv('DATABASE_URL', 'sqlite:data/env.db');
    const fromEnv = await write(
      'env/api.yaml',
      'app:\n  name: shop\ndatabase:\n  url: ${env:DATABASE_URL}\n',
    );
    // A later file does not move the anchor: paths start at the first file, as modules do.
    const overlay = await write('elsewhere/overlay.yaml', 'app:\n  rest:\n    port: 1\n');
    expect((await loadConfig(fromEnv, overlay)).database.url).toBe(
      `sqlite:${path.join(dir, 'env', 'data', 'env.db')}`,
    );
  });

  it('leaves absolute paths, in-memory databases and PostgreSQL URLs alone', async () => {
    for (const url of ['sqlite::memory:', 'sqlite:/var/lib/shop.db', 'postgres://u@h:5432/db']) {
      const file = await write('c/api.yaml', `app:\n  name: shop\ndatabase:\n  url: "${url}"\n`);
      expect((await loadConfig(file)).database.url).toBe(url);
    }
  });
});
