import { chromium, Browser, BrowserContext, Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureDebianPackages, TEST_PACKAGES } from './debian-packages';

/** Screenshots a run keeps for people to look at (CI can upload the folder). */
export const ARTIFACTS_DIR = resolve(__dirname, '../../test-artifacts');

/**
 * Debian's Chromium, headless. Background networking stays off: this machine's closed
 * network refuses Chromium's calls home, and they would only slow it down.
 */
export async function launchBrowser(): Promise<Browser> {
  ensureDebianPackages(['chromium']);
  return chromium.launch({
    executablePath: TEST_PACKAGES.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors, uncaught exceptions and failed requests: a page in good order has none. */
  problems: string[];
  /** Alerts and other dialogs the page opened; an XSS payload that ran would show here. */
  dialogs: string[];
}

export async function openPage(browser: Browser, viewport = { width: 1280, height: 900 }): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`exception: ${error.message}`));
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { page, context, problems, dialogs };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
