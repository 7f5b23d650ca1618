import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';

/** What the tests need from Debian's packages, by the file that shows it is installed. */
export const TEST_PACKAGES = {
  'dovecot-imapd': '/usr/sbin/dovecot',
  chromium: '/usr/bin/chromium',
} as const;

export type TestPackage = keyof typeof TEST_PACKAGES;

/**
 * Installs the missing ones with one apt-get run. Neither can come from npm: Playwright's
 * own browser download can't work on a closed network, and Dovecot is no npm package.
 */
export function ensureDebianPackages(packages: TestPackage[] = Object.keys(TEST_PACKAGES) as TestPackage[]): void {
  const missing = packages.filter((name) => !existsSync(TEST_PACKAGES[name]));
  if (missing.length === 0) return;
  if (userInfo().uid !== 0) {
    throw new Error(`Missing Debian packages: run \`apt-get install ${missing.join(' ')}\` (the tests install them themselves when run as root).`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = update.status === 0
    ? spawnSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env })
    : update;
  const still = missing.filter((name) => !existsSync(TEST_PACKAGES[name]));
  if (install.status !== 0 || still.length) throw new Error(`Could not install ${still.join(' ')} with apt-get.`);
}
