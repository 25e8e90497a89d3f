import { describe, expect, it } from 'vitest';
import { requirePeer, requirePeerSync } from './require-peer.ts';
import { MissingPackage } from './setup-errors.ts';

// A name no registry will ever serve and no node_modules holds.
const ABSENT = 'loom-absent-peer-7f3c';

describe('requirePeer', () => {
  it('turns a missing package into MissingPackage naming it, the reason and the install command', async () => {
    const error = await requirePeer(ABSENT, 'jobs.backend is bullmq').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingPackage);
    expect(error).toMatchObject({ code: 'LOOM_MISSING_PACKAGE', packages: [ABSENT] });
    expect((error as Error).message).toBe(
      `jobs.backend is bullmq, which needs the package "${ABSENT}": npm install ${ABSENT}`,
    );
  });

  it('names the package, not the subpath, of a missing scoped import', async () => {
    const error = await requirePeer(`@loom-absent/${ABSENT}/adapter`, 'x').catch((e: unknown) => e);
    expect(error).toMatchObject({ packages: [`@loom-absent/${ABSENT}`] });
  });

  it('returns the module of an installed peer', async () => {
    const yaml = await requirePeer<typeof import('yaml')>('yaml', 'x');
    expect(typeof yaml.parse).toBe('function');
  });

  it('rethrows other failures as they are (a file missing inside an installed package)', async () => {
    const error = await requirePeer('yaml/no-such-entry', 'x').catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(MissingPackage);
    expect(error).toBeInstanceOf(Error);
  });
});

describe('requirePeerSync', () => {
  it('turns a missing package into MissingPackage', () => {
    expect(() => requirePeerSync(ABSENT, 'database.url is a PostgreSQL URL')).toThrow(
      `database.url is a PostgreSQL URL, which needs the package "${ABSENT}": npm install ${ABSENT}`,
    );
  });

  it('returns the same module instance that import gives (pg is CommonJS)', async () => {
    const required = requirePeerSync<typeof import('pg')>('pg', 'x');
    const imported = (await import('pg')).default;
    expect(required.Pool).toBe(imported.Pool);
  });
});
