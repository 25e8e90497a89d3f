import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LoomError, MalformedBody } from '../errors/index.ts';
import { parseGuardedJson } from './json-guard.ts';

/**
 * The parsed body of a request whose content type is not JSON. Routes with an input answer it with 415;
 * routes without one ignore the body.
 */
export const UNSUPPORTED_BODY: unique symbol = Symbol('loom.unsupportedBody');

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

function jsonParser(maxDepth: number) {
  return (
    _request: FastifyRequest,
    body: string | Buffer,
    done: (error: Error | null, value?: unknown) => void,
  ) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    // An empty body is "no payload": the use case reports the missing input as a 422. A body that starts
    // with `{` or `[` is not blank: no trimmed copy for it.
    const first = text.charCodeAt(0);
    if (first !== OPEN_BRACE && first !== OPEN_BRACKET && text.trim() === '') return done(null, undefined);
    let value: unknown;
    try {
      value = parseGuardedJson(text, maxDepth);
    } catch (error) {
      return done(
        error instanceof LoomError ? error : new MalformedBody('the request body is not valid JSON'),
      );
    }
    done(null, value);
  };
}

/** Limits the body parsers enforce. */
export interface BodyParserLimits {
  /** Deepest nesting of arrays and objects in a JSON body (deeper → 413 before parsing). */
  readonly jsonDepth: number;
}

/**
 * Replaces Fastify's body parsers: `application/json` and `application/*+json` are parsed with
 * `JSON.parse` (a `__proto__` key becomes a plain own key, and commands read only declared fields, so it
 * is inert) after a depth check that refuses hostile nesting before any parsing (413), and with U+0000
 * refused anywhere (422, see `parseGuardedJson`); any other content type is read (within the body
 * limit) and marked
 * {@link UNSUPPORTED_BODY}. Ajv never sees a body: loom's command parser validates it (camel and snake
 * keys, every error collected → 422).
 *
 * @example
 * ```ts
 * installBodyParsers(app, { jsonDepth: 64 });
 * ```
 */
export function installBodyParsers(app: FastifyInstance, limits: BodyParserLimits): void {
  const parseJson = jsonParser(limits.jsonDepth);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJson);
  app.addContentTypeParser(
    /^application\/[A-Za-z0-9.!#$&^_-]+\+json(;.*)?$/i,
    { parseAs: 'string' },
    parseJson,
  );
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) =>
    done(null, UNSUPPORTED_BODY),
  );
}
