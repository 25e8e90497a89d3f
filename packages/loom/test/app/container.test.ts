/**
 * The DI container (loom-core-spec §16.2 check 46, ported): singletons by token, `useValue`,
 * `useFactory`/`useClass` with `inject`, errors naming the token, `validate()` building everything at
 * boot, cycles reported with their full path; and services reachable from `execute` via `ctx.resolve`.
 */
import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { Container, token, useCase } from '../support/internals.ts';
import { useKernel } from '../use-case/kernel-fixture.ts';

interface Clock {
  now(): number;
}
const Clock = token<Clock>('Clock');
const Config = token<{ readonly sender: string }>('Config');

class Mailer {
  readonly clock: Clock;
  readonly sender: string;
  constructor(clock: Clock, config: { readonly sender: string }) {
    this.clock = clock;
    this.sender = config.sender;
  }
  send(to: string): string {
    return `${this.sender} → ${to} @${this.clock.now()}`;
  }
}

const fixedClock: Clock = { now: () => 1000 };

function caughtSync(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('Container', () => {
  it('useValue resolves to the registered value itself', () => {
    const c = new Container().register(Clock, { useValue: fixedClock });
    expect(c.resolve(Clock)).toBe(fixedClock);
    expect(c.has(Clock)).toBe(true);
    expect(c.has(Config)).toBe(false);
  });

  it('services are singletons: built once, the same object on every resolve', () => {
    let built = 0;
    const c = new Container().register(Clock, {
      useFactory: () => {
        built++;
        return { now: () => built };
      },
    });
    const first = c.resolve(Clock);
    expect(c.resolve(Clock)).toBe(first);
    expect(built).toBe(1);
  });

  it('useClass with inject: constructor arguments resolved in order', () => {
    const c = new Container()
      .register(Clock, { useValue: fixedClock })
      .register(Config, { useValue: { sender: 'shop@x.io' } })
      .register(Mailer, { useClass: Mailer, inject: [Clock, Config] });
    const mailer = c.resolve(Mailer);
    expect(mailer).toBeInstanceOf(Mailer);
    expect(mailer.send('ada@x.io')).toBe('shop@x.io → ada@x.io @1000');
    expect(c.resolve(Mailer)).toBe(mailer);
  });

  it('registerClass checks the inject list against the constructor', () => {
    const c = new Container()
      .register(Clock, { useValue: fixedClock })
      .register(Config, { useValue: { sender: 's' } })
      .registerClass(Mailer, [Clock, Config]);
    expect(c.resolve(Mailer).sender).toBe('s');
    // @ts-expect-error the dependencies are in the wrong order
    new Container().registerClass(Mailer, [Config, Clock]);
  });

  it('useFactory with inject: the injected services are built first; the factory resolves them', () => {
    const order: string[] = [];
    const Greeting = token<string>('Greeting');
    const c = new Container()
      .register(Config, {
        useFactory: () => {
          order.push('Config');
          return { sender: 'shop' };
        },
      })
      .register(Greeting, {
        useFactory: (resolve) => {
          order.push('Greeting');
          return `hello from ${resolve(Config).sender}`;
        },
        inject: [Config],
      });
    expect(c.resolve(Greeting)).toBe('hello from shop');
    expect(order).toEqual(['Config', 'Greeting']);
  });

  it('an unknown token is an error naming it (and who needed it)', () => {
    const c = new Container();
    expect(caughtSync(() => c.resolve(Clock)).message).toBe('container: no provider registered for Clock');
    expect(caughtSync(() => c.resolve(Mailer)).message).toBe('container: no provider registered for Mailer');
    c.register(Mailer, { useClass: Mailer, inject: [Clock, Config] });
    expect(caughtSync(() => c.resolve(Mailer)).message).toBe(
      'container: no provider registered for Clock (needed by Mailer)',
    );
  });

  it('validate() builds every registered service now', () => {
    const built: string[] = [];
    const c = new Container()
      .register(Clock, {
        useFactory: () => {
          built.push('Clock');
          return fixedClock;
        },
      })
      .register(Config, {
        useFactory: () => {
          built.push('Config');
          return { sender: 's' };
        },
      })
      .register(Mailer, { useClass: Mailer, inject: [Clock, Config] });
    expect(built).toEqual([]);
    c.validate();
    expect(built.sort()).toEqual(['Clock', 'Config']);
    // Nothing is built twice afterwards.
    c.resolve(Mailer);
    c.resolve(Clock);
    expect(built).toHaveLength(2);
  });

  it('validate() reports a missing dependency at boot', () => {
    const c = new Container().register(Mailer, { useClass: Mailer, inject: [Clock, Config] });
    expect(() => c.validate()).toThrow('container: no provider registered for Clock (needed by Mailer)');
  });

  it('a dependency cycle is reported with its full path: A → B → C → A', () => {
    const A = token<string>('A');
    const B = token<string>('B');
    const C = token<string>('C');
    const c = new Container()
      .register(A, { useFactory: (r) => `a${r(B)}`, inject: [B] })
      .register(B, { useFactory: (r) => `b${r(C)}`, inject: [C] })
      .register(C, { useFactory: (r) => `c${r(A)}` });
    expect(caughtSync(() => c.validate()).message).toBe('container: dependency cycle A → B → C → A');
    expect(caughtSync(() => c.resolve(B)).message).toBe('container: dependency cycle B → C → A → B');
  });

  it('a cycle through classes, and a service that needs itself', () => {
    class Left {
      readonly right: unknown;
      constructor(right: unknown) {
        this.right = right;
      }
    }
    class Right {
      readonly left: unknown;
      constructor(left: unknown) {
        this.left = left;
      }
    }
    const c = new Container()
      .register(Left, { useClass: Left, inject: [Right] })
      .register(Right, { useClass: Right, inject: [Left] });
    expect(() => c.resolve(Left)).toThrow('container: dependency cycle Left → Right → Left');
    const Self = token<number>('Self');
    const s = new Container().register(Self, { useFactory: (r) => r(Self) + 1 });
    expect(() => s.resolve(Self)).toThrow('container: dependency cycle Self → Self');
  });

  it('a provider that throws is reported with the service (and the path to it) and keeps the cause', () => {
    const Pool = token<object>('Pool');
    const Repo = token<object>('Repo');
    const refused = new Error('ECONNREFUSED 127.0.0.1:5432');
    const c = new Container()
      .register(Pool, {
        useFactory: () => {
          throw refused;
        },
      })
      .register(Repo, { useFactory: (r) => ({ pool: r(Pool) }), inject: [Pool] });
    const error = caughtSync(() => c.resolve(Repo));
    expect(error.message).toBe('container: building Repo → Pool failed: ECONNREFUSED 127.0.0.1:5432');
    expect(error.cause).toBe(refused);
    expect(() => c.validate()).toThrow('container: building Pool failed: ECONNREFUSED');
    // Nothing half-built was cached: fixing the provider fixes the container.
    c.register(Pool, { useValue: { ok: true } });
    expect(c.resolve(Repo)).toEqual({ pool: { ok: true } });
  });

  it('re-registering replaces a provider until the service is built, then refuses', () => {
    const c = new Container().register(Clock, { useValue: fixedClock });
    const other: Clock = { now: () => 2 };
    c.register(Clock, { useValue: other });
    expect(c.resolve(Clock)).toBe(other);
    expect(() => c.register(Clock, { useValue: fixedClock })).toThrow(
      'container: Clock is already built; register before use',
    );
  });

  it('a child container sees its parent’s services (same singletons) and may add its own', () => {
    const parent = new Container().register(Clock, { useFactory: () => ({ now: () => 7 }) });
    const child = new Container(parent).register(Config, { useValue: { sender: 'child' } });
    child.register(Mailer, { useClass: Mailer, inject: [Clock, Config] });
    expect(child.resolve(Clock)).toBe(parent.resolve(Clock));
    expect(child.resolve(Mailer).send('x')).toBe('child → x @7');
    expect(parent.has(Config)).toBe(false);
  });
});

describe.each(DIALECTS)('container services in use cases on %s', (dialect) => {
  const container = new Container()
    .register(Clock, { useValue: fixedClock })
    .register(Config, { useValue: { sender: 'shop@x.io' } })
    .register(Mailer, { useClass: Mailer, inject: [Clock, Config] });
  const fx = useKernel(dialect, [], { container });

  it('execute reaches registered services through ctx.resolve(Token)', async () => {
    const Notify = useCase(null, {
      execute: ({ resolve }) => {
        const mailer = resolve(Mailer);
        return { sent: mailer.send('ada@x.io'), same: mailer === resolve(Mailer), now: resolve(Clock).now() };
      },
    });
    await expect(fx.kernel.invoke(Notify, {})).resolves.toEqual({
      sent: 'shop@x.io → ada@x.io @1000',
      same: true,
      now: 1000,
    });
    expect(fx.kernel.container).toBe(container);
  });

  it('an unregistered service asked for in execute fails the call with an error naming it', async () => {
    const Missing = token<object>('PaymentGateway');
    const Pay = useCase(null, { execute: ({ resolve }) => resolve(Missing) });
    await expect(fx.kernel.invoke(Pay, {})).rejects.toThrow(
      'container: no provider registered for PaymentGateway',
    );
  });
});
