// Screenshot tests of the docs site: the landing page, every vertical page and a guide, at a desktop
// (1400 px) and a phone (390 px) width in headless Chromium. No text, image, table or code block may
// reach outside the content column unless it sits in a scroll container that stays inside it, and the
// page itself never scrolls sideways. PNGs land in packages/repo-checks/.vitest/screenshots (git-ignored).
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { launchChromium } from "./chromium.js";
import { siteBuild } from "./docs-build.js";
import { repoRoot, siteDir, verticalFolders } from "./repo.js";
import { serveSite } from "./site.js";

// Built at load time like the other docs tests (outside any hook timeout); cached for the whole run.
const siteBuilt = siteBuild().ok;
const WIDTHS = [1400, 390];
const screenshots = join(repoRoot, "packages", "repo-checks", ".vitest", "screenshots");
const capitalized = (folder: string) => `${folder.charAt(0).toUpperCase()}${folder.slice(1)}`;
const pages = [
  "index.html",
  ...verticalFolders()
    .filter((folder) => existsSync(join(repoRoot, "packages", folder, "dist", "index.js")))
    .map((folder) => `documents/${capitalized(folder)}_vertical.html`),
  "documents/Use_a_vertical.html",
];

/** What overflows the content column of the open page (runs in the browser). */
function overflowing(): { column: number[]; scrollWidth: number; viewport: number; offenders: string[] } {
  const column = document.querySelector(".col-content");
  if (!column) return { column: [], scrollWidth: 0, viewport: 0, offenders: ["no .col-content on the page"] };
  const bounds = column.getBoundingClientRect();
  const inside = (rect: DOMRect) => rect.right <= bounds.right + 1 && rect.left >= bounds.left - 1;
  // A node is fine outside the column when an ancestor that clips it (a scroll container) is inside.
  const clipped = (node: Node) => {
    for (let parent = node.parentElement; parent && parent !== column; parent = parent.parentElement) {
      if (getComputedStyle(parent).overflowX !== "visible" && inside(parent.getBoundingClientRect())) return true;
    }
    return false;
  };
  const offenders: string[] = [];
  const walker = document.createTreeWalker(column, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent?.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rect = [...range.getClientRects()].find((candidate) => candidate.width > 0 && !inside(candidate));
    if (rect && !clipped(node)) offenders.push(`text "${node.textContent.trim().slice(0, 50)}" at ${Math.round(rect.left)}–${Math.round(rect.right)}`);
  }
  for (const element of column.querySelectorAll("img, svg, video, canvas, iframe, table, pre, input")) {
    const rect = element.getBoundingClientRect();
    if (rect.width > 0 && !inside(rect) && !clipped(element)) offenders.push(`<${element.tagName.toLowerCase()}> at ${Math.round(rect.left)}–${Math.round(rect.right)}`);
  }
  return { column: [Math.round(bounds.left), Math.round(bounds.right)], scrollWidth: document.documentElement.scrollWidth, viewport: window.innerWidth, offenders };
}

describe("docs layout at desktop and phone widths", () => {
  let browser: Browser;
  let site: Awaited<ReturnType<typeof serveSite>>;

  beforeAll(async () => {
    expect(siteBuilt, "the docs site did not build; see the docs tests").toBe(true);
    browser = await launchChromium();
    site = await serveSite(siteDir);
    mkdirSync(screenshots, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it("covers the landing page, every vertical page and a guide", () => {
    expect(pages.length).toBeGreaterThanOrEqual(3);
    for (const page of pages) expect(existsSync(join(siteDir, page)), page).toBe(true);
  });

  for (const width of WIDTHS) {
    it(`keeps every page inside its content column at ${width} px`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      const problems: string[] = [];
      try {
        for (const path of pages) {
          await page.goto(new URL(path, site.url).href, { waitUntil: "load" });
          const report = await page.evaluate(overflowing);
          await page.screenshot({ path: join(screenshots, `${path.replace(/\.html$/, "").replace(/\W+/g, "_")}-${width}.png`), fullPage: true });
          expect(report.column.length, `${path}: content column`).toBe(2);
          if (report.scrollWidth > report.viewport) problems.push(`${path}: the page scrolls sideways (${report.scrollWidth} px wide in a ${report.viewport} px window)`);
          for (const offender of report.offenders.slice(0, 5)) problems.push(`${path}: ${offender} outside the column ${report.column.join("–")}`);
        }
      } finally {
        await context.close();
      }
      expect(problems).toEqual([]);
    });
  }
});
