import { type CompiledQuery, createQueryId, RawNode } from 'kysely';

/** Shapes remembered per repository at most (each is one statement text). */
export const MAX_CACHED_SHAPES = 500;

/**
 * Statement texts compiled once per query shape and re-run with new parameters, so a repeated read or
 * write skips building and compiling its Kysely query. A shape's text is kept only when the compiled
 * parameters are exactly the values the caller will bind (same values, same order), which proves the
 * text takes them as parameters; otherwise the shape is compiled every time.
 *
 * @example
 * ```ts
 * const query = statements.compiled(`update:${columns}`, [...values, id], () => builder.compile());
 * const { rows } = await executor.executeQuery(query);
 * ```
 */
export class StatementCache {
  /** Text (and its raw node) by shape key; null for a shape whose parameters do not map 1:1 to the caller's values. */
  readonly #texts = new Map<string, CachedText | null>();
  readonly #max: number;

  constructor(max = MAX_CACHED_SHAPES) {
    this.#max = max;
  }

  /** The query of shape `key` bound to `parameters`: the cached text, or `build()` (whose text is then cached). */
  compiled(key: string, parameters: readonly unknown[], build: () => CompiledQuery): CompiledQuery {
    const cached = this.#texts.get(key);
    // What `CompiledQuery.raw(text, [...parameters])` makes, with the raw node made once per text and
    // without freezing three objects per statement (the repositories run one or two per request).
    if (cached)
      return { sql: cached.sql, query: cached.node, parameters: [...parameters], queryId: createQueryId() };
    const query = build();
    if (cached === undefined && this.#texts.size < this.#max) {
      const same =
        query.parameters.length === parameters.length &&
        query.parameters.every((value, i) => value === parameters[i]);
      this.#texts.set(key, same ? { sql: query.sql, node: RawNode.createWithSql(query.sql) } : null);
    }
    return query;
  }
}

interface CachedText {
  readonly sql: string;
  readonly node: RawNode;
}
