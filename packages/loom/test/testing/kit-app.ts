import {
  autoCrud,
  callbacks,
  collectDeclarations,
  column,
  command,
  exists,
  Forbidden,
  groupCallback,
  job,
  loadById,
  model,
  NotFound,
  patch,
  restInterface,
  route,
  t,
  token,
  useCase,
  withDefault,
} from '../support/internals.ts';

/** A small app the testing kit's own tests boot: members, their notes, a welcome job with callbacks. */
export const Member = model(
  'members',
  {
    id: column.int().primaryKey().autoIncrement(),
    name: column.string(80),
    email: column.string(120).unique(),
    status: column.string(40).default('new'),
  },
  { timestamps: true },
);

export const Note = model('notes', {
  id: column.int().primaryKey().autoIncrement(),
  memberId: column.int().references(() => Member.id, { onDelete: 'cascade' }),
  text: column.string(200),
});

/** A table with no foreign key to members: emptying members cannot cascade into it. */
export const Label = model('labels', {
  id: column.int().primaryKey().autoIncrement(),
  text: column.string(40),
});

export const CreateMember = command(
  { name: t.String({ maxLength: 80 }), email: t.String({ maxLength: 120 }) },
  { name: 'CreateMember' },
);

export const CreateMemberUseCase = useCase(Member, {
  name: 'CreateMember',
  input: CreateMember,
  load: { emailTaken: exists(Member, { from: 'input.email', against: 'email' }) },
  rules: ({ check, forbid }) => [
    check('name', (name) => name.trim() !== '' || 'name must not be blank'),
    check('email', (email) => email.includes('@') || 'invalid email'),
    forbid(({ load }) => load.emailTaken, 'email already exists', { field: 'email' }),
  ],
  computes: ({ set }) => [set('email', ({ input }) => input.email.toLowerCase())],
  execute: ({ input, repo }) => repo.create(input),
});

export const GetMemberUseCase = useCase(Member, {
  name: 'GetMember',
  params: { memberId: t.Integer() },
  readOnly: true,
  load: { member: loadById(Member, { by: 'memberId' }) },
  execute: ({ load }) => load.member,
});

export const RenameMemberUseCase = useCase(Member, {
  name: 'RenameMember',
  params: { memberId: t.Integer() },
  input: command({ name: patch(t.String({ maxLength: 80 })) }, { name: 'RenameMember' }),
  load: { current: loadById(Member, { by: 'memberId' }) },
  rules: ({ forbid }) => [
    forbid(({ input, load }) => input.name === load.current.name, 'same name', { field: 'name' }),
  ],
  execute: async ({ params, input, repo }) => {
    const updated = await repo.update(params.memberId, input);
    if (!updated) throw new NotFound('Member', params.memberId);
    return updated;
  },
});

/** A service use cases resolve from the container. */
export interface Mailer {
  send(to: string, text: string): Promise<string>;
}
export const MAILER = token<Mailer>('Mailer');

export const Welcome = job({
  name: 'Welcome',
  queue: 'mail',
  retries: 1,
  backoffMs: 1,
  params: { memberId: t.Integer() },
  input: command({ greeting: withDefault(t.String(), 'hello') }, { name: 'Welcome' }),
  load: { member: loadById(Member, { by: 'memberId' }) },
  execute: ({ input, load }) => `${input.greeting} ${load.member.name}`,
});

export const WelcomeCallbacks = callbacks(Welcome, {
  name: 'WelcomeCallbacks',
  onSuccess: async ({ context, app }) => {
    await app.entity(Member).update(context.params.memberId, { status: 'welcomed' });
  },
  onFailure: async ({ context, app }) => {
    await app.entity(Member).update(context.params.memberId, { status: 'welcome-failed' });
  },
});

export const WelcomeMemberUseCase = useCase(Member, {
  name: 'WelcomeMember',
  params: { memberId: t.Integer() },
  input: command({ greeting: t.String() }, { name: 'WelcomeMember' }),
  load: { member: loadById(Member, { by: 'memberId' }) },
  execute: ({ params, input, jobs }) =>
    jobs.dispatch(Welcome, { params, payload: input, callbacks: WelcomeCallbacks }),
});

/** A second job, so that `app.jobs.dispatched(Job)` has something to leave out. */
export const Remind = job({
  name: 'Remind',
  queue: 'mail',
  params: { memberId: t.Integer() },
  execute: ({ params }) => `reminded ${params.memberId}`,
});

export const RemindMemberUseCase = useCase(Member, {
  name: 'RemindMember',
  params: { memberId: t.Integer() },
  execute: ({ params, jobs }) => jobs.dispatch(Remind, { params }),
});

/** After a member's welcome and reminder both finished: `reached`, or `partly-reached` when one failed. */
export const OutreachDone = groupCallback<{ memberId: number }>({
  name: 'OutreachDone',
  onComplete: async ({ payload, allCompleted, app }) => {
    const status = allCompleted ? 'reached' : 'partly-reached';
    await app.entity(Member).update(payload.memberId, { status });
  },
});

/** Dispatches a group: the welcome and the reminder, then `OutreachDone`. */
export const ReachMemberUseCase = useCase(Member, {
  name: 'ReachMember',
  params: { memberId: t.Integer() },
  dispatches: [Welcome, Remind],
  execute: ({ params, jobs }) =>
    jobs.dispatchGroup(
      [
        [Welcome, { params, payload: { greeting: 'hey' } }],
        [Remind, { params }],
      ],
      { onComplete: OutreachDone, payload: { memberId: params.memberId } },
    ),
});

/** A list use case: the query it is given is the one it runs. */
export const ListMembersUseCase = useCase(Member, {
  name: 'ListMembers',
  query: true,
  readOnly: true,
  execute: ({ query, repo }) => repo.list(query),
});

/** Dispatches, then fails: the dispatch must vanish with the rolled-back transaction. */
export const WelcomeThenFailUseCase = useCase(Member, {
  name: 'WelcomeThenFail',
  params: { memberId: t.Integer() },
  execute: async ({ params, jobs }) => {
    await jobs.dispatch(Welcome, { params, payload: {} });
    throw new Forbidden('changed my mind');
  },
});

/** Sends mail through the container's mailer (fault tests replace or break it). */
export const MailMemberUseCase = useCase(Member, {
  name: 'MailMember',
  params: { memberId: t.Integer() },
  load: { member: loadById(Member, { by: 'memberId' }) },
  execute: ({ load, resolve }) => resolve(MAILER).send(load.member.email, 'hi'),
});

export const MemberApi = restInterface(Member, {
  prefix: '/members',
  routes: [
    route.post('/', CreateMemberUseCase, { status: 201 }),
    route.get('/{memberId}', GetMemberUseCase),
    route.patch('/{memberId}', RenameMemberUseCase),
    route.put('/{memberId}/name', RenameMemberUseCase),
    route.post('/{memberId}/welcome', WelcomeMemberUseCase, { status: 202 }),
    route.post('/{memberId}/welcome-then-fail', WelcomeThenFailUseCase),
    // No auto delete: DELETE /members/{id} beside /members/{memberId} would be an identical path.
    ...autoCrud(Member, { include: ['list'] }),
  ],
});

export const NoteApi = restInterface(Note, { prefix: '/notes', routes: [...autoCrud(Note)] });

/** The kit app's named declarations, for tests that boot it with one more. */
export const KIT_ENTRIES: readonly (readonly [string, unknown])[] = Object.entries({
  Member,
  Note,
  Label,
  CreateMemberUseCase,
  GetMemberUseCase,
  RenameMemberUseCase,
  WelcomeMemberUseCase,
  WelcomeThenFailUseCase,
  MailMemberUseCase,
  RemindMemberUseCase,
  ReachMemberUseCase,
  ListMembersUseCase,
  Welcome,
  Remind,
  WelcomeCallbacks,
  OutreachDone,
  MemberApi,
  NoteApi,
});

export const KIT_DECLARATIONS = collectDeclarations(KIT_ENTRIES);

/** The dialect matrix of the kit's tests: the same tests on SQLite in memory and on PostgreSQL. */
export const KIT_DATABASES = [
  { dialect: 'sqlite', url: 'sqlite::memory:' },
  { dialect: 'postgres', url: process.env.LOOM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
] as const;
