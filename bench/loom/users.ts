import {
  command,
  exists,
  restInterface,
  route,
  t,
  useCase,
} from '../../packages/loom/test/support/internals.ts';
import { BenchUser } from './models.ts';

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** The body of `POST /bench/users`. */
export const NewBenchUser = command(
  { fullName: t.String({ maxLength: 120 }), email: t.String({ maxLength: 255 }) },
  { name: 'NewBenchUser' },
);

/**
 * `POST /bench/users`: two rules and a unique check (a taken email is a 422 naming `email`), then one
 * `INSERT … RETURNING`. The insert is the plan's only write, so it runs without BEGIN/COMMIT
 * (`singleStatement`): two round trips, the check and the insert, as the native app sends.
 */
export const CreateBenchUser = useCase(BenchUser, {
  name: 'createBenchUser',
  summary: 'Create a record owner',
  input: NewBenchUser,
  load: { emailTaken: exists(BenchUser, { from: 'input.email', against: 'email' }) },
  rules: ({ check, forbid }) => [
    check('fullName', (name) => name.trim() !== '' || 'must not be blank'),
    check('email', (email) => EMAIL.test(email) || 'invalid email'),
    forbid(({ load }) => load.emailTaken, 'email already exists', { field: 'email' }),
  ],
  singleStatement: true,
  execute: ({ input, repo }) => repo.create(input),
});

/** `/bench/users`: create only. */
export const UsersApi = restInterface(BenchUser, {
  prefix: '/bench/users',
  tags: ['Users'],
  routes: [route.post('/', CreateBenchUser, { status: 201 })],
});
