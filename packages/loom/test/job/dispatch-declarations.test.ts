import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { job } from '../../src/job/job.ts';
import { captureLogger, send } from '../observability/store-app.ts';
import { DIALECTS, openTestDatabase } from '../support/dialects.ts';
import {
  collectDeclarations,
  column,
  command,
  createApp,
  DeclarationError,
  type LoomApp,
  model,
  resolveConfig,
  restInterface,
  route,
  t,
  useCase,
} from '../support/internals.ts';

// Decision 0060: use cases declare the jobs they dispatch; boot checks them against the registered
// jobs, and a dispatch the declaration does not cover fails naming the use case and the job.

const Note = model('dispatch_notes', {
  id: column.int().primaryKey().autoIncrement(),
  key: column.string(80),
});

const NoteInput = command({ key: t.String({ minLength: 1, maxLength: 80 }) }, { name: 'NoteInput' });

/** Registered: writes a note row (the eager backend runs it before the request answers). */
const WriteNote = job({
  name: 'WriteNote',
  queue: 'notes',
  input: NoteInput,
  execute: async ({ input, repos }) => {
    await repos(Note).create({ key: input.key });
    return true;
  },
});

/** Registered too, but no use case below declares it. */
const OtherJob = job({ name: 'OtherJob', queue: 'notes', execute: () => true });

/** Never registered with the application (its module "left out of app.discovery"). */
const Orphan = job({ name: 'Orphan', queue: 'orphans', execute: () => true });

const Declared = useCase(Note, {
  name: 'Declared',
  input: NoteInput,
  dispatches: [WriteNote],
  execute: ({ input, jobs }) => jobs.dispatch(WriteNote, { payload: input }),
});

const Undeclared = useCase(Note, {
  name: 'Undeclared',
  input: NoteInput,
  dispatches: [WriteNote],
  execute: ({ jobs }) => jobs.dispatch(OtherJob, {}),
});

/** Declares nothing: boot cannot know what it dispatches, so the dispatch itself names both. */
const Unchecked = useCase(Note, {
  name: 'Unchecked',
  input: NoteInput,
  execute: ({ jobs }) => jobs.dispatch(Orphan, {}),
});

const NotesApi = restInterface(Note, {
  prefix: '/notes',
  routes: [
    route.post('/declared', Declared, { status: 202 }),
    route.post('/undeclared', Undeclared, { status: 202 }),
    route.post('/unchecked', Unchecked, { status: 202 }),
  ],
});

function declarations(extra: readonly (readonly [string, unknown])[] = []) {
  return collectDeclarations([
    ['Note', Note],
    ['WriteNote', WriteNote],
    ['OtherJob', OtherJob],
    ['Declared', Declared],
    ['Undeclared', Undeclared],
    ['Unchecked', Unchecked],
    ['NotesApi', NotesApi],
    ...extra,
  ]);
}

const config = (name: string) =>
  resolveConfig({
    app: { name, cursorSecret: 'dispatch-declarations-secret-0001' },
    database: { url: 'sqlite::memory:', sync: 'create' },
    jobs: { backend: 'eager' },
    logger: { level: 'silent' },
  });

describe.each(DIALECTS)('declared dispatches (%s)', (dialect) => {
  let app: LoomApp;
  let base: string;
  const logs = captureLogger('error');
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    const db = await openTestDatabase(dialect);
    dispose = () => db.dispose();
    app = await createApp({
      config: [],
      resolvedConfig: config('dispatch-declarations'),
      declarations: declarations(),
      database: db,
      logger: logs.logger,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await dispose?.();
  });

  it('a declared dispatch of a registered job runs it', async () => {
    const res = await send(base, 'POST', '/notes/declared', { key: `declared-${dialect}` });
    expect(res.status).toBe(202);
    expect(await app.loom.kernel.repository(Note).exists('key', `declared-${dialect}`)).toBe(true);
  });

  it('a use case that declares its dispatches cannot dispatch another job: 500, the log names both', async () => {
    const res = await send(base, 'POST', '/notes/undeclared', { key: 'k' });
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('OtherJob');
    const logged = logs.lines.map((l) => JSON.stringify(l)).join('\n');
    expect(logged).toContain(
      'Undeclared: dispatched job OtherJob (queue \\"notes\\"), which its `dispatches` does not list',
    );
  });

  it('without a declaration, dispatching an unregistered job fails at the dispatch, naming both', async () => {
    const res = await send(base, 'POST', '/notes/unchecked', { key: 'k' });
    expect(res.status).toBe(500);
    const logged = logs.lines.map((l) => JSON.stringify(l)).join('\n');
    expect(logged).toContain(
      'Unchecked: dispatched job Orphan (queue \\"orphans\\"), which is not registered in this process',
    );
  });
});

describe('boot refuses a declared dispatch of a job that is not registered', () => {
  const Careless = useCase(Note, {
    name: 'Careless',
    dispatches: () => [WriteNote, Orphan],
    execute: () => null,
  });

  it('createApp fails naming the use case and the job, before opening a port', async () => {
    const error = await createApp({
      config: [],
      resolvedConfig: config('dispatch-boot'),
      declarations: declarations([['Careless', Careless]]),
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DeclarationError);
    expect((error as Error).message).toBe(
      'Careless: dispatches job Orphan (queue "orphans"), which is not registered in this process: ' +
        'add its module to app.discovery.modules (or its job to JOBS of the manifest)',
    );
  });

  it('a job can declare its dispatches too, and a list entry that is not a job is a declaration error', async () => {
    const Chained = job({ name: 'Chained', queue: 'notes', dispatches: () => [Orphan], execute: () => 1 });
    const wrong = useCase(Note, {
      name: 'NotAJob',
      dispatches: [Declared as never],
      execute: () => null,
    });
    for (const [extra, message] of [
      [
        [['Chained', Chained]],
        /^Chained: dispatches job Orphan \(queue "orphans"\), which is not registered/,
      ],
      [[['NotAJob', wrong]], /^NotAJob: dispatches\[0\] is not a job built with job\(\)$/],
    ] as const) {
      const error = await createApp({
        config: [],
        resolvedConfig: config('dispatch-boot-2'),
        declarations: declarations(extra),
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((error as Error).message).toMatch(message);
    }
  });
});
