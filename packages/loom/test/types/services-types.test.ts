import { describe, expectTypeOf, it } from 'vitest';
import {
  type ContextConfig,
  defineServices,
  job,
  provide,
  type ServicesOf,
  useCase,
} from '../../src/index.ts';
import type { AuditTrail, Journal, TestMailer } from '../services/registry.ts';

// The registry (AppServices, AppConfigSections) is declared once in test/services/registry.ts.

describe('application services and config sections in types', () => {
  it('types ctx.services and ctx.config from the registries, in use cases and jobs', () => {
    useCase(null, {
      execute: ({ services, config }) => {
        expectTypeOf(services.mailer).toEqualTypeOf<TestMailer>();
        expectTypeOf(services.audit).toEqualTypeOf<AuditTrail>();
        expectTypeOf(config.mailer.from).toEqualTypeOf<string>();
        expectTypeOf(config.mailer.retries).toEqualTypeOf<number>();
        expectTypeOf(config.mailer.tls.enabled).toEqualTypeOf<boolean>();
        // loom's own sections are still there.
        expectTypeOf(config.database.poolSize).toEqualTypeOf<number>();
        // @ts-expect-error: no service of that name is registered.
        void services.payments;
        // @ts-expect-error: no such config section.
        void config.payments;
        return services.mailer.send('a@b.c');
      },
    });
    job({
      queue: 'q',
      execute: ({ services }) => {
        expectTypeOf(services.journal).toEqualTypeOf<Journal>();
      },
    });
  });

  it('types provider arguments and checks what a registered name provides', () => {
    const registration = defineServices({
      journal: provide.app(({ config }) => {
        expectTypeOf(config).toEqualTypeOf<ContextConfig>();
        expectTypeOf(config.mailer.from).toEqualTypeOf<string>();
        return {} as Journal;
      }),
      mailer: provide.app(({ services }) => {
        expectTypeOf(services.journal).toEqualTypeOf<Journal>();
        return {} as TestMailer;
      }),
      extra: provide.call(() => 42),
    });
    expectTypeOf<ServicesOf<typeof registration>['extra']>().toEqualTypeOf<number>();
    defineServices({
      // @ts-expect-error: `mailer` is declared as a TestMailer in AppServices.
      mailer: provide.app(() => 'not a mailer'),
    });
    // @ts-expect-error: not a provider.
    defineServices({ journal: {} as Journal });
  });
});
