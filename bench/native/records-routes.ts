import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { CursorCodec } from './cursor.ts';
import { HttpProblem, notFound } from './problem.ts';
import {
  type CursorPage,
  type GetRecordQuery,
  getRecordQuerySchema,
  type ListQuery,
  listQuerySchema,
  listResponseSchema,
  type NoteRow,
  type OffsetPage,
  type RecordRow,
  type RecordWithDetails,
  type RecordWithHasNotes,
  recordByIdResponseSchema,
  recordParamsSchema,
  recordSchema,
  type UpdateRecordBody,
  updateRecordBodySchema,
} from './schemas.ts';
import {
  COUNT_RECORDS,
  GET_RECORD,
  GET_RECORD_DETAILS,
  LIST_CURSOR,
  LIST_OFFSET,
  type RecordPatchField,
  updateRecordQuery,
} from './sql.ts';

interface IdParams {
  id: number;
}

type DetailsRow = RecordRow & { owner: RecordWithDetails['owner']; notes: NoteRow[] };
type OffsetRow = RecordWithHasNotes & { totalCount?: number };

export interface RecordsDeps {
  readonly pool: pg.Pool;
  readonly cursors: CursorCodec;
}

/** `/bench/records`: get by id (two profiles), list (cursor or offset), patch. One round trip each. */
export function registerRecordRoutes(app: FastifyInstance, deps: RecordsDeps): void {
  const { pool, cursors } = deps;

  app.get<{ Params: IdParams; Querystring: GetRecordQuery }>(
    '/bench/records/:id',
    {
      schema: {
        params: recordParamsSchema,
        querystring: getRecordQuerySchema,
        response: { 200: recordByIdResponseSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (request.query.profile === 'with_details') {
        const { rows } = await pool.query<DetailsRow>({ ...GET_RECORD_DETAILS, values: [id] });
        const row = rows[0];
        if (row === undefined) throw notFound('BenchRecord', id);
        const details: RecordWithDetails = {
          ...row,
          hasNotes: row.notes.length > 0,
          notesCount: row.notes.length,
          noteSnippets: row.notes.map((note) => ({ id: note.id, body: note.body })),
        };
        return details;
      }
      const { rows } = await pool.query<RecordWithHasNotes>({ ...GET_RECORD, values: [id] });
      const row = rows[0];
      if (row === undefined) throw notFound('BenchRecord', id);
      return row;
    },
  );

  app.get<{ Querystring: ListQuery }>(
    '/bench/records',
    { schema: { querystring: listQuerySchema, response: { 200: listResponseSchema } } },
    async (request) => {
      const { pagination, page, limit, after } = request.query;
      const offset = pagination === 'offset' || (pagination === undefined && page !== undefined);
      if (offset) {
        const current = page ?? 1;
        const { rows } = await pool.query<OffsetRow>({
          ...LIST_OFFSET,
          values: [limit, (current - 1) * limit],
        });
        let totalCount = rows[0]?.totalCount;
        if (totalCount === undefined) {
          const count = await pool.query<{ totalCount: number }>(COUNT_RECORDS);
          totalCount = count.rows[0]?.totalCount ?? 0;
        }
        const result: OffsetPage = {
          items: rows,
          totalCount,
          page: current,
          limit,
          hasNext: current * limit < totalCount,
        };
        return result;
      }
      let lastId = 0;
      if (after !== undefined) {
        const decoded = cursors.decode(after);
        if (decoded === undefined) {
          throw new HttpProblem({
            title: 'Bad Request',
            status: 400,
            detail: 'invalid cursor',
            code: 'bad_cursor',
          });
        }
        lastId = decoded;
      }
      const { rows } = await pool.query<RecordWithHasNotes>({ ...LIST_CURSOR, values: [lastId, limit + 1] });
      const hasNext = rows.length > limit;
      if (hasNext) rows.length = limit;
      const last = rows[rows.length - 1];
      const result: CursorPage = {
        items: rows,
        nextCursor: hasNext && last !== undefined ? cursors.encode(last.id) : null,
        hasNext,
      };
      return result;
    },
  );

  app.patch<{ Params: IdParams; Body: UpdateRecordBody }>(
    '/bench/records/:id',
    { schema: { params: recordParamsSchema, body: updateRecordBodySchema, response: { 200: recordSchema } } },
    async (request) => {
      const { id } = request.params;
      const body = request.body;
      const fields: RecordPatchField[] = [];
      const values: unknown[] = [];
      if (body.email !== undefined) {
        fields.push('email');
        values.push(body.email);
      }
      const fullName = body.fullName ?? body.full_name;
      if (fullName !== undefined) {
        fields.push('fullName');
        values.push(fullName);
      }
      values.push(id);
      const { rows } = await pool.query<RecordRow>({ ...updateRecordQuery(fields), values });
      const row = rows[0];
      if (row === undefined) throw notFound('BenchRecord', id);
      return row;
    },
  );
}
