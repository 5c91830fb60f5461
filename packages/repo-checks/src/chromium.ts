// Headless Chromium for the docs tests: the Debian package (no browser download), driven by
// playwright-core. A missing browser fails the tests with what to install; it never skips them.
import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";

/** Where the browser is: CHROMIUM_PATH, or the Debian package's binary. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Launches headless Chromium, or throws an error that says how to get it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`the docs browser tests need Chromium at ${CHROMIUM}: apt-get install chromium (.ci/run does), or set CHROMIUM_PATH`);
  }
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
}
