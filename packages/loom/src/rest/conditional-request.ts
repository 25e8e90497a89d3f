import type { FastifyReply, FastifyRequest } from 'fastify';
import { PreconditionFailed, PreconditionRequired } from '../errors/index.ts';
import type { AnyModel } from '../model/model.ts';
import type { AutoOperation } from './route.ts';

/** How an auto-CRUD route of a versioned model treats `If-Match`: optional (default) or required. */
export type IfMatchPolicy = 'optional' | 'required';

/** The strong ETag of a row version: `"3"` (docs/decisions/0008-concurrency.md). */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * Parses `If-Match`: `'*'`, the versions its tags name (weak `W/"3"` accepted as `"3"`), or undefined
 * when absent. Tags that are not loom versions match nothing.
 *
 * @example
 * ```ts
 * parseIfMatch('"3", W/"4"'); // [3, 4]
 * ```
 */
export function parseIfMatch(header: string | undefined): '*' | number[] | undefined {
  if (header === undefined) return undefined;
  if (header.trim() === '*') return '*';
  const versions: number[] = [];
  for (const m of header.matchAll(/(?:W\/)?"(\d{1,15})"/g)) versions.push(Number(m[1]));
  return versions;
}

/**
 * The conditional-request behaviour of an auto-CRUD route: `ETag` on get/create/update answers of a
 * versioned model, `If-Match` on update and delete passed to the use case as `expectedVersion`; 428
 * when required and missing, 412 when the tags cannot match. Null for routes without any.
 */
export function conditionalRequest(
  model: AnyModel | null,
  auto: AutoOperation | undefined,
  policy: IfMatchPolicy | undefined,
) {
  if (model === null || auto === undefined || auto === 'list') return null;
  const version = model.$version;
  const writes = auto === 'update' || auto === 'delete';
  return {
    /** The route reads `If-Match` (update, delete). */
    writes,
    /** The model has a version: answers carry an `ETag`. */
    versioned: version !== undefined,
    /** Params to add to the call, from `If-Match`. */
    params(request: FastifyRequest): Record<string, unknown> | undefined {
      if (!writes) return undefined;
      const raw = request.headers['if-match'];
      const parsed = parseIfMatch(Array.isArray(raw) ? raw.join(',') : raw);
      if (parsed === undefined) {
        if (policy === 'required') {
          throw new PreconditionRequired(
            `${request.method} ${request.url} requires an If-Match header: send the ETag of a GET`,
          );
        }
        return undefined;
      }
      if (parsed === '*') return undefined;
      const id = (request.params as Record<string, unknown>).id;
      if (!version || parsed.length === 0) {
        throw new PreconditionFailed(
          model.$name,
          id,
          `If-Match names no current version of ${model.$name} ${String(id)}`,
        );
      }
      return { expectedVersion: parsed };
    },
    /** Sets the ETag of the answered entity. */
    respond(reply: FastifyReply, result: unknown): void {
      if (!version || auto === 'delete' || typeof result !== 'object' || result === null) return;
      const value = (result as Record<string, unknown>)[version.name];
      if (typeof value === 'number') reply.header('etag', etagOf(value));
    },
  };
}
