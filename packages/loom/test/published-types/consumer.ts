// An application's view of loom-kernel: compiled by published-types.test.ts with a plain tsconfig (no
// "loom-source" condition), so `loom-kernel` resolves to dist/*.d.ts as it does for an installed
// package. Every @ts-expect-error is a mistake the published types must still reject.
import { column, command, exists, job, loadById, model, patch, t, useCase, withDefault } from 'loom-kernel';
import { runUseCase } from 'loom-kernel/testing';

export const Author = model(
  'authors',
  {
    id: column.int().primaryKey().autoIncrement(),
    name: column.string(120),
    email: column.string(255).unique(),
  },
  { timestamps: true },
);

const RenameAuthor = command({ name: patch(t.String()), email: patch(t.String()) }, { name: 'RenameAuthor' });

export const RenameAuthorUseCase = useCase(Author, {
  name: 'RenameAuthor',
  params: { authorId: t.Integer() },
  input: RenameAuthor,
  load: {
    current: loadById(Author, { by: 'authorId' }),
    emailTaken: exists(Author, { from: 'input.email', against: 'email' }),
  },
  rules: ({ check }) => [check('name', (name) => name.trim() !== '' || 'must not be blank')],
  execute: ({ params, input, repo }) => repo.update(params.authorId, input),
});

export const MisspelledRuleField = useCase(Author, {
  input: RenameAuthor,
  rules: ({ check }) => [
    // @ts-expect-error 'nmae' is not a field of RenameAuthor
    check('nmae', () => true),
  ],
  execute: () => null,
});

export const LoadByUndeclaredParam = useCase(Author, {
  params: { authorId: t.Integer() },
  // @ts-expect-error 'authorid' is not a declared param
  load: { current: loadById(Author, { by: 'authorid' }) },
  execute: () => null,
});

export const ExistsOnUnknownColumn = useCase(Author, {
  input: RenameAuthor,
  // @ts-expect-error 'mail' is not a column of Author
  load: { taken: exists(Author, { from: 'input.email', against: 'mail' }) },
  execute: () => null,
});

export async function calls(): Promise<void> {
  const renamed = await runUseCase(RenameAuthorUseCase, {
    params: { authorId: 1 },
    payload: { name: 'Ada' },
  });
  const name: string | undefined = renamed?.name;
  void name;
  // @ts-expect-error authorId is an integer
  await runUseCase(RenameAuthorUseCase, { params: { authorId: 'x' }, payload: {} });
  // @ts-expect-error 'nmae' is not a field of the payload
  await runUseCase(RenameAuthorUseCase, { params: { authorId: 1 }, payload: { nmae: 'x' } });
}

const MailInput = command(
  { recipientEmail: t.String(), forceFail: withDefault(t.Boolean(), false) },
  { name: 'MailInput' },
);

export const SendMail = job({
  name: 'SendMail',
  queue: 'mail',
  params: { authorId: t.Integer() },
  input: MailInput,
  execute: ({ input }) => input.recipientEmail.length,
});

export const CallSites = useCase(null, {
  params: { authorId: t.Integer() },
  execute: async ({ jobs, app, params }) => {
    await jobs.dispatch(SendMail, { params, payload: { recipientEmail: 'a@x.io' } });
    // @ts-expect-error recipientEmail must be a string
    await jobs.dispatch(SendMail, { params, payload: { recipientEmail: 5 } });
    // @ts-expect-error recipientEmail is required
    await jobs.dispatch(SendMail, { params, payload: { forceFail: true } });
    const renamed = await app.invoke(RenameAuthorUseCase, { params: { authorId: 1 }, payload: {} });
    // @ts-expect-error 'nmae' is not a field of RenameAuthor
    await app.invoke(RenameAuthorUseCase, { params: { authorId: 1 }, payload: { nmae: 'x' } });
    const length: number = await jobs.run(SendMail, { params, payload: { recipientEmail: 'a@x.io' } });
    // @ts-expect-error 'recipient' is not a field of MailInput
    await jobs.run(SendMail, { params, payload: { recipient: 'a@x.io' } });
    void renamed;
    void length;
    const authors = app.entity(Author);
    const created = await authors.create({ name: 'Ada', email: 'ada@x.io' });
    // @ts-expect-error name must be a string
    await authors.create({ name: 3, email: 'ada@x.io' });
    // @ts-expect-error 'nmae' is not a field of Author
    await authors.update(created.id, { nmae: 'x' });
    // @ts-expect-error the primary key is an integer
    await authors.get('1');
    return created.name;
  },
});
