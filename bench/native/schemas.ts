/**
 * JSON schemas of the native app: Ajv validates requests with them and fast-json-stringify serializes
 * responses with them. The TS interfaces beside them are the shapes the handlers produce.
 */

const int = { type: 'integer' } as const;
const str = { type: 'string' } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;

export interface RecordRow {
  id: number;
  ownerId: number;
  requestId: string;
  fullName: string;
  email: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface RecordWithHasNotes extends RecordRow {
  hasNotes: boolean;
}

export interface NoteRow {
  id: number;
  recordId: number;
  body: string;
}

export interface RecordWithDetails extends RecordWithHasNotes {
  owner: { id: number; fullName: string; email: string };
  notes: NoteRow[];
  notesCount: number;
  noteSnippets: { id: number; body: string }[];
}

const recordProperties = {
  id: int,
  ownerId: int,
  requestId: str,
  fullName: str,
  email: str,
  createdAt: dateTime,
  updatedAt: dateTime,
} as const;
const recordRequired = ['id', 'ownerId', 'requestId', 'fullName', 'email', 'createdAt', 'updatedAt'];

/** A record as auto-CRUD update returns it (no projections). */
export const recordSchema = {
  type: 'object',
  properties: recordProperties,
  required: recordRequired,
} as const;

/** The `default` profile: the record plus the `hasNotes` projection. */
export const recordDefaultSchema = {
  type: 'object',
  properties: { ...recordProperties, hasNotes: { type: 'boolean' } },
  required: [...recordRequired, 'hasNotes'],
} as const;

/** The `with_details` profile: owner and notes relations plus the three projections. */
export const recordDetailsSchema = {
  type: 'object',
  // loom's key order: columns, relations, then projections (the honesty test compares bytes).
  properties: {
    ...recordProperties,
    owner: {
      type: 'object',
      properties: { id: int, fullName: str, email: str },
      required: ['id', 'fullName', 'email'],
    },
    notes: {
      type: 'array',
      items: {
        type: 'object',
        properties: { id: int, recordId: int, body: str },
        required: ['id', 'recordId', 'body'],
      },
    },
    hasNotes: { type: 'boolean' },
    notesCount: int,
    noteSnippets: {
      type: 'array',
      items: { type: 'object', properties: { id: int, body: str }, required: ['id', 'body'] },
    },
  },
  required: [...recordDefaultSchema.required, 'owner', 'notes', 'notesCount', 'noteSnippets'],
} as const;

/**
 * The get-by-id response: the `with_details` properties, of which only the `default` ones are required,
 * so one compiled serializer writes both profiles (an `anyOf` would validate each response to choose).
 */
export const recordByIdResponseSchema = {
  type: 'object',
  properties: recordDetailsSchema.properties,
  // fast-json-stringify writes required keys first: only the columns, so `hasNotes` keeps its place.
  required: recordRequired,
} as const;

export const PROFILES = ['default', 'with_details'] as const;
export type Profile = (typeof PROFILES)[number];

export const recordParamsSchema = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 1, maximum: 2147483647 } },
  required: ['id'],
} as const;

export const getRecordQuerySchema = {
  type: 'object',
  properties: { profile: { type: 'string', enum: PROFILES, default: 'default' } },
} as const;

export interface GetRecordQuery {
  profile: Profile;
}

export const listQuerySchema = {
  type: 'object',
  properties: {
    pagination: { type: 'string', enum: ['cursor', 'offset'] },
    page: { type: 'integer', minimum: 1 },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
    after: { type: 'string', minLength: 1, maxLength: 256 },
  },
} as const;

export interface ListQuery {
  pagination?: 'cursor' | 'offset';
  page?: number;
  limit: number;
  after?: string;
}

/**
 * Both list envelopes in one object schema, so fast-json-stringify compiles a single serializer (an
 * `anyOf` would make it validate every response to pick a branch). Cursor pages fill `nextCursor`;
 * offset pages fill `totalCount`, `page` and `limit`; absent keys are not written.
 */
export const listResponseSchema = {
  type: 'object',
  properties: {
    items: { type: 'array', items: recordDefaultSchema },
    nextCursor: { type: ['string', 'null'] },
    totalCount: int,
    page: int,
    limit: int,
    hasNext: { type: 'boolean' },
  },
  // fast-json-stringify writes required keys first: `hasNext` stays last, as loom writes it.
  required: ['items'],
} as const;

export interface CursorPage {
  items: RecordWithHasNotes[];
  nextCursor: string | null;
  hasNext: boolean;
}

export interface OffsetPage {
  items: RecordWithHasNotes[];
  totalCount: number;
  page: number;
  limit: number;
  hasNext: boolean;
}

export const updateRecordBodySchema = {
  type: 'object',
  properties: {
    email: { type: 'string', minLength: 3, maxLength: 255, pattern: '^[^@\\s]+@[^@\\s]+$' },
    fullName: { type: 'string', minLength: 1, maxLength: 120 },
    full_name: { type: 'string', minLength: 1, maxLength: 120 },
  },
} as const;

export interface UpdateRecordBody {
  email?: string;
  fullName?: string;
  full_name?: string;
}

export const pingResponseSchema = {
  type: 'object',
  properties: { status: str },
  required: ['status'],
} as const;
