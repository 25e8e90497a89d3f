import { column, command, exists, loadById, model, patch, t, useCase } from '../support/internals.ts';

export const User = model(
  'users',
  {
    id: column.int().primaryKey().autoIncrement(),
    fullName: column.string(120),
    email: column.string(255).unique().index(),
  },
  { timestamps: true },
);

export const notBlank = (v: string) => v.trim() !== '' || 'must not be blank';
export const validEmail = (v: string) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v) || 'invalid email';

export const CreateUser = command(
  { fullName: t.String({ maxLength: 120 }), email: t.String({ maxLength: 255 }) },
  { name: 'CreateUser' },
);
export const UpdateUser = command(
  { fullName: patch(t.String({ maxLength: 120 })), email: patch(t.String({ maxLength: 255 })) },
  { name: 'UpdateUser' },
);

export const CreateUserUseCase = useCase(User, {
  name: 'CreateUser',
  input: CreateUser,
  load: { emailTaken: exists(User, { from: 'input.email', against: 'email' }) },
  computes: ({ set }) => [set('email', ({ input }) => input.email.trim().toLowerCase())],
  rules: ({ check, forbid }) => [
    check('fullName', notBlank),
    check('email', validEmail),
    forbid(({ load }) => load.emailTaken, 'email already exists', { field: 'email' }),
  ],
  execute: ({ input, repo }) => repo.create(input),
});

export const UpdateUserUseCase = useCase(User, {
  name: 'UpdateUser',
  params: { userId: t.Integer() },
  input: UpdateUser,
  load: {
    current: loadById(User, { by: 'userId' }),
    emailTaken: exists(User, { from: 'input.email', against: 'email' }),
  },
  rules: ({ check, forbid }) => [
    check('fullName', notBlank),
    check('email', validEmail),
    forbid(
      ({ input, load }) => input.email !== load.current.email && load.emailTaken,
      'email already exists',
      {
        field: 'email',
      },
    ).whenPresent('email'),
  ],
  execute: ({ params, input, repo }) => repo.update(params.userId, input),
});
