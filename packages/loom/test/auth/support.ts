import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import pino from 'pino';
import type { AuthOptions } from '../../src/app/auth-from-config.ts';
import type { DialectName } from '../../src/db/dialect.ts';
import type { Identity } from '../../src/index.ts';
import { openTestDatabase } from '../support/dialects.ts';
import {
  autoCrud,
  collectDeclarations,
  column,
  createApp,
  guard,
  job,
  type LoomApp,
  load,
  loadById,
  model,
  resolveConfig,
  restInterface,
  route,
  t,
  useCase,
} from '../support/internals.ts';

export const JWT_SECRET = 'a-test-secret-of-at-least-32-characters!';

/** Owners and their notes: a note belongs to its owner (ownership guards). */
export const Member = model('auth_members', {
  id: column.int().primaryKey().autoIncrement(),
  name: column.string(80),
});
export const Note = model('auth_notes', {
  id: column.int().primaryKey().autoIncrement(),
  memberId: column.int().references(() => Member.id, { onDelete: 'cascade' }),
  text: column.string(200),
});

/** What jobs dispatched on a caller's behalf saw as their `ctx.identity`. */
export const jobIdentities: (Identity | undefined)[] = [];

const RecordIdentity = job({
  name: 'RecordIdentity',
  queue: 'default',
  params: { n: t.Integer() },
  execute: ({ identity }) => {
    jobIdentities.push(identity);
    return true;
  },
});

const WhoAmI = useCase(null, {
  name: 'WhoAmI',
  guards: (g) => [g.requireAuth()],
  execute: async (ctx) => {
    await ctx.jobs.dispatch(RecordIdentity, { params: { n: 1 } });
    return { subject: ctx.identity?.subject ?? null, roles: ctx.identity?.roles ?? [] };
  },
});

const Ping = useCase(null, { name: 'Ping', execute: () => ({ ok: true }) });

const AdminStats = useCase(null, {
  name: 'AdminStats',
  guards: (g) => [g.requireRoles('admin')],
  execute: () => ({ members: 'many' }),
});

const WriteThing = useCase(null, {
  name: 'WriteThing',
  guards: (g) => [g.requireScopes('things:write')],
  execute: () => ({ written: true }),
});

/** Params-only ownership: decided before any load, so a missing member looks like someone else's. */
const ListMemberNotes = useCase(Note, {
  name: 'ListMemberNotes',
  params: { memberId: t.Integer() },
  load: { member: loadById(Member, { by: 'memberId' }) },
  guards: (g) => [
    g.allowIf(({ identity, params }) => identity?.subject === String(params.memberId), 'not your notes'),
  ],
  execute: ({ load }) => ({ member: load.member.name }),
});

/** Ownership over a loaded entity: a missing note answers the same 403 as someone else's. */
const GetNote = useCase(Note, {
  name: 'GetNote',
  params: { noteId: t.Integer() },
  load: { note: loadById(Note, { by: 'noteId' }) },
  guards: (g) => [
    g.requireAuth(),
    g.allowIfLoaded(
      ({ identity, load }) => String(load.note.memberId) === identity?.subject,
      'not your note',
    ),
  ],
  execute: ({ load, identity }) => ({ ...load.note, readBy: identity?.subject }),
});

/** Loads from the caller's identity: the member whose id is the token's subject. */
const MyProfile = useCase(Member, {
  name: 'MyProfile',
  load: {
    me: load(Member, { from: 'identity.subject', against: 'id' }),
    namesake: load(Member, { from: 'identity.claims.nick', against: 'name', onMissing: 'returnNull' }),
  },
  execute: ({ load }) => ({ id: load.me.id, name: load.me.name, namesake: load.namesake?.id ?? null }),
});

export const MeApi = restInterface(null, {
  prefix: '/me',
  routes: [
    route.post('/', WhoAmI),
    route.get('/ping', Ping),
    route.get('/limited', Ping, { rateLimit: { max: 1, windowMs: 60_000 } }),
    route.get('/profile', MyProfile),
  ],
});
export const AdminApi = restInterface(null, {
  prefix: '/admin',
  routes: [route.get('/stats', AdminStats), route.post('/things', WriteThing)],
});
export const NoteApi = restInterface(Note, {
  prefix: '/notes',
  routes: [route.get('/{noteId}', GetNote), route.get('/by-member/{memberId}', ListMemberNotes)],
});
/** Interface-level guard: every route of it needs a caller. */
export const MemberApi = restInterface(Member, {
  prefix: '/members',
  guards: [guard.requireAuth()],
  routes: [...autoCrud(Member, { include: ['create', 'get'] })],
});

const DECLARATIONS = collectDeclarations(
  Object.entries({
    Member,
    Note,
    RecordIdentity,
    WhoAmI,
    Ping,
    AdminStats,
    WriteThing,
    ListMemberNotes,
    GetNote,
    MyProfile,
    MeApi,
    AdminApi,
    NoteApi,
    MemberApi,
  }),
);

/** A running app on a fresh database, listening on a free port. */
export interface RunningApp {
  readonly app: LoomApp;
  readonly base: string;
  close(): Promise<void>;
}

/** Starts the fixture with `config` merged over defaults (auth on with JWT and one API key unless overridden). */
export async function startAuthApp(
  dialect: DialectName,
  config: Record<string, unknown> = {},
  options: { auth?: AuthOptions; logger?: pino.Logger } = {},
): Promise<RunningApp> {
  const db = await openTestDatabase(dialect);
  const resolved = resolveConfig({
    app: { name: 'authtest', env: 'test', cursorSecret: 'auth-test-cursor-secret' },
    jobs: { backend: 'eager' },
    ...config,
  } as Parameters<typeof resolveConfig>[0]);
  const app = await createApp({
    config: [],
    resolvedConfig: resolved,
    declarations: DECLARATIONS,
    database: db,
    logger: options.logger ?? pino({ level: 'silent' }),
    ...(options.auth === undefined ? {} : { auth: options.auth }),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    base: `http://127.0.0.1:${port}`,
    async close() {
      await app.close();
      await db.dispose();
    },
  };
}

/** An HS256 token for `subject`, valid for an hour unless told otherwise. */
export function token(
  subject: string,
  claims: Record<string, unknown> = {},
  options: { audience?: string; expiresAt?: number; issuer?: string } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setIssuer(options.issuer ?? 'https://id.test')
    .setAudience(options.audience ?? 'authtest')
    .setIssuedAt()
    .setExpirationTime(options.expiresAt ?? Math.floor(Date.now() / 1000) + 3600)
    .sign(new TextEncoder().encode(JWT_SECRET));
}

/** One HTTP exchange: status, headers, parsed body. */
export async function call(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? {} : JSON.parse(text) };
}

export const bearer = (jwt: string) => ({ authorization: `Bearer ${jwt}` });
