// Reading and serving the built docs site.
import { createServer, type Server } from "node:http";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, normalize, relative, sep } from "node:path";
import type { AddressInfo } from "node:net";

/** Every file of the site, relative paths with forward slashes. */
export function siteFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? siteFiles(path).map((file) => `${name}/${file}`) : [name];
  });
}

/** Internal links (href and src) of an HTML page, anchors kept. External and data links are left out. */
export function internalLinks(html: string): string[] {
  const links: string[] = [];
  for (const match of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
    const link = match[1]!.replace(/&amp;/g, "&");
    if (!link || /^(https?:|mailto:|data:|javascript:|\/\/)/.test(link)) continue;
    links.push(link);
  }
  return links;
}

/** Anchors a page defines (id and name attributes). */
export function anchorsOf(html: string): Set<string> {
  return new Set([...html.matchAll(/\s(?:id|name)="([^"]+)"/g)].map((match) => match[1]!));
}

/** Broken internal links of the site: a missing file, or an anchor the target page does not define. */
export function brokenLinks(dir: string): string[] {
  const broken: string[] = [];
  const anchors = new Map<string, Set<string>>();
  const anchorsFor = (file: string) => {
    if (!anchors.has(file)) anchors.set(file, anchorsOf(readFileSync(join(dir, file), "utf8")));
    return anchors.get(file)!;
  };
  for (const page of siteFiles(dir).filter((file) => file.endsWith(".html"))) {
    const html = readFileSync(join(dir, page), "utf8");
    for (const link of internalLinks(html)) {
      const [path, anchor] = link.split("#") as [string, string | undefined];
      const target = path ? normalize(join(page, "..", decodeURIComponent(path.split("?")[0]!))).split(sep).join("/") : page;
      if (target.startsWith("..") || !existsSync(join(dir, target))) {
        broken.push(`${page} → ${link}`);
        continue;
      }
      if (anchor && target.endsWith(".html") && !anchorsFor(target).has(decodeURIComponent(anchor))) broken.push(`${page} → ${link} (no such anchor)`);
    }
  }
  return broken;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".md": "text/markdown; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

/** Serves a folder on 127.0.0.1 (a free port) and records every path that answered 404. */
export async function serveSite(dir: string): Promise<{ url: string; notFound: string[]; close(): Promise<void> }> {
  const notFound: string[] = [];
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
    let file = normalize(join(dir, path));
    if (relative(dir, file).startsWith("..")) {
      response.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!existsSync(file)) {
      notFound.push(path);
      response.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    response.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    notFound,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
