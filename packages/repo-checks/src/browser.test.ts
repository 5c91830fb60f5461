// The docs site in a real browser: headless Debian Chromium driven by playwright-core (no browser download).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { repoRoot, siteDir, verticalFolders } from "./repo.js";
import { siteBuild } from "./docs-build.js";
import { serveSite } from "./site.js";

import { launchChromium } from "./chromium.js";

const siteBuilt = siteBuild().ok;
const builtVerticals = verticalFolders().filter((folder) => existsSync(join(repoRoot, "packages", folder, "dist", "index.js")));
const capitalized = (folder: string) => `${folder.charAt(0).toUpperCase()}${folder.slice(1)}`;

interface SearchEntry {
  page: string;
  kind: string;
  name: string;
}

describe("docs site in headless Chromium", () => {
  let browser: Browser;
  let site: Awaited<ReturnType<typeof serveSite>>;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    expect(siteBuilt, "the docs site did not build; see the docs tests").toBe(true);
    browser = await launchChromium();
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

  /** The href of the first result the search box shows for a query. */
  async function firstResult(query: string): Promise<string> {
    if (!(await page.locator("#tsd-search-input").isVisible())) await page.click("#tsd-search-trigger");
    await page.fill("#tsd-search-input", query);
    // The results list is rebuilt on input; wait until it answers this query.
    await page.waitForFunction((text) => document.querySelector("#tsd-search-results li a")?.textContent?.includes(text) ?? false, query, { timeout: 15_000 });
    return (await page.locator("#tsd-search-results li a").first().getAttribute("href"))!;
  }

  /** The heading (or table row) an anchor points at, with the `##` section it belongs to. */
  async function target(href: string): Promise<{ tag: string; text: string; section: string } | undefined> {
    await page.goto(new URL(href, site.url).href);
    return page.evaluate(() => {
      const element = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      if (!element) return undefined;
      const headings = [...document.querySelectorAll(".col-content h2")];
      const section = headings.filter((heading) => heading.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING).at(-1);
      const row = element.closest("tr");
      return { tag: row ? "TR" : element.tagName, text: (row ? row.querySelector("td")! : element).textContent!.trim(), section: section?.textContent?.trim() ?? "" };
    });
  }

  it("answers every tool name of every vertical with that tool's anchor as the first search result", async () => {
    const entries = JSON.parse(readFileSync(join(repoRoot, "docs", "generated", "search-entries.json"), "utf8")) as SearchEntry[];
    const tools = entries.filter((entry) => entry.kind === "tool");
    expect(new Set(tools.map((tool) => tool.page.replace(/ vertical$/, "").toLowerCase()))).toEqual(new Set(builtVerticals));
    await page.goto(site.url);
    const hrefs = new Map<string, string>();
    for (const tool of tools) hrefs.set(tool.name, await firstResult(tool.name));
    const wrong: string[] = [];
    for (const tool of tools) {
      const href = hrefs.get(tool.name)!;
      const page = `documents/${tool.page.replace(/ /g, "_")}.html#`;
      const found = href.includes(page) ? await target(href) : undefined;
      if (!found || found.tag !== "H3" || found.text !== tool.name || found.section !== "Tools") wrong.push(`${tool.name} → ${href} (${JSON.stringify(found)})`);
    }
    expect(wrong).toEqual([]);
  });

  it("opens a resource and a settings field at their own anchors", async () => {
    await page.goto(site.url);
    const resource = await firstResult("fhir_metadata");
    expect(resource).toContain("documents/Healthcare_vertical.html#");
    await expect(target(resource)).resolves.toEqual({ tag: "H3", text: "fhir_metadata", section: "Resources" });
    await page.goto(site.url);
    const setting = await firstResult("approval.modes");
    expect(setting).toContain("documents/Finance_vertical.html#server-setting-approval.modes");
    await expect(target(setting)).resolves.toEqual({ tag: "TR", text: "approval.modes", section: "Settings" });
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
