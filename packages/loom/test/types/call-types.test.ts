/**
 * Type tests of calls (docs/decisions/0010-typed-calls.md): `app.invoke`, `ctx.app.invoke`, `jobs.run`,
 * `jobs.dispatch` (params, payload, callbacks) and `app.entity(M)` take the declared types. Every
 * `@ts-expect-error` is a caller's mistake that must not compile; the other calls must compile.
 */
import { describe, expectTypeOf, it } from 'vitest';
import {
  type CursorPage,
  callbacks,
  column,
  command,
  type DispatchReceipt,
  type Infer,
  type InvokeArgs,
  type JobService,
  job,
  type Kernel,
  loadById,
  model,
  type OffsetPage,
  patch,
  type ResultOf,
  t,
  useCase,
  where,
  withDefault,
} from '../support/internals.ts';

declare const kernel: Kernel;
declare const jobs: JobService;

const Author = model('call_authors', {
  id: column.int().primaryKey().autoIncrement(),
  name: column.string(80),
  email: column.string(120).unique(),
  nickname: column.string(40).nullable(),
  rank: column.int().default(0),
  joinedAt: column.datetime().nullable(),
});
type AuthorRow = Infer<typeof Author>;

const Code = model('call_codes', {
  code: column.string(8).primaryKey(),
  label: column.string(40),
});

const CreateAuthor = command(
  {
    name: t.String(),
    email: t.String(),
    tags: withDefault(t.Array(t.String()), []),
    bio: t.Optional(t.String()),
  },
  { name: 'CreateAuthor' },
);
const RenameAuthor = command(
  { name: patch(t.String()), nickname: patch(t.Union([t.String(), t.Null()])) },
  { name: 'RenameAuthor' },
);

const Create = useCase(Author, {
  input: CreateAuthor,
  execute: ({ input, repo }) => repo.create({ name: input.name, email: input.email }),
});
const Rename = useCase(Author, {
  params: { authorId: t.Integer() },
  input: RenameAuthor,
  load: { current: loadById(Author, { by: 'authorId' }) },
  execute: ({ params, input, repo }) => repo.update(params.authorId, input),
});
const Search = useCase(Author, {
  params: { term: t.String(), limit: t.Optional(t.Integer()), exact: withDefault(t.Boolean(), false) },
  readOnly: true,
  query: true,
  execute: ({ params }) => [params.term],
});
const Ping = useCase(null, { execute: () => ({ pong: true as const }) });

const MailInput = command(
  { recipientEmail: t.String(), forceFail: withDefault(t.Boolean(), false) },
  { name: 'MailInput' },
);
const SendMail = job({
  name: 'SendMail',
  queue: 'mail',
  params: { authorId: t.Integer() },
  input: MailInput,
  execute: ({ input }) => (input.forceFail ? null : input.recipientEmail.length),
});
const Tick = job({ name: 'Tick', queue: 'ticks', execute: () => 'tick' as const });
const MailCallbacks = callbacks(SendMail, {
  name: 'MailCallbacks',
  onSuccess: ({ result, context }) => {
    expectTypeOf(result).toEqualTypeOf<number | null>();
    expectTypeOf(context.params.authorId).toEqualTypeOf<number>();
  },
  onFailure: ({ context }) => {
    expectTypeOf(context.params.authorId).toEqualTypeOf<number>();
  },
});
const TickCallbacks = callbacks(Tick, { name: 'TickCallbacks' });

describe('app.invoke', () => {
  it('params take the declared types; unknown and missing params do not compile', () => {
    const run = async () => {
      await kernel.invoke(Rename, { params: { authorId: 1 }, payload: {} });
      // @ts-expect-error authorId is an integer, not a string
      await kernel.invoke(Rename, { params: { authorId: 'x' }, payload: {} });
      // @ts-expect-error 'authorid' is not a declared param
      await kernel.invoke(Rename, { params: { authorid: 1 }, payload: {} });
      // @ts-expect-error authorId is required
      await kernel.invoke(Rename, { params: {}, payload: {} });
      // @ts-expect-error params are required when one is
      await kernel.invoke(Rename, { payload: {} });
      // Optional and defaulted params may be left out; all of them omittable: so may `params`.
      await kernel.invoke(Search, { params: { term: 'a' } });
      await kernel.invoke(Search, { params: { term: 'a', limit: 5, exact: true } });
      // @ts-expect-error exact is a boolean
      await kernel.invoke(Search, { params: { term: 'a', exact: 'true' } });
      await kernel.invoke(Ping, {});
      // @ts-expect-error Ping declares no params
      await kernel.invoke(Ping, { params: { id: 1 } });
    };
    expectTypeOf(run).toBeFunction();
  });

  it("the payload takes the command's payload type: unknown keys, wrong types and missing fields do not compile", () => {
    const run = async () => {
      await kernel.invoke(Create, { payload: { name: 'Ada', email: 'a@x.io' } });
      await kernel.invoke(Create, { payload: { name: 'Ada', email: 'a@x.io', tags: ['x'], bio: 'b' } });
      // @ts-expect-error 'nmae' is not a field of CreateAuthor
      await kernel.invoke(Create, { payload: { nmae: 'Ada', name: 'Ada', email: 'a@x.io' } });
      // @ts-expect-error name is a string
      await kernel.invoke(Create, { payload: { name: 3, email: 'a@x.io' } });
      // @ts-expect-error email is required
      await kernel.invoke(Create, { payload: { name: 'Ada' } });
      // @ts-expect-error a payload is required by CreateAuthor
      await kernel.invoke(Create, {});
      // @ts-expect-error snake_case keys are for JSON from elsewhere: invokeRaw
      await kernel.invoke(Create, { payload: { name: 'Ada', email: 'a@x.io', full_name: 'x' } });
      // Patch fields may be left out; a nullable patch field takes null.
      await kernel.invoke(Rename, { params: { authorId: 1 }, payload: { nickname: null } });
      // @ts-expect-error name is not nullable
      await kernel.invoke(Rename, { params: { authorId: 1 }, payload: { name: null } });
      // @ts-expect-error Ping takes no payload
      await kernel.invoke(Ping, { payload: { x: 1 } });
    };
    expectTypeOf(run).toBeFunction();
  });

  it('the query of a list use case names the model’s fields', () => {
    const run = async () => {
      await kernel.invoke(Search, {
        params: { term: 'a' },
        query: {
          sort: [{ field: 'name', direction: 'asc' }],
          pagination: { mode: 'offset', page: 1, limit: 5 },
        },
      });
      await kernel.invoke(Search, {
        params: { term: 'a' },
        query: {
          // @ts-expect-error 'nmae' is not a field of Author
          sort: [{ field: 'nmae', direction: 'asc' }],
          pagination: { mode: 'offset', page: 1, limit: 5 },
        },
      });
      await kernel.invoke(Rename, {
        params: { authorId: 1 },
        payload: {},
        // @ts-expect-error Rename is not a list use case
        query: { pagination: { mode: 'cursor', limit: 1 } },
      });
    };
    expectTypeOf(run).toBeFunction();
  });

  it('results are typed from execute, with null where the use case may return it', () => {
    const run = async () => {
      expectTypeOf(
        await kernel.invoke(Rename, { params: { authorId: 1 }, payload: {} }),
      ).toEqualTypeOf<AuthorRow | null>();
      expectTypeOf(await kernel.invoke(Ping, {})).toEqualTypeOf<{ pong: true }>();
      expectTypeOf<ResultOf<typeof Create>>().toEqualTypeOf<AuthorRow>();
      expectTypeOf(await kernel.invokeRaw(Search, { params: { term: 'a' } })).toEqualTypeOf<string[]>();
    };
    expectTypeOf(run).toBeFunction();
  });

  it('InvokeArgs is the exact argument type (what the testing kit’s runner takes)', () => {
    expectTypeOf<InvokeArgs<typeof Rename>>().toEqualTypeOf<{
      readonly params: { readonly authorId: number };
      readonly payload: { name?: string; nickname?: string | null };
    }>();
    const args: InvokeArgs<typeof Create> = { payload: { name: 'Ada', email: 'a@x.io' } };
    // @ts-expect-error 'emial' is not a field of CreateAuthor
    const bad: InvokeArgs<typeof Create> = { payload: { name: 'Ada', emial: 'a@x.io' } };
    expectTypeOf(args).toEqualTypeOf(bad);
  });

  it('invokeRaw takes JSON as it comes (strings for params, snake_case keys), checked at run time', () => {
    const run = async (body: unknown) => {
      await kernel.invokeRaw(Rename, { params: { authorId: '7' }, payload: body });
      await kernel.invokeRaw(Create, { payload: { full_name: 'Ada', email: 3 } });
    };
    expectTypeOf(run).toBeFunction();
  });

  it('ctx.app.invoke inside a use case is checked the same way', () => {
    useCase(Author, {
      params: { authorId: t.Integer() },
      execute: async ({ app, params }) => {
        const renamed = await app.invoke(Rename, { params, payload: { name: 'x' } });
        expectTypeOf(renamed).toEqualTypeOf<AuthorRow | null>();
        // @ts-expect-error 'nmae' is not a field of RenameAuthor
        await app.invoke(Rename, { params, payload: { nmae: 'x' } });
        // @ts-expect-error authorId is an integer
        await app.invoke(Rename, { params: { authorId: String(params.authorId) }, payload: {} });
        return renamed;
      },
    });
  });
});

describe('jobs.run and jobs.dispatch', () => {
  it('params and payload take the job’s declared types', () => {
    const run = async () => {
      const receipt = await jobs.dispatch(SendMail, {
        params: { authorId: 1 },
        payload: { recipientEmail: 'a@x.io' },
      });
      expectTypeOf(receipt).toEqualTypeOf<DispatchReceipt<number | null>>();
      // @ts-expect-error recipientEmail is a string
      await jobs.dispatch(SendMail, { params: { authorId: 1 }, payload: { recipientEmail: 5 } });
      // @ts-expect-error recipientEmail is required
      await jobs.dispatch(SendMail, { params: { authorId: 1 }, payload: {} });
      // @ts-expect-error 'recipient' is not a field of MailInput
      await jobs.dispatch(SendMail, { params: { authorId: 1 }, payload: { recipient: 'a@x.io' } });
      // @ts-expect-error authorId is an integer
      await jobs.dispatch(SendMail, { params: { authorId: '1' }, payload: { recipientEmail: 'a@x.io' } });
      await jobs.dispatch(Tick, { delayMs: 10, priority: 1 });
      // @ts-expect-error Tick takes no payload
      await jobs.dispatch(Tick, { payload: { x: 1 } });

      const sent = await jobs.run(SendMail, {
        params: { authorId: 1 },
        payload: { recipientEmail: 'a@x.io' },
      });
      expectTypeOf(sent).toEqualTypeOf<number | null>();
      await jobs.run(SendMail, {
        params: { authorId: 1 },
        // @ts-expect-error forceFail is a boolean
        payload: { recipientEmail: 'a', forceFail: 'no' },
      });
      expectTypeOf(await jobs.run(Tick, {})).toEqualTypeOf<'tick'>();
    };
    expectTypeOf(run).toBeFunction();
  });

  it('callbacks must be declared for the dispatched job', () => {
    const run = async () => {
      await jobs.dispatch(SendMail, {
        params: { authorId: 1 },
        payload: { recipientEmail: 'a@x.io' },
        callbacks: MailCallbacks,
      });
      await jobs.dispatch(SendMail, {
        params: { authorId: 1 },
        payload: { recipientEmail: 'a' },
        // @ts-expect-error TickCallbacks are declared for Tick, not SendMail
        callbacks: TickCallbacks,
      });
      // Raw: checked when dispatched.
      await jobs.dispatchRaw(SendMail, { params: { authorId: '1' }, payload: {}, callbacks: TickCallbacks });
    };
    expectTypeOf(run).toBeFunction();
  });

  it('ctx.jobs inside a use case is checked the same way', () => {
    useCase(null, {
      params: { authorId: t.Integer() },
      execute: async ({ jobs: ctxJobs, params }) => {
        await ctxJobs.dispatch(SendMail, {
          params,
          payload: { recipientEmail: 'a@x.io' },
          callbacks: MailCallbacks,
        });
        // @ts-expect-error recipientEmail is required
        await ctxJobs.dispatch(SendMail, { params, payload: { forceFail: true } });
        // @ts-expect-error 'recipient' is not a field of MailInput
        return ctxJobs.run(SendMail, { params, payload: { recipient: 'a@x.io' } });
      },
    });
  });
});

describe('app.entity(M)', () => {
  it('create and update take the model’s writable fields; get and delete its primary key', () => {
    const run = async () => {
      const authors = kernel.entity(Author);
      const ada = await authors.create({ name: 'Ada', email: 'a@x.io' });
      expectTypeOf(ada).toEqualTypeOf<AuthorRow>();
      // Nullable and defaulted columns may be left out; a datetime is an ISO string on the wire.
      await authors.create({
        name: 'Ada',
        email: 'a@x.io',
        nickname: null,
        rank: 2,
        joinedAt: '2026-01-01T00:00:00Z',
      });
      // @ts-expect-error name is a string
      await authors.create({ name: 3, email: 'a@x.io' });
      // @ts-expect-error email is required
      await authors.create({ name: 'Ada' });
      // @ts-expect-error 'id' is generated: not writable
      await authors.create({ id: 1, name: 'Ada', email: 'a@x.io' });
      // @ts-expect-error joinedAt travels as an ISO string, not a Date
      await authors.create({ name: 'Ada', email: 'a@x.io', joinedAt: new Date() });

      expectTypeOf(await authors.update(ada.id, { nickname: 'A' })).toEqualTypeOf<AuthorRow>();
      // @ts-expect-error 'nmae' is not a field of Author
      await authors.update(ada.id, { nmae: 'x' });
      // @ts-expect-error rank is an integer
      await authors.update(ada.id, { rank: '1' });
      // @ts-expect-error the id of Author is a number
      await authors.update('1', { rank: 1 });

      expectTypeOf(await authors.get(1)).toEqualTypeOf<AuthorRow>();
      // @ts-expect-error the id of Author is a number
      await authors.get('1');
      await kernel.entity(Code).get('A1');
      // @ts-expect-error the id of Code is a string
      await kernel.entity(Code).get(1);
      expectTypeOf(await authors.delete(1)).toEqualTypeOf<boolean>();
    };
    expectTypeOf(run).toBeFunction();
  });

  it('list: an offset page by default, a cursor page when asked; fields are the model’s', () => {
    const run = async () => {
      const authors = kernel.entity(Author);
      expectTypeOf(await authors.list()).toEqualTypeOf<OffsetPage<AuthorRow>>();
      expectTypeOf(
        await authors.list({
          filter: where('name', 'eq', 'Ada'),
          sort: [{ field: 'rank', direction: 'desc' }],
        }),
      ).toEqualTypeOf<OffsetPage<AuthorRow>>();
      expectTypeOf(await authors.list({ pagination: { mode: 'cursor', limit: 5 } })).toEqualTypeOf<
        CursorPage<AuthorRow>
      >();
      // @ts-expect-error 'nmae' is not a field of Author
      await authors.list({ sort: [{ field: 'nmae', direction: 'asc' }] });
    };
    expectTypeOf(run).toBeFunction();
  });
});
