import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { DIALECTS, openTestDatabase } from '../support/dialects.ts';
import { Kernel, syncSchema } from '../support/internals.ts';
import { CreateUserUseCase, UpdateUserUseCase, User } from './user-fixture.ts';

describe.each(DIALECTS)('use cases on %s', (dialect) => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let kernel: Kernel;
  beforeAll(async () => {
    db = await openTestDatabase(dialect);
    await syncSchema(db, [User]);
    kernel = new Kernel({ db, cursorSecret: 'test-secret-123' });
    kernel.compile([CreateUserUseCase, UpdateUserUseCase]);
  });
  afterAll(() => db.dispose());

  it('creates, computes, checks rules and updates', async () => {
    const u = await kernel.invoke(CreateUserUseCase, { payload: { fullName: 'Ada', email: ' ADA@x.io ' } });
    expectTypeOf(u.email).toEqualTypeOf<string>();
    expect(u.email).toBe('ada@x.io');
    await expect(
      kernel.invoke(CreateUserUseCase, { payload: { fullName: ' ', email: 'ada@x.io' } }),
    ).rejects.toMatchObject({
      status: 422,
      violations: [
        { field: 'fullName', message: 'must not be blank' },
        { field: 'email', message: 'email already exists' },
      ],
    });
    const same = await kernel.invoke(UpdateUserUseCase, {
      params: { userId: u.id },
      payload: { email: 'ada@x.io' },
    });
    expect(same?.email).toBe('ada@x.io');
    await expect(
      kernel.invoke(UpdateUserUseCase, { params: { userId: 999 }, payload: { email: 'bad' } }),
    ).rejects.toMatchObject({ status: 404 });
  });
});
