import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../errors/index.ts';
import { type ConfigPath, isPlainObject } from './config-path.ts';
import { ConfigSources, displayFile } from './config-sources.ts';
import type { ConfigLayer } from './deep-merge.ts';

/**
 * Parses the text of one YAML configuration file into a layer: the mapping it holds and the file and
 * line of every key. An empty file is an empty mapping. Syntax errors, duplicate keys and a top level
 * that is not a mapping raise `ConfigError` naming the file (and line). `<<` merge keys are supported.
 *
 * @example
 * ```ts
 * const layer = parseYamlLayer('app:\n  name: store\n', '/srv/config/base.yaml');
 * layer.value; // { app: { name: 'store' } }
 * layer.sources.locate(['app', 'name']); // '/srv/config/base.yaml:2'
 * ```
 */
export function parseYamlLayer(text: string, file: string): ConfigLayer {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, uniqueKeys: true, prettyErrors: false });
  const problem = doc.errors[0];
  if (problem) {
    const line = problem.linePos?.[0].line ?? lineCounter.linePos(problem.pos[0]).line;
    const where = line === undefined ? displayFile(file) : `${displayFile(file)}:${line}`;
    throw new ConfigError(`Invalid YAML in ${where}: ${problem.message.split('\n')[0]}`);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`Invalid YAML in ${displayFile(file)}: ${reason}`);
  }
  if (value !== null && value !== undefined && !isPlainObject(value)) {
    throw new ConfigError(
      `Invalid configuration file ${displayFile(file)}: the top level must be a mapping of sections, not ${Array.isArray(value) ? 'a list' : typeof value}`,
    );
  }
  const sources = new ConfigSources([file]);
  sources.set([], { file });
  recordLines(doc.contents, [], file, lineCounter, sources);
  return { value: isPlainObject(value) ? value : {}, sources };
}

/** Walks the YAML syntax tree and records the line of each mapping key and list item. */
function recordLines(
  node: unknown,
  at: ConfigPath,
  file: string,
  lines: LineCounter,
  sources: ConfigSources,
): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isScalar(pair.key) || pair.key.value === '<<') continue;
      const child = [...at, String(pair.key.value)];
      const offset = pair.key.range?.[0];
      sources.set(child, offset === undefined ? { file } : { file, line: lines.linePos(offset).line });
      recordLines(pair.value, child, file, lines, sources);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      const child = [...at, index];
      const offset = isScalar(item) || isMap(item) || isSeq(item) ? item.range?.[0] : undefined;
      sources.set(child, offset === undefined ? { file } : { file, line: lines.linePos(offset).line });
      recordLines(item, child, file, lines, sources);
    });
  }
}
