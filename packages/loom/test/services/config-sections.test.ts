import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineConfigSections, t } from '../../src/index.ts';
import {
  collectDeclarations,
  createApp,
  loadConfigWithSections,
  resolveConfig,
} from '../support/internals.ts';
import { TestSections } from './registry.ts';

function yamlFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'loom-sections-'));
  const file = join(dir, 'api.yaml');
  writeFileSync(file, text);
  return file;
}

describe('application config sections', () => {
  it('validates, defaults and types an app section beside loom’s own', () => {
    const config = resolveConfig(
      { app: { name: 'shop' }, mailer: { from: 'shop@example.com', tls: { enabled: 'true' } } },
      undefined,
      TestSections,
    );
    expect(config.mailer).toEqual({ from: 'shop@example.com', retries: 2, tls: { enabled: true } });
    expect(Object.isFrozen(config.mailer)).toBe(true);
    // Loom's sections are untouched.
    expect(config.database.poolSize).toBe(10);
  });

  it('a typo in an app section fails the boot naming the key, file and line, with a suggestion', async () => {
    const file = yamlFile('app:\n  name: shop\nmailer:\n  from: shop@example.com\n  retires: 3\n');
    const boot = createApp({
      config: [file],
      configSections: TestSections,
      declarations: collectDeclarations([]),
    });
    await expect(boot).rejects.toThrow(
      /mailer\.retires \(.*api\.yaml:5\): unknown key; did you mean "retries"\?/,
    );
  });

  it('reports wrong types and missing keys of app sections with the same messages', () => {
    expect(() =>
      resolveConfig({ app: { name: 'shop' }, mailer: { retries: 'many' } }, undefined, TestSections),
    ).toThrow(/mailer\.from: is required[\s\S]*mailer\.retries: must be an integer, got "many"/);
    expect(() =>
      resolveConfig(
        { app: { name: 'shop' }, mailer: { from: 'a@b.c', tls: { enabeld: true } } },
        undefined,
        TestSections,
      ),
    ).toThrow(/mailer\.tls\.enabeld: unknown key; did you mean "enabled"\?/);
  });

  it('an unknown top-level section is still an error, and without sections an app section is unknown', () => {
    expect(() =>
      resolveConfig({ app: { name: 'shop' }, mailer: { from: 'a@b.c' }, maler: {} }, undefined, TestSections),
    ).toThrow(/maler: unknown key; did you mean "mailer"\?/);
    expect(() => resolveConfig({ app: { name: 'shop' }, mailer: { from: 'a@b.c' } })).toThrow(
      /mailer: unknown key/,
    );
  });

  it('resolves env interpolation in app sections', async () => {
    const file = yamlFile(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: loom's own interpolation syntax, in YAML.
      'app:\n  name: shop\nmailer:\n  from: ${env:LOOM_TEST_MAIL_FROM}\n  retries: ${env:LOOM_TEST_MAIL_RETRIES,5}\n',
    );
    process.env.LOOM_TEST_MAIL_FROM = 'env@example.com';
    try {
      const config = await loadConfigWithSections([file], TestSections);
      expect(config.mailer).toMatchObject({ from: 'env@example.com', retries: 5 });
    } finally {
      delete process.env.LOOM_TEST_MAIL_FROM;
    }
  });

  it('refuses a section named like one of loom’s', () => {
    expect(() => defineConfigSections({ database: t.Object({ url: t.String() }) })).toThrow(
      /config section "database" is loom's own/,
    );
  });
});
