import { cpSync, existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CliContext, EXIT, parseCommand, UsageError } from './cli-context.ts';
import { NEW_HELP } from './help.ts';

// Shipped in the package (package.json "files"): two levels up from src/cli and from dist/cli alike.
const TEMPLATE = fileURLToPath(new URL('../../templates/app/', import.meta.url));
const PACKAGE_JSON = new URL('../../package.json', import.meta.url);

/** An npm package name from a folder name: lower case, URL-safe characters only. */
function packageNameOf(dir: string): string {
  const name = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|[-]+$/g, '');
  return name === '' ? 'loom-app' : name;
}

/** Every file under `dir`, depth first. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * The scaffolded app's package.json. `start` runs the entry with Node's own type stripping (no
 * TypeScript loader, so SIGTERM reaches the server); `test` is Node's test runner, so the app needs no
 * test framework of its own.
 */
function appPackageJson(name: string, loomSpec: string): string {
  const manifest = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: '>=22.18' },
    scripts: {
      start: 'node src/main.ts',
      dev: 'loom dev src/main.ts',
      test: "node --test 'test/**/*.test.ts'",
    },
    dependencies: { 'loom-kernel': loomSpec },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** `loom new <dir> [--name N] [--loom-spec S]` */
export async function newCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    name: { type: 'string' },
    'loom-spec': { type: 'string' },
  });
  if (values.help) {
    ctx.stdout(NEW_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1)
    throw new UsageError('loom new takes exactly one folder, e.g. loom new my-app');
  const target = resolve(positionals[0] as string);
  if (existsSync(target) && (!statSync(target).isDirectory() || readdirSync(target).length > 0)) {
    ctx.stderr(
      `loom new: ${target} ${statSync(target).isDirectory() ? 'is not empty' : 'is a file'}; ` +
        'choose a new folder (loom new never overwrites files)\n',
    );
    return EXIT.failure;
  }
  const name = values.name ?? packageNameOf(target);
  const { version } = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version: string };
  const loomSpec = values['loom-spec'] ?? `^${version}`;

  cpSync(TEMPLATE, target, { recursive: true });
  for (const file of filesUnder(target)) {
    const text = readFileSync(file, 'utf8');
    if (text.includes('__APP_NAME__')) writeFileSync(file, text.replaceAll('__APP_NAME__', name));
  }
  // npm leaves files named .gitignore out of a package, so the template ships it without the dot.
  renameSync(join(target, 'gitignore'), join(target, '.gitignore'));
  writeFileSync(join(target, 'package.json'), appPackageJson(name, loomSpec));

  const where = relative(process.cwd(), target) || '.';
  ctx.stdout(
    `Created ${name} in ${target}\n\n` +
      `  cd ${where}\n` +
      '  npm install && npm start    # http://127.0.0.1:8000/tasks\n' +
      '  npm test\n',
  );
  return EXIT.ok;
}
