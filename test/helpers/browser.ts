import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ROOT } from './built';

export const CHROMIUM = process.env.USC_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'screenshots');

/**
 * Debian's Chromium drives the e2e tests (never a downloaded browser). On a developer machine without it the
 * e2e suite is skipped with this reason; in CI (CI=true) a missing browser fails the run instead.
 */
export const chromiumMissingReason = existsSync(CHROMIUM)
  ? undefined
  : `Chromium not found at ${CHROMIUM}: install it with "sudo apt-get install chromium" to run the end-to-end tests.`;
export const skipE2e = chromiumMissingReason !== undefined && process.env.CI !== 'true';

export function launchChromium(): Promise<Browser> {
  if (chromiumMissingReason !== undefined) throw new Error(chromiumMissingReason);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return join(SCREENSHOT_DIR, `${name}.png`);
}
