import path from 'node:path';
import { type ConfigPath, isWithin, pathKey } from './config-path.ts';

/** Where a configuration key was written: the file and, when known, the 1-based line. */
export interface ConfigOrigin {
  readonly file: string;
  readonly line?: number;
}

/**
 * Remembers, for every key of a merged configuration, the file (and line) that set it last, so that an
 * error about `database.poolSize` can say "config/base.yaml:7" rather than leaving the user to search
 * a chain of includes.
 *
 * @example
 * ```ts
 * const sources = new ConfigSources(['/srv/config/base.yaml']);
 * sources.set(['database', 'url'], { file: '/srv/config/base.yaml', line: 3 });
 * sources.locate(['database', 'url']); // '/srv/config/base.yaml:3'
 * ```
 */
export class ConfigSources {
  readonly #origins = new Map<string, ConfigOrigin>();
  readonly #files: string[] = [];

  constructor(files: readonly string[] = []) {
    for (const file of files) this.addFile(file);
  }

  /** Every file that contributed, in load order, each once. */
  get files(): readonly string[] {
    return this.#files;
  }

  /** Records that `file` took part in the merge. */
  addFile(file: string): void {
    if (!this.#files.includes(file)) this.#files.push(file);
  }

  /** Records the origin of the key at `path`. */
  set(at: ConfigPath, origin: ConfigOrigin): void {
    this.#origins.set(pathKey(at), origin);
    this.addFile(origin.file);
  }

  /** The origin recorded for `path` itself, if any. */
  exact(at: ConfigPath): ConfigOrigin | undefined {
    return this.#origins.get(pathKey(at));
  }

  /**
   * The origin of `path`, or of its nearest ancestor that has one (a key that is missing, or was
   * produced by a YAML alias, is reported where its parent was written).
   */
  get(at: ConfigPath): ConfigOrigin | undefined {
    for (let length = at.length; length >= 0; length--) {
      const origin = this.#origins.get(pathKey(at.slice(0, length)));
      if (origin) return length === 0 && this.#files.length > 1 ? undefined : origin;
    }
    return undefined;
  }

  /** Copies every origin at or below `path` from `other`, replacing what this map had there. */
  replaceSubtree(at: ConfigPath, other: ConfigSources): void {
    const key = pathKey(at);
    for (const existing of [...this.#origins.keys()]) {
      if (isWithin(existing, key)) this.#origins.delete(existing);
    }
    for (const [otherKey, origin] of other.#origins) {
      if (isWithin(otherKey, key)) this.#origins.set(otherKey, origin);
    }
    for (const file of other.#files) this.addFile(file);
  }

  /**
   * Human-readable location of `path`: `file:line`, `file`, or the list of all files when the key
   * could have come from any of them.
   */
  locate(at: ConfigPath): string {
    const origin = this.get(at);
    if (origin) return formatOrigin(origin);
    if (this.#files.length === 0) return 'no configuration file';
    return this.#files.map(displayFile).join(', ');
  }
}

/**
 * `file:line` for an origin, with the file shown relative to the working directory when it lies
 * inside it.
 *
 * @example
 * ```ts
 * formatOrigin({ file: `${process.cwd()}/config/api.yaml`, line: 4 }); // 'config/api.yaml:4'
 * ```
 */
export function formatOrigin(origin: ConfigOrigin): string {
  const file = displayFile(origin.file);
  return origin.line === undefined ? file : `${file}:${origin.line}`;
}

/**
 * A file name as shown in messages: relative to the working directory when inside it, else absolute.
 *
 * @example
 * ```ts
 * displayFile(`${process.cwd()}/config/api.yaml`); // 'config/api.yaml'
 * displayFile('/etc/loom/api.yaml'); // '/etc/loom/api.yaml' (outside the working directory)
 * ```
 */
export function displayFile(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}
