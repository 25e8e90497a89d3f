// An application's own services and config sections, type-checked against the published .d.ts: the
// registries are augmented on 'loom-kernel' as an installed app does it (docs/services-and-config.md).
import {
  type ConfigSectionsOf,
  command,
  computed,
  defineConfigSections,
  defineServices,
  type PayloadOf,
  provide,
  t,
  useCase,
} from 'loom-kernel';
import { createApp } from 'loom-kernel/app';

export class Mailer {
  readonly from: string;
  constructor(from: string) {
    this.from = from;
  }
  send(to: string): Promise<void> {
    void to;
    return Promise.resolve();
  }
}

export const AppSections = defineConfigSections({
  mailer: t.Object({ from: t.String(), port: t.Integer({ default: 25 }) }),
});

declare module 'loom-kernel' {
  interface AppServices {
    mailer: Mailer;
  }
  interface AppConfigSections extends ConfigSectionsOf<typeof AppSections> {}
}

export const services = defineServices({
  mailer: provide.app(({ config }) => new Mailer(config.mailer.from)),
});

export const WrongService = defineServices({
  // @ts-expect-error a mailer must be a Mailer
  mailer: provide.app(() => 42),
});

export const Welcome = useCase(null, {
  input: command({ to: t.String() }),
  execute: async ({ input, services, config }) => {
    const port: number = config.mailer.port;
    await services.mailer.send(input.to);
    // @ts-expect-error no such service
    void services.payments;
    return port;
  },
});

const Line = command({ price: t.Number(), qty: t.Integer(), total: computed(t.Number()) });
export const PriceLine = useCase(null, {
  input: Line,
  computes: ({ set }) => [set('total', ({ input }) => input.price * input.qty)],
  execute: ({ input }) => input.total,
});
// @ts-expect-error a computed field is not part of the client's payload
export const clientTotal: PayloadOf<typeof Line> = { price: 1, qty: 1, total: 3 };

export async function boot(): Promise<void> {
  const app = await createApp({ config: ['config/api.yaml'], services, configSections: AppSections });
  await app.close();
}
