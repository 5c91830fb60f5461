// The docs site in a real browser: headless Debian Chromium driven by playwright-core (no browser download).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { repoRoot, siteDir, verticalFolders } from "./repo.js";
import { siteBuild } from "./docs-build.js";
import { serveSite } from "./site.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);
const siteBuilt = siteBuild().ok;
if (!haveChromium && process.env.CI !== "true") {
  console.warn(`browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH). With CI=true they fail instead.`);
}
const builtVerticals = verticalFolders().filter((folder) => existsSync(join(repoRoot, "packages", folder, "dist", "index.js")));
const capitalized = (folder: string) => `${folder.charAt(0).toUpperCase()}${folder.slice(1)}`;

describe.skipIf(!haveChromium && process.env.CI !== "true")("docs site in headless Chromium", () => {
  let browser: Browser;
  let site: Awaited<ReturnType<typeof serveSite>>;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    expect(haveChromium, `Chromium is required in CI: install the Debian package chromium (${CHROMIUM})`).toBe(true);
    expect(siteBuilt, "the docs site did not build; see the docs tests").toBe(true);
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
    site = await serveSite(siteDir);
    page = await browser.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it("renders the landing page", async () => {
    const response = await page.goto(site.url);
    expect(response?.status()).toBe(200);
    await expect(page.title()).resolves.toMatch(/mcp-verticals/);
    const heading = await page.locator(".col-content h1, .col-content h2").first().textContent();
    expect(heading).toMatch(/mcp-verticals/);
    await expect(page.locator("text=How negotiation works in both protocol eras").count()).resolves.toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
  });

  it("reaches every vertical that exists through the navigation", async () => {
    expect(builtVerticals.length).toBeGreaterThan(0);
    for (const folder of builtVerticals) {
      await page.goto(site.url);
      // TypeDoc builds the sidebar from assets/navigation.js after load; a group renders its links when opened.
      const group = page.locator("nav.tsd-navigation #tsd-nav-container > li > details > summary", { hasText: "Verticals" });
      await group.waitFor({ timeout: 15_000 });
      const link = page.locator(`nav.tsd-navigation a[href$='documents/${capitalized(folder)}_vertical.html']`).first();
      if (!(await link.isVisible())) await group.click();
      await link.click({ timeout: 15_000 });
      await page.waitForURL(`**/documents/${capitalized(folder)}_vertical.html`);
      await expect(page.locator(".col-content h1").first().textContent()).resolves.toContain(capitalized(folder));
    }
  });

  it("finds a tool by name with the search box", async () => {
    await page.goto(site.url);
    await page.click("#tsd-search-trigger");
    await page.fill("#tsd-search-input", "template_lookup_term");
    const hit = page.locator("#tsd-search-results li a[href$='documents/Template_vertical.html']");
    await hit.waitFor({ timeout: 15_000 });
    // Choosing the result opens the page that documents the tool.
    await hit.click();
    await page.waitForURL("**/documents/Template_vertical.html");
    await expect(page.locator("h3", { hasText: "template_lookup_term" }).count()).resolves.toBe(1);
  });

  it("answers every internal link and asset with 200 (no 404) while browsing", async () => {
    const html = (await import("./site.js")).siteFiles(siteDir).filter((file) => file.startsWith("documents/") || file === "index.html" || file === "modules.html");
    for (const file of html) await page.goto(new URL(file, site.url).href, { waitUntil: "load" });
    // Follow every link of the landing page and the guides as a reader would.
    await page.goto(site.url);
    const hrefs = await page.$$eval("a[href]", (anchors) => anchors.map((anchor) => (anchor as HTMLAnchorElement).href));
    for (const href of hrefs.filter((href) => href.startsWith(site.url))) {
      const response = await page.request.get(href);
      expect(response.status(), href).toBe(200);
    }
    // The browser asks for /favicon.ico on its own; no page links to it.
    expect(site.notFound.filter((path) => path !== "/favicon.ico")).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
