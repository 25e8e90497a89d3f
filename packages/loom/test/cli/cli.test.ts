import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, STORE_API, storeOverlay, tempDir } from '../observability/store-app.ts';
import { cli } from './run-cli.ts';

describe('loom: usage and exit codes', () => {
  it('prints the command list with --help (0) and without a command (2)', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    for (const command of [
      'serve [--workers N]',
      'worker',
      'db sync',
      'db migrate',
      'db make-migration',
      'routes',
      'openapi',
    ]) {
      expect(help.stdout).toContain(command);
    }
    expect(help.stdout).toContain('Exit codes: 0 ok, 1 failure, 2 usage error.');
    expect(await cli()).toMatchObject({ code: 2, stdout: help.stdout });
  });

  it.each([
    ['serve', 'Usage: loom serve [--workers N]'],
    ['worker', 'Usage: loom worker'],
    ['db', 'Usage: loom db <sync|migrate|make-migration>'],
    ['routes', 'Usage: loom routes <config.yaml>...'],
    ['openapi', 'Usage: loom openapi [--out F] [--check]'],
  ])('loom %s --help explains the command', async (command, usage) => {
    const r = await cli(command, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(usage)).toBe(true);
  });

  it('answers usage mistakes with exit code 2 and a pointer to --help', async () => {
    const cases: string[][] = [
      ['nope'],
      ['routes'],
      ['routes', '--bogus', STORE_API],
      ['serve', '--workers', 'two', STORE_API],
      ['serve', '--port', '70000', STORE_API],
      ['db'],
      ['db', 'drop', STORE_API],
      ['db', 'sync', '--dir', 'x', STORE_API],
      ['openapi', '--check', STORE_API],
    ];
    for (const argv of cases) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
    }
    expect((await cli('routes')).stderr).toBe(
      'loom routes: pass at least one config file (e.g. loom routes config/api.yaml)\nRun "loom routes --help" for usage.\n',
    );
    expect((await cli('serve', '--workers', '0', STORE_API)).stderr).toMatch(
      /^--workers must be a positive integer, got "0"/,
    );
  });

  it('answers failures with exit code 1 and the reason', async () => {
    const r = await cli('routes', '/nowhere/api.yaml');
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toBe('loom routes: Configuration file not found: /nowhere/api.yaml\n');
  });

  it('prints its version', async () => {
    const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'packages/loom/package.json'), 'utf8')) as {
      version: string;
    };
    expect(await cli('--version')).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });
});

describe('loom routes', () => {
  it('prints method, path, use case and status, sorted by path then method', async () => {
    const r = await cli('routes', STORE_API);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^METHOD +PATH +USE CASE +STATUS$/);
    const rows = lines.slice(1).map((l) => l.split(/ {2,}/));
    expect(rows).toContainEqual([
      'POST',
      '/products/{productId}/jobs/restock-email',
      'DispatchRestockEmail',
      '202',
    ]);
    expect(rows).toContainEqual(['POST', '/users', 'CreateUser', '201']);
    expect(rows).toContainEqual(['DELETE', '/users/{userId}', 'DeleteUser', '200']);
    const order = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
    const key = (row: string[]) => `${row[1]}\u0000${order.indexOf(row[0]!)}`;
    expect(rows.map(key)).toEqual([...rows.map(key)].sort());
    // Same table as the served OpenAPI document's operations.
    const doc = JSON.parse((await cli('openapi', STORE_API)).stdout) as { paths: Record<string, object> };
    expect(rows.length).toBe(Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0));
  });
});

describe('loom openapi', () => {
  const tmp = tempDir('loom-openapi-');
  afterAll(async () => (await tmp).dispose());

  it('writes the document, then --check passes on it and fails once it is stale', async () => {
    const file = join((await tmp).path, 'docs', 'openapi.json');
    expect(await cli('openapi', '--out', file, STORE_API)).toMatchObject({
      code: 0,
      stdout: `wrote ${file}\n`,
    });
    const doc = JSON.parse(await readFile(file, 'utf8')) as { openapi: string; info: { title: string } };
    expect(doc).toMatchObject({ openapi: '3.1.0', info: { title: 'Loom store' } });
    expect(await cli('openapi', '--out', file, '--check', STORE_API)).toMatchObject({ code: 0 });
    // Re-indented by a formatter: still the same document.
    await writeFile(file, JSON.stringify(doc));
    expect((await cli('openapi', '--out', file, '--check', STORE_API)).code).toBe(0);
    await writeFile(file, JSON.stringify({ ...doc, info: { ...doc.info, title: 'Old title' } }));
    const stale = await cli('openapi', '--out', file, '--check', STORE_API);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(`${file} differs from the application's OpenAPI document`);
  });
});

describe('loom db sync / migrate (SQLite file)', () => {
  const tmp = tempDir('loom-db-');
  let overlay: string;
  beforeAll(async () => {
    overlay = await storeOverlay((await tmp).path);
  });
  afterAll(async () => (await tmp).dispose());

  it('db sync creates the missing tables, once', async () => {
    expect(await cli('db', 'sync', STORE_API, overlay)).toMatchObject({
      code: 0,
      stdout:
        'created tables: users, addresses, products, tags, product_tags, orders, order_items, loom_outbox\n',
    });
    expect(await cli('db', 'sync', STORE_API, overlay)).toMatchObject({
      code: 0,
      stdout: 'every table exists already\n',
    });
  });

  it('db migrate applies pending migrations, then has none left; no folder is a failure', async () => {
    const root = (await tmp).path;
    const dir = join(root, 'migrations');
    const missing = await cli('db', 'migrate', '--dir', dir, STORE_API, overlay);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`no migrations folder at ${dir}`);
    expect((await cli('db', 'make-migration', '--dir', dir, STORE_API)).code).toBe(0);
    // A database of its own (the sync test's one has the tables already).
    const migrated = join(root, 'migrated.yaml');
    await writeFile(migrated, `database:\n  url: "sqlite:${join(root, 'migrated.db')}"\n`);
    expect(await cli('db', 'migrate', '--dir', dir, STORE_API, migrated)).toMatchObject({
      code: 0,
      stdout: 'applied: 0001_initial\n',
    });
    expect(await cli('db', 'migrate', '--dir', dir, STORE_API, migrated)).toMatchObject({
      code: 0,
      stdout: 'no pending migrations\n',
    });
  });
});

describe('npx loom from the repository root', () => {
  it('runs the compiled bin and prints the same routes as in-process', async () => {
    const { stdout } = await promisify(execFile)(
      'npx',
      ['loom', 'routes', 'examples/store/config/api.yaml'],
      {
        cwd: REPO_ROOT,
      },
    );
    expect(stdout).toBe((await cli('routes', STORE_API)).stdout);
  });
});
