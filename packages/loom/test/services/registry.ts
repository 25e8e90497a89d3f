import { type ConfigSectionsOf, defineConfigSections, t } from '../../src/index.ts';

/**
 * The services and config sections of the framework's own service tests, declared once the way an
 * application does it (docs/services-and-config.md). The augmentation is program-wide: every use case
 * of this repository sees these names in `ctx.services` / `ctx.config`.
 */

/** Records what the providers do, in order, so tests can assert lifecycles. */
export class Journal {
  readonly entries: string[] = [];
  note(entry: string): void {
    this.entries.push(entry);
  }
}

export class TestMailer {
  readonly sent: { from: string; to: string }[] = [];
  readonly from: string;
  readonly journal: Journal;
  constructor(from: string, journal: Journal) {
    this.from = from;
    this.journal = journal;
  }
  send(to: string): number {
    this.sent.push({ from: this.from, to });
    return this.sent.length;
  }
}

/** A call-scoped unit: one per invocation, disposed after it. */
export class AuditTrail {
  static built = 0;
  readonly id = ++AuditTrail.built;
  readonly lines: string[] = [];
  disposed = false;
  record(line: string): void {
    if (this.disposed) throw new Error('audit trail used after disposal');
    this.lines.push(line);
  }
}

export const TestSections = defineConfigSections({
  mailer: t.Object({
    from: t.String({ minLength: 3 }),
    retries: t.Integer({ minimum: 0, default: 2 }),
    tls: t.Object({ enabled: t.Boolean({ default: false }) }, { default: {} }),
  }),
});

declare module '../../src/index.ts' {
  interface AppServices {
    journal: Journal;
    mailer: TestMailer;
    audit: AuditTrail;
  }
  interface AppConfigSections extends ConfigSectionsOf<typeof TestSections> {}
}
