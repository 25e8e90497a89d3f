import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

function found(): string | undefined {
  return CANDIDATES.find((path) => existsSync(path));
}

/**
 * The Debian chromium the browser tests drive (playwright-core downloads no browser). Installed with
 * apt-get when missing and this process is root (CI, these machines); otherwise the error says how.
 * Present: returns at once.
 */
export function debianChromium(): string {
  const present = found();
  if (present !== undefined) return present;
  if (process.getuid?.() !== 0)
    throw new Error('chromium is not installed: run `sudo apt-get install -y chromium` (Debian package)');
  // Two browser test files may install at once: wait for the other's dpkg lock instead of failing.
  const apt = (args: string[]) =>
    execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], {
      stdio: 'ignore',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  try {
    apt(['install', '-y', '-qq', 'chromium']);
  } catch {
    // A fresh machine's package lists may be missing or stale.
    apt(['update', '-qq']);
    apt(['install', '-y', '-qq', 'chromium']);
  }
  const installed = found();
  if (installed === undefined)
    throw new Error('apt-get installed chromium, but no chromium binary was found');
  return installed;
}
