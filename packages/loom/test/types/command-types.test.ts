import { describe, expect, expectTypeOf, it } from 'vitest';
import { type CommandPayload, type CommandValue, command, type Parsed, patch, t } from '../../src/index.ts';

const fields = {
  email: patch(t.String()),
  nickname: patch(t.Union([t.String(), t.Null()])),
  name: t.String(),
  age: t.Optional(t.Integer()),
  status: t.String({ default: 'new' }),
};
const UpdateUser = command(fields);
type Value = CommandValue<typeof fields>;

describe('command types', () => {
  it('a patch field is optional in CommandValue and nullable only when declared', () => {
    expectTypeOf<Value>().toEqualTypeOf<{
      readonly email?: string;
      readonly nickname?: string | null;
      readonly name: string;
      readonly age?: number;
      readonly status: string;
    }>();
    // @ts-expect-error email was not declared nullable
    const nullEmail: Value = { name: 'a', status: 's', email: null };
    const nullNickname: Value = { name: 'a', status: 's', nickname: null };
    expectTypeOf([nullEmail, nullNickname]).toBeArray();
  });

  it('parse returns the frozen value with a typed fieldsSet', () => {
    expectTypeOf(UpdateUser.parse).returns.toEqualTypeOf<Parsed<Value>>();
    expectTypeOf<Parsed<Value>['$fieldsSet']>().toEqualTypeOf<ReadonlySet<keyof Value & string>>();
    const input = UpdateUser.parse({ name: 'a' });
    expect(() => {
      // @ts-expect-error the value is read-only
      input.name = 'x';
    }).toThrow(TypeError);
  });

  it('the payload may leave out patch and optional fields', () => {
    const { status: _defaulted, ...withoutDefault } = fields;
    expectTypeOf<CommandPayload<typeof withoutDefault>>().toEqualTypeOf<{
      email?: string;
      nickname?: string | null;
      name: string;
      age?: number;
    }>();
  });
});
