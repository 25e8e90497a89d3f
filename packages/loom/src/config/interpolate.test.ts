// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings hold loom ${…} interpolations, not template literals
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.ts';
import { ConfigSources } from './config-sources.ts';
import { decodeScalar } from './decode-scalar.ts';
import { interpolate } from './interpolate.ts';

const env = { HOST: 'db.internal', PORT: '9000', FLAG: 'true', EMPTY: '', TEMPLATE: '${env:HOST}' };

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('interpolate: ${env:…}', () => {
  it('replaces ${env:VAR} with the variable', () => {
    expect(interpolate('${env:HOST}', { env })).toBe('db.internal');
  });

  it('uses the default of ${env:VAR,default} only when the variable is unset', () => {
    expect(interpolate('${env:MISSING,localhost}', { env })).toBe('localhost');
    expect(interpolate('${env:HOST,localhost}', { env })).toBe('db.internal');
  });

  it('takes everything after the first comma as the default, colons and commas included', () => {
    expect(interpolate('${env:DB,sqlite+aiosqlite:///./store.db}', { env })).toBe(
      'sqlite+aiosqlite:///./store.db',
    );
    expect(interpolate('${env:LIST,a,b,c}', { env })).toBe('a,b,c');
  });

  it('trims the default and strips matching quotes around it', () => {
    expect(interpolate('${env:MISSING, spaced }', { env })).toBe('spaced');
    expect(interpolate("${env:MISSING,' keep spaces '}", { env })).toBe(' keep spaces ');
  });

  it('keeps a set-but-empty variable as the empty string, and allows an empty default', () => {
    expect(interpolate('${env:EMPTY,fallback}', { env })).toBe('');
    expect(interpolate('${env:MISSING,}', { env })).toBe('');
  });

  it('accepts loom-py spelling ${oc.env:VAR,default} as an alias', () => {
    expect(interpolate('${oc.env:HOST}', { env })).toBe('db.internal');
    expect(interpolate('${oc.env:MISSING,8000}', { env })).toBe('8000');
  });

  it('returns environment values as strings (no decoding without oc.decode)', () => {
    expect(interpolate('${env:PORT}', { env })).toBe('9000');
  });

  it('resolves nested interpolation in the default, lazily', () => {
    expect(interpolate('${env:MISSING,${env:HOST}}', { env })).toBe('db.internal');
    expect(interpolate('${env:MISSING,${env:ALSO_MISSING,last}}', { env })).toBe('last');
    // The nested default is never evaluated when the variable is set, so its missing variable is harmless.
    expect(interpolate('${env:HOST,${env:ALSO_MISSING}}', { env })).toBe('db.internal');
  });

  it('never re-scans a value read from the environment', () => {
    expect(interpolate('${env:TEMPLATE}', { env })).toBe('${env:HOST}');
  });

  it('defaults to process.env when no env is given', () => {
    process.env.LOOM_INTERPOLATE_TEST = 'from-process';
    try {
      expect(interpolate('${env:LOOM_INTERPOLATE_TEST}')).toBe('from-process');
    } finally {
      delete process.env.LOOM_INTERPOLATE_TEST;
    }
  });
});

describe('interpolate: ${oc.decode:…}', () => {
  it('decodes booleans, integers, floats and null into typed values', () => {
    expect(interpolate('${oc.decode:true}', { env })).toBe(true);
    expect(interpolate('${oc.decode:false}', { env })).toBe(false);
    expect(interpolate('${oc.decode:120}', { env })).toBe(120);
    expect(interpolate('${oc.decode:1.5}', { env })).toBe(1.5);
    expect(interpolate('${oc.decode:null}', { env })).toBeNull();
  });

  it('decodes the result of an inner interpolation: ${oc.decode:${oc.env:PORT,8000}}', () => {
    expect(interpolate('${oc.decode:${oc.env:PORT,8000}}', { env })).toBe(9000);
    expect(interpolate('${oc.decode:${oc.env:NO_PORT,8000}}', { env })).toBe(8000);
    expect(interpolate('${oc.decode:${env:FLAG}}', { env })).toBe(true);
  });

  it('leaves strings that spell nothing else as strings', () => {
    expect(interpolate('${oc.decode:redis://cache:6379}', { env })).toBe('redis://cache:6379');
  });

  it('decodes flow lists and mappings', () => {
    expect(interpolate('${oc.decode:[default, emails]}', { env })).toEqual(['default', 'emails']);
    expect(interpolate('${oc.decode:{a: 1}}', { env })).toEqual({ a: 1 });
  });
});

describe('interpolate: whole scalar vs embedded', () => {
  it('keeps the decoded type when the interpolation is the whole scalar', () => {
    expect(interpolate({ port: '${oc.decode:${env:PORT}}' }, { env })).toEqual({ port: 9000 });
  });

  it('stays a string when the interpolation is embedded in a larger string', () => {
    expect(interpolate('port=${oc.decode:${env:PORT}}', { env })).toBe('port=9000');
    expect(interpolate('${oc.decode:true}!', { env })).toBe('true!');
    expect(interpolate('postgres://${env:HOST}:${env:PORT}/store', { env })).toBe(
      'postgres://db.internal:9000/store',
    );
  });

  it('walks objects and lists, leaving non-strings and plain strings untouched', () => {
    const input = { a: ['${env:HOST}', 3, null], b: { c: true, d: 'plain' } };
    expect(interpolate(input, { env })).toEqual({ a: ['db.internal', 3, null], b: { c: true, d: 'plain' } });
    expect(input.a[0]).toBe('${env:HOST}');
  });

  it('turns \\${ into a literal ${', () => {
    expect(interpolate('cost: \\${env:HOST}', { env })).toBe('cost: ${env:HOST}');
  });
});

describe('interpolate: errors', () => {
  it('reports a missing variable without default, naming the key path', () => {
    const error = errorOf(() => interpolate({ database: { url: '${env:NO_SUCH_DB_URL}' } }, { env }));
    expect(error.message).toContain('database.url');
    expect(error.message).toContain('NO_SUCH_DB_URL is not set');
  });

  it('names the file and line of the key when sources are given', () => {
    const sources = new ConfigSources(['/srv/config/base.yaml']);
    sources.set(['database', 'url'], { file: '/srv/config/base.yaml', line: 3 });
    const error = errorOf(() =>
      interpolate({ database: { url: '${oc.env:NO_SUCH_DB_URL}' } }, { env, sources }),
    );
    expect(error.message).toContain('database.url (/srv/config/base.yaml:3)');
  });

  it('rejects a bare ${VAR} and the legacy ${VAR,default}, suggesting ${env:VAR}', () => {
    expect(errorOf(() => interpolate('${HOST}', { env })).message).toContain('${env:HOST}');
    expect(errorOf(() => interpolate('${HOST,x}', { env })).message).toContain('${env:HOST,default}');
  });

  it('rejects unknown resolvers and unterminated interpolations', () => {
    expect(errorOf(() => interpolate('${ssm:/app/db}', { env })).message).toContain('unknown resolver "ssm"');
    expect(errorOf(() => interpolate('${env:HOST', { env })).message).toContain('unterminated');
  });
});

describe('decodeScalar', () => {
  it('decodes case-insensitive booleans, signed numbers, ~ and quoted strings', () => {
    expect(decodeScalar(' TRUE ')).toBe(true);
    expect(decodeScalar('-3')).toBe(-3);
    expect(decodeScalar('1e3')).toBe(1000);
    expect(decodeScalar('~')).toBeNull();
    expect(decodeScalar('"120"')).toBe('120');
    expect(decodeScalar('[a, b')).toBe('[a, b');
  });
});
