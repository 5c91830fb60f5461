import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { serveHttp, type RunningHttpServer } from "./serve-http.js";
import { AI_CATALOG_MEDIA_TYPE, aiCatalogIdentifier } from "./ai-catalog.js";
import { CARD_EXTENSIONS_META_KEY, SERVER_CARD_MEDIA_TYPE } from "./server-card.js";
import { McpServer } from "@modelcontextprotocol/server";
import { attachExtension } from "./attach.js";
import { createWeatherServer, weatherExtension, WEATHER_ID } from "../__fixtures__/weather-extension.js";

const identity = { name: "com.example/weather", title: "Weather", version: "1.0.0", description: "Forecasts for tests" };
const jsonHeaders = { "content-type": "application/json", accept: "application/json, text/event-stream" };

describe("server identity: card, catalog and server/discover", () => {
  let running: RunningHttpServer;
  beforeAll(async () => {
    running = await serveHttp(() => createWeatherServer(), { port: 0, identity });
  });
  afterAll(async () => running.close());

  it("the card says what server/discover and initialize answer", async () => {
    const card = (await (await fetch(running.cardUrl, { headers: { accept: SERVER_CARD_MEDIA_TYPE } })).json()) as {
      name: string;
      version: string;
      description: string;
      remotes: { supportedProtocolVersions: string[] }[];
      _meta: Record<string, Record<string, unknown>>;
    };
    const client = new Client({ name: "c", version: "0" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
    await client.connect(new StreamableHTTPClientTransport(new URL(running.url)));
    const discovered = client.getDiscoverResult()!;
    expect(card._meta[CARD_EXTENSIONS_META_KEY]).toEqual(discovered.capabilities.extensions);
    expect(card._meta[CARD_EXTENSIONS_META_KEY]?.[WEATHER_ID]).toMatchObject({ versions: ["1.0", "1.1"] });
    const versions = card.remotes[0]!.supportedProtocolVersions;
    for (const version of discovered.supportedVersions) expect(versions).toContain(version);
    await client.close();
    // Every other version on the card is one the endpoint's initialize accepts as is.
    for (const version of versions.filter((candidate) => !discovered.supportedVersions.includes(candidate))) {
      const response = await fetch(running.url, {
        method: "POST",
        headers: jsonHeaders,
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: version, capabilities: {}, clientInfo: { name: "raw", version: "0" } } }),
      });
      const text = await response.text();
      expect(text).toContain(`"protocolVersion":"${version}"`);
    }
    expect(card).toMatchObject({ name: identity.name, version: identity.version, description: identity.description });
  });

  it("serves the AI Catalog at /.well-known/ai-catalog.json and the older path as an alias", async () => {
    const catalog = await fetch(new URL("/.well-known/ai-catalog.json", running.url));
    expect(catalog.status).toBe(200);
    expect(catalog.headers.get("content-type")).toBe(AI_CATALOG_MEDIA_TYPE);
    const body = await catalog.json();
    expect(body).toEqual({ specVersion: "1.0", entries: [{ identifier: "urn:air:example.com:mcp:weather", type: SERVER_CARD_MEDIA_TYPE, url: running.cardUrl }] });
    const alias = await fetch(new URL("/.well-known/mcp/catalog.json", running.url));
    expect(await alias.json()).toEqual(body);
    expect(aiCatalogIdentifier("io.github.mcp-verticals/finance")).toBe("urn:air:mcp-verticals.github.io:mcp:finance");
  });

  for (const path of ["/mcp/server-card", "/.well-known/ai-catalog.json"]) {
    it(`${path} is readable cross-origin (preflight, CORS on GET, ETag revalidation)`, async () => {
      const url = new URL(path, running.url);
      const preflight = await fetch(url, { method: "OPTIONS", headers: { origin: "https://app.example", "access-control-request-method": "GET", "access-control-request-headers": "if-none-match" } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
      expect(preflight.headers.get("access-control-allow-methods")).toContain("GET");
      expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("if-none-match");
      const first = await fetch(url, { headers: { origin: "https://app.example" } });
      expect(first.status).toBe(200);
      expect(first.headers.get("access-control-allow-origin")).toBe("*");
      expect(first.headers.get("access-control-expose-headers")).toBe("ETag");
      expect(first.headers.get("cache-control")).toBe("public, max-age=3600");
      const etag = first.headers.get("etag")!;
      expect(etag).toMatch(/^"[^"]+"$/);
      const again = await fetch(url, { headers: { origin: "https://app.example", "if-none-match": etag } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe("");
      const changed = await fetch(url, { headers: { "if-none-match": '"something-else"' } });
      expect(changed.status).toBe(200);
    });
  }

  it("names the public URL on the card and in the catalog behind a proxy, and reports a description the server does not say", async () => {
    const errors: Error[] = [];
    const behind = await serveHttp(() => createWeatherServer(), { port: 0, identity, publicUrl: "https://mcp.example.org/weather/", onError: (error) => errors.push(error) });
    try {
      const card = (await (await fetch(behind.cardUrl)).json()) as { remotes: { url: string }[] };
      expect(card.remotes.map((remote) => remote.url)).toEqual(["https://mcp.example.org/weather/mcp"]);
      const catalog = (await (await fetch(new URL("/.well-known/ai-catalog.json", behind.url))).json()) as { entries: { url: string }[] };
      expect(catalog.entries.map((entry) => entry.url)).toEqual(["https://mcp.example.org/weather/mcp/server-card"]);
      expect(JSON.stringify(card) + JSON.stringify(catalog)).not.toContain(new URL(behind.url).host);
      // The weather server's own serverInfo carries no description, so nothing disagrees.
      expect(errors).toEqual([]);
    } finally {
      await behind.close();
    }
    // A server whose own description is not the card's is reported at start, never served silently.
    const described = await serveHttp(
      () => {
        const server = new McpServer({ name: "weather", version: "1.0.0", description: "Something else" });
        attachExtension(server, weatherExtension, { settings: {}, services: { calls: [] } });
        return server;
      },
      { port: 0, identity, onError: (error) => errors.push(error) },
    );
    await described.close();
    expect(errors.map((error) => error.message)).toEqual([`The server card description "${identity.description}" differs from the server's own description "Something else"`]);
    await expect(serveHttp(() => createWeatherServer(), { port: 0, identity, publicUrl: "ftp://mcp.example.org" })).rejects.toMatchObject({ code: "INVALID_PUBLIC_URL" });
  });

  it("the MCP endpoint keeps its Origin check", async () => {
    const response = await fetch(running.url, {
      method: "POST",
      headers: { ...jsonHeaders, origin: "https://app.example" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "0" } } }),
    });
    expect(response.status).toBe(403);
    const preflight = await fetch(running.url, { method: "OPTIONS", headers: { origin: "https://app.example", "access-control-request-method": "POST" } });
    expect(preflight.status).toBe(403);
  });
});
