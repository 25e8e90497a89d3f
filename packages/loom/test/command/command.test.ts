import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { command, isCommand, patch, t, ValidationError, withFields } from '../support/internals.ts';

const CreateUser = command(
  {
    email: t.String({ maxLength: 255 }),
    name: t.String({ minLength: 1 }),
    age: t.Integer({ minimum: 0 }),
  },
  { name: 'CreateUser' },
);

const CreateProduct = command({
  fullName: t.String(),
  priceCents: t.Integer(),
  status: t.String({ default: 'draft' }),
  tags: t.Array(t.String(), { default: [] }),
  note: t.Optional(t.String()),
});

const UpdateUser = command({
  email: patch(t.String()),
  name: patch(t.String()),
  nickname: patch(t.Union([t.String(), t.Null()])),
});

const CreateOrder = command({
  userId: t.Integer(),
  items: t.Array(t.Object({ productId: t.Integer(), quantity: t.Integer({ minimum: 1 }) }), { minItems: 1 }),
});

function problems(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ status: 422, code: 'LOOM_VALIDATION' });
    return [...(error as ValidationError).errors];
  }
  throw new Error('expected a ValidationError');
}

describe('command', () => {
  it('§16.2-1 fieldsSet holds every field the payload carried', () => {
    const input = CreateUser.parse({ email: 'a@b.com', name: 'Alice', age: 30 });
    expect(input).toEqual({ email: 'a@b.com', name: 'Alice', age: 30 });
    expect([...input.$fieldsSet].sort()).toEqual(['age', 'email', 'name']);
    expect(isCommand(CreateUser)).toBe(true);
    expect(CreateUser.$name).toBe('CreateUser');
  });

  it('§16.2-2 unknown keys are accepted, ignored, and never in fieldsSet or the value', () => {
    const input = CreateUser.parse({
      email: 'a@b.com',
      name: 'Alice',
      age: 30,
      unknown: 'x',
      __proto__: { evil: 1 },
    });
    expect(input.$fieldsSet.has('unknown' as never)).toBe(false);
    expect(Object.keys(input).sort()).toEqual(['age', 'email', 'name']);
    expect((input as Record<string, unknown>).evil).toBeUndefined();
  });

  it('§16.2-3 camelCase and snake_case keys both bind to the field', () => {
    const camel = CreateProduct.parse({ fullName: 'Alice', priceCents: 321 });
    const snake = CreateProduct.parse({ full_name: 'Alice', price_cents: 123 });
    expect(camel).toMatchObject({ fullName: 'Alice', priceCents: 321 });
    expect(snake).toMatchObject({ fullName: 'Alice', priceCents: 123 });
    expect([...snake.$fieldsSet].sort()).toEqual(['fullName', 'priceCents']);
    expect(Object.keys(snake)).not.toContain('full_name');
    // Both spellings present: the declared (camelCase) one wins.
    expect(CreateProduct.parse({ fullName: 'camel', full_name: 'snake', priceCents: 1 }).fullName).toBe(
      'camel',
    );
  });

  it('§16.2-4 a patch tells an explicit null (when null is allowed) from an absent field', () => {
    const withNull = UpdateUser.parse({ nickname: null, name: 'Alice' });
    expect(withNull.nickname).toBeNull();
    expect(withNull.$fieldsSet.has('nickname')).toBe(true);
    expect(withNull.$fieldsSet.has('email')).toBe(false);
    expect('email' in withNull).toBe(false);

    const empty = UpdateUser.parse({});
    expect(empty.$fieldsSet.size).toBe(0);
    expect(Object.keys(empty)).toEqual([]);
    expect(empty.email).toBeUndefined();

    // An explicit undefined is absence, not a value.
    expect(UpdateUser.parse({ email: undefined }).$fieldsSet.size).toBe(0);
  });

  it('a patch refuses null when the inner schema does not accept it', () => {
    expect(problems(() => UpdateUser.parse({ email: null }))).toEqual([
      { path: 'email', message: expect.any(String) },
    ]);
  });

  it('collects every problem with its path, not only the first', () => {
    const found = problems(() => CreateUser.parse({ email: 42, age: -1, name: '' }));
    expect(found.map((p) => p.path).sort()).toEqual(['age', 'email', 'name']);
    for (const p of found) expect(p.message).not.toBe('');

    const missing = problems(() => CreateUser.parse({}));
    expect(missing).toEqual(
      expect.arrayContaining([
        { path: 'email', message: 'is required' },
        { path: 'name', message: 'is required' },
        { path: 'age', message: 'is required' },
      ]),
    );
    expect(missing).toHaveLength(3);

    const nested = problems(() =>
      CreateOrder.parse({ userId: 'x', items: [{ productId: 1, quantity: 0 }, { productId: 'p' }] }),
    );
    expect(nested.map((p) => p.path).sort()).toEqual([
      'items/0/quantity',
      'items/1/productId',
      'items/1/quantity',
      'userId',
    ]);
  });

  it('reports a payload that is not an object at the root', () => {
    for (const payload of [null, 'text', 42, [1, 2]]) {
      expect(problems(() => CreateUser.parse(payload))).toEqual([
        { path: '', message: 'must be a JSON object' },
      ]);
    }
    expect(CreateUser.safeParse(null)).toEqual({
      ok: false,
      errors: [{ path: '', message: 'must be a JSON object' }],
    });
  });

  it('safeParse returns the problems instead of throwing', () => {
    const bad = CreateUser.safeParse({ email: 'a@b.com' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors.map((e) => e.path).sort()).toEqual(['age', 'name']);
    const good = CreateUser.safeParse({ email: 'a@b.com', name: 'A', age: 1 });
    expect(good.ok && good.value.age).toBe(1);
  });

  it('applies the defaults of fields the client left out, without putting them in fieldsSet', () => {
    const input = CreateProduct.parse({ fullName: 'Lamp', priceCents: 100 });
    expect(input).toEqual({ fullName: 'Lamp', priceCents: 100, status: 'draft', tags: [] });
    expect([...input.$fieldsSet].sort()).toEqual(['fullName', 'priceCents']);
    expect('note' in input).toBe(false);
    const sent = CreateProduct.parse({ fullName: 'Lamp', priceCents: 100, status: 'live' });
    expect(sent.status).toBe('live');
    expect(sent.$fieldsSet.has('status')).toBe(true);
    // Defaults are copied: one parse cannot change another's default.
    const a = CreateProduct.parse({ fullName: 'a', priceCents: 1 });
    const b = CreateProduct.parse({ fullName: 'b', priceCents: 1 });
    expect(a.tags).not.toBe(b.tags);
  });

  it('a patch field with a default is refused at declaration', () => {
    expect(() => patch(t.String({ default: 'x' }))).toThrow(/cannot have a default/);
  });

  it('the parsed value is frozen; withFields returns a new frozen value with the changes in fieldsSet', () => {
    const input = UpdateUser.parse({ email: 'A@B.COM' });
    expect(Object.isFrozen(input)).toBe(true);
    expect(() => {
      (input as { email?: string }).email = 'x';
    }).toThrow(TypeError);
    const next = withFields(input, { email: 'a@b.com', name: 'Al' });
    expect(next).toEqual({ email: 'a@b.com', name: 'Al' });
    expect([...next.$fieldsSet].sort()).toEqual(['email', 'name']);
    expect(Object.isFrozen(next)).toBe(true);
    expect(input).toEqual({ email: 'A@B.COM' });
    expect([...input.$fieldsSet]).toEqual(['email']);
  });

  it('a parsed value shows only its fields: keys, JSON, spread, clone and inspection', () => {
    const input = CreateProduct.parse({ full_name: 'Lamp', priceCents: 100 });
    const fields = { fullName: 'Lamp', priceCents: 100, status: 'draft', tags: [] };
    expect(Object.keys(input)).toEqual(Object.keys(fields));
    expect(JSON.parse(JSON.stringify(input))).toEqual(fields);
    expect({ ...input }).toEqual(fields);
    expect(structuredClone(input)).toEqual(fields);
    expect(inspect(input)).toBe(inspect(fields));
    expect(input.constructor).toBe(Object);
    expect('$fieldsSet' in input).toBe(true);
    // The set is the same object on every read, and withFields keeps the order fields were set in.
    expect(input.$fieldsSet).toBe(input.$fieldsSet);
    expect([...withFields(input, { status: 'live', fullName: 'Lamp 2' }).$fieldsSet]).toEqual([
      'fullName',
      'priceCents',
      'status',
    ]);
  });

  it('refuses the field names a command value reserves', () => {
    expect(() => command({ $fieldsSet: t.String() })).toThrow(/"\$fieldsSet" cannot be a field name/);
    expect(() => command(JSON.parse('{"__proto__": {"type": "string"}}'))).toThrow(
      /"__proto__" cannot be a field name/,
    );
  });

  it('the wire schema marks patch, optional and defaulted fields as not required', () => {
    expect([...(CreateProduct.$schema.required ?? [])].sort()).toEqual(['fullName', 'priceCents']);
    expect(UpdateUser.$schema.required ?? []).toEqual([]);
  });
});
