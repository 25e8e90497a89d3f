/**
 * Rules and computes (loom-core-spec §16.2 checks 5–11), with our semantics where the spec marks a quirk
 * (see docs/decisions/0001-rule-semantics.md): a check passes on `true`/nothing and fails on
 * `false`/string/violation; a forbid fails on `true`/string/violation; checks skip absent fields;
 * `requirePresent` demands presence; computed fields join `fieldsSet`; the default violation field is
 * `null`, never the command's name.
 */
import { describe, expect, it } from 'vitest';
import { NO_GUARDS } from '../../src/use-case/guard.ts';
import { DIALECTS } from '../support/dialects.ts';
import {
  command,
  patch,
  RuleViolations,
  t,
  useCase,
  type Violation,
  withDefault,
} from '../support/internals.ts';
import { caught, useKernel } from './kernel-fixture.ts';

const Contact = command({ email: t.String(), name: t.String() }, { name: 'Contact' });
const ContactPatch = command(
  { email: patch(t.String()), name: patch(t.String()), nickname: patch(t.Union([t.String(), t.Null()])) },
  { name: 'ContactPatch' },
);
const Article = command(
  {
    title: t.String(),
    slug: t.Optional(t.String()),
    lang: withDefault(t.String(), 'en'),
    subtitle: t.Optional(t.Union([t.String(), t.Null()])),
  },
  { name: 'Article' },
);

/** What the echo use cases return: the final input and its fieldsSet, sorted. */
function echo<T extends object & { readonly $fieldsSet: ReadonlySet<string> }>(input: T) {
  return { value: { ...input }, fieldsSet: [...input.$fieldsSet].sort() };
}

describe.each(DIALECTS)('rules and computes on %s', (dialect) => {
  const fx = useKernel(dialect, []);

  describe('check results', () => {
    it('passes when the function returns true or nothing', async () => {
      const uc = useCase(null, {
        input: Contact,
        rules: ({ check }) => [check('email', () => true), check('name', () => undefined)],
        execute: ({ input }) => input.email,
      });
      await expect(fx.kernel.invoke(uc, { payload: { email: 'a@b.co', name: 'Al' } })).resolves.toBe(
        'a@b.co',
      );
    });

    it('fails on false with "<field> is invalid", or with options.message', async () => {
      const uc = useCase(null, {
        input: Contact,
        rules: ({ check }) => [
          check('email', () => false),
          check('name', () => false, { message: 'bad name' }),
        ],
        execute: () => 'ran',
      });
      await expect(fx.kernel.invoke(uc, { payload: { email: 'x', name: 'y' } })).rejects.toMatchObject({
        status: 422,
        violations: [
          { field: 'email', message: 'email is invalid' },
          { field: 'name', message: 'bad name' },
        ],
      });
    });

    it('fails on a string with that message, on the checked field (check 5)', async () => {
      const uc = useCase(null, {
        input: Contact,
        rules: ({ check }) => [
          check('email', (email) => (email === 'invalid' ? 'Invalid email format' : true)),
        ],
        execute: () => 'ran',
      });
      await expect(fx.kernel.invoke(uc, { payload: { email: 'invalid', name: 'A' } })).rejects.toMatchObject({
        code: 'LOOM_RULE_VIOLATIONS',
        violations: [{ field: 'email', message: 'Invalid email format' }],
      });
      await expect(fx.kernel.invoke(uc, { payload: { email: 'a@b.co', name: 'A' } })).resolves.toBe('ran');
    });

    it('fails on a violation object exactly as given', async () => {
      const uc = useCase(null, {
        input: Contact,
        rules: ({ check }) => [
          check('email', (): Violation => ({ field: 'contact', message: 'unreachable address' })),
          check('name', (): Violation => ({ field: null, message: 'names are closed' })),
        ],
        execute: () => 'ran',
      });
      await expect(fx.kernel.invoke(uc, { payload: { email: 'a@b.co', name: 'A' } })).rejects.toMatchObject({
        violations: [
          { field: 'contact', message: 'unreachable address' },
          { field: null, message: 'names are closed' },
        ],
      });
    });

    it('treats an empty string as a failure with the rule message (a string is a failure)', async () => {
      const uc = useCase(null, {
        input: Contact,
        rules: ({ check }) => [check('name', () => '')],
        execute: () => 'ran',
      });
      await expect(fx.kernel.invoke(uc, { payload: { email: 'a@b.co', name: 'A' } })).rejects.toMatchObject({
        violations: [{ field: 'name', message: 'name is invalid' }],
      });
    });

    it('reports any other result as a bug in the rule (not a silent pass, not a 422)', async () => {
      const uc = useCase(null, {
        input: Contact,
        rules: ({ check }) => [check('name', () => 1 as unknown as boolean)],
        execute: () => 'ran',
      });
      const error = await caught(() => fx.kernel.invoke(uc, { payload: { email: 'a@b.co', name: 'A' } }));
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toContain('a rule returned number');
    });
  });

  describe('forbid results', () => {
    it('fails on true with its message; the field is null unless given (not the command name)', async () => {
      const uc = useCase(null, {
        input: Contact,
        rules: ({ forbid }) => [
          forbid(() => true, 'contacts are closed'),
          forbid(({ input }) => input.email.endsWith('@spam.io'), 'spam domain', { field: 'email' }),
        ],
        execute: () => 'ran',
      });
      await expect(
        fx.kernel.invoke(uc, { payload: { email: 'x@spam.io', name: 'A' } }),
      ).rejects.toMatchObject({
        violations: [
          { field: null, message: 'contacts are closed' },
          { field: 'email', message: 'spam domain' },
        ],
      });
    });

    it('passes on false or nothing', async () => {
      const uc = useCase(null, {
        input: Contact,
        rules: ({ forbid }) => [forbid(() => false, 'never'), forbid(() => undefined, 'never either')],
        execute: () => 'ran',
      });
      await expect(fx.kernel.invoke(uc, { payload: { email: 'a@b.co', name: 'A' } })).resolves.toBe('ran');
    });

    it('fails on a string (its message) and on a violation (as given)', async () => {
      const uc = useCase(null, {
        input: Contact,
        rules: ({ forbid }) => [
          forbid(({ input }) => input.name === 'root' && 'reserved name', 'unused', { field: 'name' }),
          forbid(() => ({ field: 'email', message: 'blocked' }), 'unused'),
        ],
        execute: () => 'ran',
      });
      await expect(
        fx.kernel.invoke(uc, { payload: { email: 'a@b.co', name: 'root' } }),
      ).rejects.toMatchObject({
        violations: [
          { field: 'name', message: 'reserved name' },
          { field: 'email', message: 'blocked' },
        ],
      });
    });

    it('sees the bound params (check 7): "1" binds as the integer 1', async () => {
      const uc = useCase(null, {
        params: { userId: t.Integer() },
        input: Contact,
        rules: ({ forbid }) => [forbid(({ params }) => params.userId === 1, 'user 1 is locked')],
        execute: ({ params }) => params.userId,
      });
      await expect(
        fx.kernel.invoke(uc, { params: { userId: 1 }, payload: { email: 'a@b.co', name: 'A' } }),
      ).rejects.toMatchObject({ violations: [{ field: null, message: 'user 1 is locked' }] });
      await expect(
        fx.kernel.invoke(uc, { params: { userId: 2 }, payload: { email: 'a@b.co', name: 'A' } }),
      ).resolves.toBe(2);
    });

    it('runs on use cases without input (rules over params and loads)', async () => {
      const uc = useCase(null, {
        params: { code: t.String() },
        rules: ({ forbid }) => [forbid(({ params }) => params.code === 'x', 'code x is retired')],
        execute: ({ params }) => params.code,
      });
      await expect(fx.kernel.invoke(uc, { params: { code: 'x' } })).rejects.toMatchObject({
        violations: [{ field: null, message: 'code x is retired' }],
      });
      await expect(fx.kernel.invoke(uc, { params: { code: 'y' } })).resolves.toBe('y');
    });
  });

  describe('absent fields', () => {
    it('a check skips an absent field and runs on a present one (null included)', async () => {
      const seen: unknown[] = [];
      const uc = useCase(null, {
        input: ContactPatch,
        rules: ({ check }) => [
          check('email', () => 'email rejected'),
          check('nickname', (nick) => {
            seen.push(nick);
            return nick !== null || 'nickname cannot be cleared';
          }),
        ],
        execute: () => 'ran',
      });
      await expect(fx.kernel.invoke(uc, { payload: {} })).resolves.toBe('ran');
      expect(seen).toEqual([]);
      await expect(
        fx.kernel.invoke(uc, { payload: { email: 'a@b.co', nickname: null } }),
      ).rejects.toMatchObject({
        violations: [
          { field: 'email', message: 'email rejected' },
          { field: 'nickname', message: 'nickname cannot be cleared' },
        ],
      });
      expect(seen).toEqual([null]);
    });

    it('requirePresent fails with "<field> is required" when absent or null (check 8)', async () => {
      const uc = useCase(null, {
        input: ContactPatch,
        rules: ({ requirePresent }) => [
          requirePresent('email'),
          requirePresent('nickname', { message: 'pick a nickname' }),
        ],
        execute: () => 'ran',
      });
      await expect(
        fx.kernel.invoke(uc, { payload: { name: 'Alice', nickname: null } }),
      ).rejects.toMatchObject({
        violations: [
          { field: 'email', message: 'email is required' },
          { field: 'nickname', message: 'pick a nickname' },
        ],
      });
      await expect(fx.kernel.invoke(uc, { payload: { email: 'a@b.co', nickname: 'al' } })).resolves.toBe(
        'ran',
      );
    });
  });

  describe('whenPresent (check 6)', () => {
    it('with a field: the rule runs only when that field was sent', async () => {
      const uc = useCase(null, {
        input: ContactPatch,
        rules: ({ forbid }) => [
          forbid(({ input }) => !input.email?.includes('@'), 'Invalid email format', {
            field: 'email',
          }).whenPresent('email'),
        ],
        execute: () => 'ran',
      });
      await expect(fx.kernel.invoke(uc, { payload: { name: 'Alice' } })).resolves.toBe('ran');
      await expect(fx.kernel.invoke(uc, { payload: { email: 'invalid' } })).rejects.toMatchObject({
        violations: [{ field: 'email', message: 'Invalid email format' }],
      });
    });

    it('with any(...): runs when at least one of the fields was sent', async () => {
      const uc = useCase(null, {
        input: ContactPatch,
        rules: ({ forbid }) => [
          forbid(() => true, 'contact changed').whenPresent({ any: ['email', 'name'] }),
        ],
        execute: () => 'ran',
      });
      await expect(fx.kernel.invoke(uc, { payload: {} })).resolves.toBe('ran');
      await expect(fx.kernel.invoke(uc, { payload: { name: 'A' } })).rejects.toMatchObject({
        violations: [{ message: 'contact changed' }],
      });
    });

    it('with all(...): runs only when every field was sent', async () => {
      const uc = useCase(null, {
        input: ContactPatch,
        rules: ({ forbid }) => [forbid(() => true, 'both changed').whenPresent({ all: ['email', 'name'] })],
        execute: () => 'ran',
      });
      await expect(fx.kernel.invoke(uc, { payload: { email: 'a@b.co' } })).resolves.toBe('ran');
      await expect(fx.kernel.invoke(uc, { payload: { email: 'a@b.co', name: 'A' } })).rejects.toMatchObject({
        violations: [{ message: 'both changed' }],
      });
    });

    it('a patch field sent as null is present', async () => {
      const uc = useCase(null, {
        input: ContactPatch,
        rules: ({ forbid }) => [forbid(() => true, 'nickname touched').whenPresent('nickname')],
        execute: () => 'ran',
      });
      await expect(fx.kernel.invoke(uc, { payload: {} })).resolves.toBe('ran');
      await expect(fx.kernel.invoke(uc, { payload: { nickname: null } })).rejects.toBeInstanceOf(
        RuleViolations,
      );
    });

    it('a non-patch field is present when it has a non-null value (defaults count, explicit null does not)', async () => {
      const uc = useCase(null, {
        input: Article,
        rules: ({ forbid }) => [
          forbid(() => true, 'has a language').whenPresent('lang'),
          forbid(() => true, 'has a subtitle').whenPresent('subtitle'),
        ],
        execute: () => 'ran',
      });
      // `lang` was left out but has its default; `subtitle` is an explicit null.
      await expect(
        fx.kernel.invoke(uc, { payload: { title: 'Hello', subtitle: null } }),
      ).rejects.toMatchObject({
        violations: [{ message: 'has a language' }],
      });
      await expect(
        fx.kernel.invoke(uc, { payload: { title: 'Hello', subtitle: 'World' } }),
      ).rejects.toMatchObject({
        violations: [{ message: 'has a language' }, { message: 'has a subtitle' }],
      });
    });
  });

  describe('aggregation', () => {
    it('runs every rule in declaration order and reports all violations in one 422', async () => {
      const ran: string[] = [];
      const uc = useCase(null, {
        input: Contact,
        rules: ({ check, forbid }) => [
          check('email', () => {
            ran.push('email');
            return 'Invalid';
          }),
          forbid(() => {
            ran.push('passing');
            return false;
          }, 'never'),
          check('name', () => {
            ran.push('name');
            return 'Required';
          }),
          forbid(() => {
            ran.push('last');
            return true;
          }, 'last one'),
        ],
        execute: () => {
          ran.push('execute');
          return 'ran';
        },
      });
      const error = await caught(() => fx.kernel.invoke(uc, { payload: { email: 'x', name: '' } }));
      expect(error).toBeInstanceOf(RuleViolations);
      expect(ran).toEqual(['email', 'passing', 'name', 'last']);
      expect((error as RuleViolations).violations).toEqual([
        { field: 'email', message: 'Invalid' },
        { field: 'name', message: 'Required' },
        { field: null, message: 'last one' },
      ]);
      expect((error as RuleViolations).status).toBe(422);
    });

    it('joins violations into one message (check 9)', () => {
      const error = new RuleViolations([
        { field: 'email', message: 'Invalid' },
        { field: 'name', message: 'Required' },
        { field: null, message: 'closed' },
      ]);
      expect(error.message).toBe('email: Invalid; name: Required; closed');
      expect(error.problemExtensions()).toEqual({ violations: error.violations });
    });

    it('an exception thrown by a rule aborts the call as itself (a bug, not a 422)', async () => {
      const boom = new Error('rule crashed');
      const after: string[] = [];
      const uc = useCase(null, {
        input: Contact,
        rules: ({ forbid }) => [
          forbid(() => {
            throw boom;
          }, 'unused'),
          forbid(() => {
            after.push('ran');
            return true;
          }, 'later'),
        ],
        execute: () => 'ran',
      });
      await expect(fx.kernel.invoke(uc, { payload: { email: 'a@b.co', name: 'A' } })).rejects.toBe(boom);
      expect(after).toEqual([]);
    });
  });

  describe('computes', () => {
    it('copies one field into another (check 10)', async () => {
      const uc = useCase(null, {
        input: Article,
        computes: ({ set }) => [set('slug', ({ input }) => input.title)],
        execute: ({ input }) => echo(input),
      });
      const out = await fx.kernel.invoke(uc, { payload: { title: 'Hello' } });
      expect(out.value.slug).toBe('Hello');
    });

    it('derives a value from input and params (check 10, "Hello-v2")', async () => {
      const uc = useCase(null, {
        params: { suffix: t.String() },
        input: Article,
        computes: ({ set }) => [set('slug', ({ input, params }) => `${input.title}-${params.suffix}`)],
        execute: ({ input }) => input.slug,
      });
      await expect(
        fx.kernel.invoke(uc, { params: { suffix: 'v2' }, payload: { title: 'Hello' } }),
      ).resolves.toBe('Hello-v2');
    });

    it('run before rules: a rule sees the computed value (check 11)', async () => {
      const declare = (withCompute: boolean) =>
        useCase(null, {
          input: Contact,
          computes: ({ set }) =>
            withCompute ? [set('email', ({ input }) => input.email.trim().toLowerCase())] : [],
          rules: ({ check }) => [
            check('email', (email) => email === 'ada@x.io' || `not normalized: ${email}`),
          ],
          execute: ({ input }) => input.email,
        });
      await expect(
        fx.kernel.invoke(declare(true), { payload: { email: ' ADA@X.io ', name: 'Ada' } }),
      ).resolves.toBe('ada@x.io');
      await expect(
        fx.kernel.invoke(declare(false), { payload: { email: ' ADA@X.io ', name: 'Ada' } }),
      ).rejects.toMatchObject({ violations: [{ field: 'email', message: 'not normalized:  ADA@X.io ' }] });
    });

    it('run in order, each seeing the previous result; the input stays frozen', async () => {
      const uc = useCase(null, {
        input: Article,
        computes: ({ set }) => [
          set('title', ({ input }) => input.title.trim()),
          set('slug', ({ input }) => input.title.toLowerCase().replaceAll(' ', '-')),
        ],
        execute: ({ input }) => ({ frozen: Object.isFrozen(input), ...echo(input) }),
      });
      const out = await fx.kernel.invoke(uc, { payload: { title: '  Hello World  ' } });
      expect(out.value).toMatchObject({ title: 'Hello World', slug: 'hello-world' });
      expect(out.frozen).toBe(true);
    });

    it('a guard that saw the input before the computes keeps seeing it as it was, frozen', async () => {
      const seen: unknown[] = [];
      const uc = useCase(null, {
        input: Article,
        guards: (g) => [
          g.allowIf(({ input }) => {
            seen.push(input);
            return true;
          }),
        ],
        computes: ({ set }) => [set('title', ({ input }) => input.title.trim())],
        execute: ({ input }) => ({ frozen: Object.isFrozen(input), ...echo(input) }),
      });
      const out = await fx.kernel.call(uc, {
        payload: { title: '  Hi  ' },
        guards: NO_GUARDS,
        context: {
          traceId: 't-1',
          identity: { subject: 'u1', roles: [], scopes: [], claims: {}, via: 'custom' },
        },
      });
      expect(out).toMatchObject({ frozen: true, value: { title: 'Hi' }, fieldsSet: ['title'] });
      expect(seen).toHaveLength(1);
      expect(seen[0]).toEqual({ title: '  Hi  ', lang: 'en' });
      expect(Object.isFrozen(seen[0])).toBe(true);
    });

    it('a computed field joins fieldsSet, so whenPresent rules on it run', async () => {
      const uc = useCase(null, {
        input: ContactPatch,
        computes: ({ set }) => [set('nickname', ({ input }) => input.name?.slice(0, 3) ?? null)],
        rules: ({ forbid }) => [
          forbid(({ input }) => input.nickname === 'roo', 'reserved nickname').whenPresent('nickname'),
        ],
        execute: ({ input }) => echo(input),
      });
      const out = await fx.kernel.invoke(uc, { payload: { email: 'a@b.co' } });
      expect(out.fieldsSet).toEqual(['email', 'nickname']);
      expect(out.value.nickname).toBeNull();
      await expect(fx.kernel.invoke(uc, { payload: { name: 'root' } })).rejects.toMatchObject({
        violations: [{ message: 'reserved nickname' }],
      });
    });

    it('a compute returning undefined leaves the field as it was (an absent patch field stays absent)', async () => {
      const uc = useCase(null, {
        input: ContactPatch,
        computes: ({ set }) => [set('email', ({ input }) => input.email?.trim().toLowerCase())],
        rules: ({ forbid }) => [forbid(() => true, 'email sent').whenPresent('email')],
        execute: ({ input }) => echo(input),
      });
      const out = await fx.kernel.invoke(uc, { payload: { name: 'Al' } });
      expect(out.fieldsSet).toEqual(['name']);
      expect('email' in out.value).toBe(false);
      await expect(fx.kernel.invoke(uc, { payload: { email: ' A@B.CO ' } })).rejects.toMatchObject({
        violations: [{ message: 'email sent' }],
      });
    });

    it('whenPresent on a compute skips it while the field is absent', async () => {
      const uc = useCase(null, {
        input: Article,
        computes: ({ set }) => [set('slug', ({ input }) => `${input.slug}-x`).whenPresent('slug')],
        execute: ({ input }) => input.slug ?? null,
      });
      await expect(fx.kernel.invoke(uc, { payload: { title: 'T' } })).resolves.toBeNull();
      await expect(fx.kernel.invoke(uc, { payload: { title: 'T', slug: 'a' } })).resolves.toBe('a-x');
    });
  });
});
