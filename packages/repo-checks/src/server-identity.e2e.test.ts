// Server identity per the server-card draft (SEP-2127, experimental-ext-server-card @8924e08): every
// reference server, spawned as its real bin over HTTP behind a path-prefix reverse proxy on
// 127.0.0.1 (started with --public-url, or MCP_PUBLIC_URL), serves a card and an AI Catalog that
// validate against the vendored schemas (see __fixtures__/README.md), name the address clients reach
// through the proxy, and say what server/discover, initialize and the vertical's server.json say.
// Card and catalog are readable cross-origin (preflight, CORS, ETag revalidation) while the MCP
// endpoint keeps refusing a foreign Origin.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { startHttpBin, type HttpBin } from "@mcp-verticals/core/testing";
import { repoRoot } from "./repo.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
const fixture = (name: string) => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
ajv.addSchema(fixture("server-card.schema.v1.json"), "server-card");
const validateCard = ajv.compile({ $ref: "server-card#/$defs/ServerCard" });
const validateCatalog = ajv.compile(fixture("ai-catalog.schema.json"));

const CARD_TYPE = "application/mcp-server-card+json";
const EXTENSIONS_META = "io.github.mcp-verticals/extensions";
const foreign = "https://app.example";

const home = mkdtempSync(join(tmpdir(), "server-identity-"));
const bins: HttpBin[] = [];
const proxies: Server[] = [];
afterAll(async () => {
  await Promise.all(bins.map((bin) => bin.kill()));
  await Promise.all(proxies.map((proxy) => new Promise((resolve) => proxy.close(resolve))));
  rmSync(home, { recursive: true, force: true });
});

/**
 * A reverse proxy that serves `upstream` under `prefix` and strips the prefix, as a deployment's
 * front proxy does. It listens before the bin starts, so the bin can be told its public URL.
 */
async function pathPrefixProxy(prefix: string): Promise<{ base: string; pointAt(upstream: URL): void }> {
  let target: URL | undefined;
  const proxy = createServer((incoming, outgoing) => {
    if (target === undefined || !incoming.url?.startsWith(`${prefix}/`)) return void outgoing.writeHead(404).end();
    const forwarded = httpRequest(
      { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url.slice(prefix.length), headers: incoming.headers },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on("error", () => outgoing.writeHead(502).end());
    incoming.pipe(forwarded);
  });
  proxies.push(proxy);
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const address = proxy.address() as { port: number };
  return { base: `http://127.0.0.1:${address.port}${prefix}`, pointAt: (upstream) => void (target = upstream) };
}

type Card = {
  name: string;
  title: string;
  version: string;
  description: string;
  remotes: { type: string; url: string; supportedProtocolVersions: string[] }[];
  _meta: Record<string, Record<string, unknown>>;
};

// Education is told its public URL through the environment, the others through the flag.
for (const name of ["finance", "healthcare", "education", "template"]) {
  describe(`${name}: one identity on the card, in the AI Catalog, in server/discover and in server.json`, () => {
    const serverJson = JSON.parse(readFileSync(join(repoRoot, "packages", name, "server.json"), "utf8"));
    let bin: HttpBin;
    let publicBase: string;

    it("serves a valid card and AI Catalog that name the public URL and agree with server/discover and initialize", async () => {
      const proxy = await pathPrefixProxy(`/${name}`);
      publicBase = proxy.base;
      const viaEnv = name === "education";
      const env = { ...process.env, HOME: join(home, name), XDG_STATE_HOME: join(home, name, "state"), XDG_CONFIG_HOME: join(home, name, "config"), ...(viaEnv ? { MCP_PUBLIC_URL: `${publicBase}/` } : {}) };
      bin = await startHttpBin(join(repoRoot, "packages", name, "dist", "bin.js"), { env, args: viaEnv ? [] : ["--public-url", publicBase] });
      bins.push(bin);
      proxy.pointAt(new URL(bin.url));

      // Discovery as a client does it: the catalog, its entry's url, then the card's remote.
      const catalogResponse = await fetch(`${publicBase}/.well-known/ai-catalog.json`);
      expect(catalogResponse.status).toBe(200);
      expect(catalogResponse.headers.get("content-type")).toBe("application/ai-catalog+json");
      const catalog = (await catalogResponse.json()) as { entries: { identifier: string; type: string; url: string }[] };
      expect(validateCatalog(catalog), JSON.stringify(validateCatalog.errors)).toBe(true);
      expect(catalog.entries).toHaveLength(1);
      const [namespace, short] = (serverJson.name as string).split("/");
      expect(catalog.entries[0]).toEqual({ identifier: `urn:air:${namespace!.split(".").reverse().join(".")}:mcp:${short}`, type: CARD_TYPE, url: `${publicBase}/mcp/server-card` });

      const cardResponse = await fetch(catalog.entries[0]!.url, { headers: { accept: CARD_TYPE } });
      expect(cardResponse.headers.get("content-type")).toBe(CARD_TYPE);
      const card = (await cardResponse.json()) as Card;
      expect(validateCard(card), JSON.stringify(validateCard.errors)).toBe(true);
      expect(card).toMatchObject({ name: serverJson.name, title: serverJson.title, version: serverJson.version, description: serverJson.description });
      if (serverJson.repository) expect(card).toMatchObject({ repository: { url: serverJson.repository.url, source: serverJson.repository.source } });
      expect(card.remotes).toEqual([{ type: "streamable-http", url: `${publicBase}/mcp`, supportedProtocolVersions: expect.any(Array) }]);
      // No URL the server publishes names the address it is bound to behind the proxy.
      const bound = new URL(bin.url).host;
      expect(JSON.stringify(card) + JSON.stringify(catalog)).not.toContain(bound);
      // Its start-up line names the endpoint and card clients use, apart from the bound address.
      const startup = bin.stderr().split("\n").find((line) => line.includes(" listening on "))!;
      expect(startup).toContain(`mcp-${name} listening on ${bin.url} (bound address; clients connect to ${card.remotes[0]!.url}, server card: ${catalog.entries[0]!.url})`);

      // 2026-07-28 through the card's own remote (the proxy): discover says the same.
      const modern = new Client({ name: "identity-check", version: "0" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
      await modern.connect(new StreamableHTTPClientTransport(new URL(card.remotes[0]!.url)));
      const discovered = modern.getDiscoverResult()!;
      expect(card._meta[EXTENSIONS_META]).toEqual(discovered.capabilities.extensions);
      expect(Object.keys(card._meta[EXTENSIONS_META]!).length).toBeGreaterThan(0);
      const versions = card.remotes[0]!.supportedProtocolVersions;
      expect(versions.slice(0, discovered.supportedVersions.length)).toEqual(discovered.supportedVersions);
      expect(modern.getServerVersion()).toMatchObject({ title: serverJson.title, version: serverJson.version, description: serverJson.description });
      await modern.close();

      // Every other revision on the card is one initialize accepts as is, and says the same too.
      for (const version of versions.filter((candidate) => !discovered.supportedVersions.includes(candidate))) {
        const response = await fetch(card.remotes[0]!.url, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: version, capabilities: {}, clientInfo: { name: "raw", version: "0" } } }),
        });
        const text = await response.text();
        const result = JSON.parse(text.trimStart().startsWith("{") ? text : text.split("\n").find((line) => line.startsWith("data:"))!.slice(5)).result;
        expect(result.protocolVersion).toBe(version);
        expect(result.serverInfo).toMatchObject({ title: serverJson.title, version: serverJson.version, description: serverJson.description });
      }
    }, 120_000);

    it("lets any origin read card and catalog (preflight, CORS, ETag), the old catalog path included", async () => {
      const documents = [`${publicBase}/mcp/server-card`, `${publicBase}/.well-known/ai-catalog.json`, `${publicBase}/.well-known/mcp/catalog.json`];
      const bodies: string[] = [];
      for (const url of documents) {
        const preflight = await fetch(url, { method: "OPTIONS", headers: { origin: foreign, "access-control-request-method": "GET", "access-control-request-headers": "if-none-match" } });
        expect(preflight.status, url).toBe(204);
        expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
        expect(preflight.headers.get("access-control-allow-methods")).toContain("GET");
        expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("if-none-match");
        const first = await fetch(url, { headers: { origin: foreign } });
        expect(first.status, url).toBe(200);
        expect(first.headers.get("access-control-allow-origin")).toBe("*");
        expect(first.headers.get("access-control-expose-headers")).toBe("ETag");
        expect(first.headers.get("cache-control")).toBe("public, max-age=3600");
        const etag = first.headers.get("etag")!;
        expect(etag).toMatch(/^"[^"]+"$/);
        bodies.push(await first.text());
        const again = await fetch(url, { headers: { origin: foreign, "if-none-match": etag } });
        expect(again.status, url).toBe(304);
        expect(await again.text()).toBe("");
      }
      // The superseded path is an alias: the same document, byte for byte.
      expect(bodies[2]).toBe(bodies[1]);
    });

    it("keeps the Origin check on the MCP endpoint", async () => {
      const post = await fetch(`${publicBase}/mcp`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream", origin: foreign },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "0" } } }),
      });
      expect(post.status).toBe(403);
      expect(post.headers.get("access-control-allow-origin")).toBeNull();
      const preflight = await fetch(`${publicBase}/mcp`, { method: "OPTIONS", headers: { origin: foreign, "access-control-request-method": "POST" } });
      expect(preflight.status).toBe(403);
    });
  });
}

describe("the vendored schemas reject what they should", () => {
  it("a catalog entry needs a type and exactly one of url and data; a card needs a namespaced name", () => {
    const entry = { identifier: "urn:air:example.com:mcp:weather", type: CARD_TYPE, url: "https://example.com/mcp/server-card" };
    expect(validateCatalog({ specVersion: "1.0", entries: [entry] })).toBe(true);
    expect(validateCatalog({ specVersion: "1.0", entries: [{ ...entry, data: {} }] })).toBe(false);
    expect(validateCatalog({ specVersion: "1.0", entries: [{ identifier: entry.identifier, url: entry.url }] })).toBe(false);
    expect(validateCatalog({ specVersion: "draft", entries: [] })).toBe(false);
    const card = { $schema: "https://static.modelcontextprotocol.io/schemas/v1/server-card.schema.json", name: "com.example/weather", version: "1.0.0", description: "Forecasts" };
    expect(validateCard(card)).toBe(true);
    expect(validateCard({ ...card, name: "no-slash" })).toBe(false);
    expect(validateCard({ ...card, description: "x".repeat(101) })).toBe(false);
  });
});
