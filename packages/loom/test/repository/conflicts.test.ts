import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { useDatabase } from '../support/fixture.ts';
import { Conflict, column, model } from '../support/internals.ts';
import { Owner, Pet, Toy } from '../support/models.ts';

const Code = model('codes', {
  code: column.string(10).primaryKey(),
  label: column.string(40),
});

async function conflictOf(promise: Promise<unknown>): Promise<Conflict> {
  const error = await promise.then(
    () => {
      throw new Error('expected a Conflict, the write succeeded');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Conflict);
  return error as Conflict;
}

describe.each(DIALECTS)('repository conflicts on %s', (dialect) => {
  const fx = useDatabase(dialect, [Owner, Pet, Toy, Code]);
  /** PostgreSQL names every violated constraint; SQLite names none for foreign keys. */
  const fkName = (name: string) => (dialect === 'postgres' ? name : null);

  async function seed() {
    const owners = fx.repo(Owner);
    const pets = fx.repo(Pet);
    const ada = await owners.create({ fullName: 'Ada', email: 'ada@example.com' });
    const bob = await owners.create({ fullName: 'Bob', email: 'bob@example.com' });
    const rex = await pets.create({ ownerId: ada.id, name: 'Rex', tag: 'T1' });
    return { owners, pets, ada, bob, rex };
  }

  it('§16.2-28 a duplicate unique value on insert is a 409 naming uq_<table>_<column>', async () => {
    const { owners } = await seed();
    const conflict = await conflictOf(owners.create({ fullName: 'Other', email: 'ada@example.com' }));
    expect(conflict).toMatchObject({
      status: 409,
      code: 'LOOM_CONFLICT',
      kind: 'unique',
      constraint: 'uq_owners_email',
      table: 'owners',
    });
    expect(conflict.problemExtensions()).toEqual({
      constraint: 'uq_owners_email',
      kind: 'unique',
      violations: [{ field: 'email', message: 'already exists' }],
    });
    // loom's words, not the database's (PostgreSQL's detail quotes the value).
    expect(conflict.message).toBe('an Owner with this email already exists');
    expect(conflict.message).not.toContain('ada@example.com');
    expect(await owners.count()).toBe(2);
  });

  it('a duplicate unique value on update is a 409 and the row keeps its value', async () => {
    const { owners, bob } = await seed();
    const conflict = await conflictOf(owners.update(bob.id, { email: 'ada@example.com' }));
    expect(conflict).toMatchObject({ status: 409, kind: 'unique', constraint: 'uq_owners_email' });
    expect((await owners.getById(bob.id))?.email).toBe('bob@example.com');
  });

  it('a unique nullable column admits many NULLs but not two equal values', async () => {
    const { pets, ada } = await seed();
    await pets.create({ ownerId: ada.id, name: 'A', tag: null });
    await pets.create({ ownerId: ada.id, name: 'B' });
    const conflict = await conflictOf(pets.create({ ownerId: ada.id, name: 'C', tag: 'T1' }));
    expect(conflict).toMatchObject({ kind: 'unique', constraint: 'uq_pets_tag' });
  });

  it('a duplicate primary key is a unique conflict naming pk_<table>', async () => {
    const codes = fx.repo(Code);
    await codes.create({ code: 'EUR', label: 'Euro' });
    const conflict = await conflictOf(codes.create({ code: 'EUR', label: 'Again' }));
    expect(conflict).toMatchObject({
      status: 409,
      kind: 'unique',
      constraint: 'pk_codes',
      violations: [{ field: 'code', message: 'already exists' }],
    });
  });

  it('§16.2-29 an insert with a dangling foreign key is a 409', async () => {
    const { pets } = await seed();
    const conflict = await conflictOf(pets.create({ ownerId: 999, name: 'Ghost' }));
    expect(conflict).toMatchObject({
      status: 409,
      kind: 'foreign_key',
      constraint: fkName('fk_pets_owner_id'),
      violations: [{ field: 'ownerId', message: 'references a row that does not exist' }],
    });
    expect(conflict.message).toBe('ownerId references a row that does not exist');
    expect(await pets.count()).toBe(1);
  });

  it('an update to a dangling foreign key is a 409 and the row keeps its reference', async () => {
    const { pets, rex, ada } = await seed();
    const conflict = await conflictOf(pets.update(rex.id, { ownerId: 999 }));
    expect(conflict).toMatchObject({
      status: 409,
      kind: 'foreign_key',
      constraint: fkName('fk_pets_owner_id'),
    });
    expect((await pets.getById(rex.id))?.ownerId).toBe(ada.id);
  });

  it('deleting a row a restricting foreign key references is a 409 and the row stays', async () => {
    const { owners, ada, bob } = await seed();
    const conflict = await conflictOf(owners.delete(ada.id));
    expect(conflict).toMatchObject({
      status: 409,
      kind: 'foreign_key',
      constraint: fkName('fk_pets_owner_id'),
      violations: [],
    });
    expect(conflict.message).toMatch(/^this Owner is still referenced/);
    expect(await owners.getById(ada.id)).not.toBeNull();
    expect(await owners.delete(bob.id)).toBe(true);
  });

  it('deleting a row a cascading foreign key references deletes the referencing rows', async () => {
    const { pets, rex } = await seed();
    const toys = fx.repo(Toy);
    await toys.create({ petId: rex.id, label: 'ball' });
    await toys.create({ petId: rex.id, label: 'bone' });
    expect(await toys.count()).toBe(2);
    expect(await pets.delete(rex.id)).toBe(true);
    expect(await toys.count()).toBe(0);
  });

  it('a conflict inside a transaction rolls the transaction back', async () => {
    const { owners } = await seed();
    const attempt = fx.db.transaction(async () => {
      await owners.create({ fullName: 'Cy', email: 'cy@example.com' });
      await owners.create({ fullName: 'Ada again', email: 'ada@example.com' });
    });
    expect(await conflictOf(attempt)).toMatchObject({ constraint: 'uq_owners_email' });
    expect(await owners.exists('email', 'cy@example.com')).toBe(false);
  });
});
