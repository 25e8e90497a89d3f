import type { AnyModel, CreateInput, Infer } from '../model/model.ts';

/**
 * Overrides of a factory's defaults: a partial row, or one computed from the sequence number.
 *
 * @example
 * ```ts
 * await users.create({ fullName: 'Ada' });
 * await users.createMany(3, (n) => ({ email: `vip${n}@example.com` }));
 * ```
 */
export type FactoryOverrides<M extends AnyModel> =
  | Partial<CreateInput<M>>
  | ((n: number) => Partial<CreateInput<M>>);

/**
 * Builds rows of one model from defaults numbered by a sequence, and inserts them (see `app.factory`).
 *
 * @example
 * ```ts
 * const users: Factory<typeof User> = app.factory(User, (n) => ({ fullName: `User ${n}`, email: `u${n}@example.com` }));
 * ```
 */
export interface Factory<M extends AnyModel> {
  /** The next row, not inserted: defaults for the next sequence number, then `overrides`. */
  build(overrides?: FactoryOverrides<M>): CreateInput<M>;
  /** Inserts the next row and returns it as stored (ids, defaults, timestamps). */
  create(overrides?: FactoryOverrides<M>): Promise<Infer<M>>;
  /** Inserts `count` rows. */
  createMany(count: number, overrides?: FactoryOverrides<M>): Promise<Infer<M>[]>;
  /** Starts the sequence at 1 again (`app.reset()` does it for the app's factories). */
  reset(): void;
}

/**
 * A factory over `insert` (usually `app.seed`): each row gets the next sequence number (1, 2, …), so
 * unique columns stay unique across a test.
 *
 * @example
 * ```ts
 * const users = defineFactory(User, (n) => ({ fullName: `User ${n}`, email: `user${n}@example.com` }),
 *   (rows) => app.seed(User, rows));
 * const ada = await users.create({ fullName: 'Ada' }); // email user1@example.com
 * ```
 */
export function defineFactory<M extends AnyModel>(
  model: M,
  defaults: (n: number) => CreateInput<M>,
  insert: (rows: readonly CreateInput<M>[]) => Promise<Infer<M>[]>,
): Factory<M> {
  let sequence = 0;
  const build = (overrides?: FactoryOverrides<M>): CreateInput<M> => {
    sequence += 1;
    const extra = typeof overrides === 'function' ? overrides(sequence) : (overrides ?? {});
    return { ...defaults(sequence), ...extra } as CreateInput<M>;
  };
  return {
    build,
    async create(overrides) {
      const [row] = await insert([build(overrides)]);
      if (row === undefined) throw new Error(`factory(${model.$name}): the insert returned no row`);
      return row;
    },
    createMany(count, overrides) {
      return insert(Array.from({ length: count }, () => build(overrides)));
    },
    reset() {
      sequence = 0;
    },
  };
}
