import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { inspectApp } from '../app/inspect-app.ts';
import { routesWithoutResponse } from '../rest/openapi/routes-without-response.ts';
import { type CliContext, configPathsOf, EXIT, parseCommand, UsageError } from './cli-context.ts';
import { OPENAPI_HELP } from './help.ts';

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** `loom openapi [--out F] [--check] [--strict] <config.yaml>...` */
export async function openapiCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommand(args, {
    out: { type: 'string' },
    check: { type: 'boolean' },
    strict: { type: 'boolean' },
  });
  if (values.help) {
    ctx.stdout(OPENAPI_HELP);
    return EXIT.ok;
  }
  if (values.check && values.out === undefined)
    throw new UsageError('loom openapi: --check needs --out F (the file to compare)');
  const { openapi, routes } = await inspectApp(configPathsOf(positionals, 'openapi'));
  if (values.strict) {
    const undocumented = routesWithoutResponse(routes);
    if (undocumented.length > 0) {
      ctx.stderr(
        `loom openapi --strict: ${undocumented.length} routes declare no response schema (declare \`response\`, or 'json' to opt out):\n${undocumented.map((r) => `  ${r}\n`).join('')}`,
      );
      return EXIT.failure;
    }
  }
  const text = `${JSON.stringify(openapi, null, 2)}\n`;
  if (values.out === undefined) {
    ctx.stdout(text);
    return EXIT.ok;
  }
  const file = resolve(values.out);
  if (values.check) {
    // Compared as JSON: a formatter may have re-indented the committed file.
    if (isDeepStrictEqual(await readJson(file), JSON.parse(text))) {
      ctx.stdout(`${values.out} is up to date\n`);
      return EXIT.ok;
    }
    ctx.stderr(
      `${values.out} differs from the application's OpenAPI document: run loom openapi --out ${values.out}\n`,
    );
    return EXIT.failure;
  }
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
  ctx.stdout(`wrote ${values.out}\n`);
  return EXIT.ok;
}
