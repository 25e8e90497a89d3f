import { command, exists, loadById, NotFound, patch, t, useCase } from 'loom-kernel';
import { notBlank, validEmail } from '../shared/validators.ts';
import { User } from './model.ts';

export const CreateUser = command(
  { fullName: t.String({ maxLength: 120 }), email: t.String({ maxLength: 255 }) },
  { name: 'CreateUser' },
);

export const UpdateUser = command(
  { fullName: patch(t.String({ maxLength: 120 })), email: patch(t.String({ maxLength: 255 })) },
  { name: 'UpdateUser' },
);

/** POST /users — every rule runs; a taken email is a 422, not a 409. */
export const CreateUserUseCase = useCase(User, {
  name: 'CreateUser',
  summary: 'Create a user',
  input: CreateUser,
  load: { emailTaken: exists(User, { from: 'input.email', against: 'email' }) },
  rules: ({ check, forbid }) => [
    check('fullName', notBlank('fullName')),
    check('email', validEmail),
    forbid(({ load }) => load.emailTaken, 'email already exists', { field: 'email' }),
  ],
  execute: ({ input, repo }) => repo.create(input),
});

export const GetUserUseCase = useCase(User, {
  name: 'GetUser',
  summary: 'Get a user',
  params: { userId: t.Integer() },
  readOnly: true,
  load: { user: loadById(User, { by: 'userId' }) },
  execute: ({ load }) => load.user,
});

export const ListUsersUseCase = useCase(User, {
  name: 'ListUsers',
  summary: 'List users',
  query: true,
  readOnly: true,
  execute: ({ query, repo }) => repo.list(query),
});

/** PATCH /users/{userId} — the same rules for present fields; keeping one's own email is fine. */
export const UpdateUserUseCase = useCase(User, {
  name: 'UpdateUser',
  summary: 'Update a user',
  params: { userId: t.Integer() },
  input: UpdateUser,
  load: {
    current: loadById(User, { by: 'userId' }),
    emailTaken: exists(User, { from: 'input.email', against: 'email' }),
  },
  rules: ({ check, forbid }) => [
    check('fullName', notBlank('fullName')),
    check('email', validEmail),
    forbid(
      ({ input, load }) => input.email !== load.current.email && load.emailTaken,
      'email already exists',
      {
        field: 'email',
      },
    ).whenPresent('email'),
  ],
  execute: async ({ params, input, repo }) => {
    const updated = await repo.update(params.userId, input);
    if (!updated) throw new NotFound('User', params.userId);
    return updated;
  },
});

export const DeleteUserUseCase = useCase(User, {
  name: 'DeleteUser',
  summary: 'Delete a user (cascades to addresses and orders)',
  params: { userId: t.Integer() },
  execute: async ({ params, repo }) => {
    if (!(await repo.delete(params.userId))) throw new NotFound('User', params.userId);
    return true as const;
  },
});
