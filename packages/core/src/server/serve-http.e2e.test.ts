import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { serveHttp, type RunningHttpServer } from "./serve-http.js";
import { CARD_EXTENSIONS_META_KEY, SERVER_CARD_MEDIA_TYPE } from "./server-card.js";
import { createWeatherServer, WEATHER_ID } from "../__fixtures__/weather-extension.js";

const identity = { name: "com.example/weather", title: "Weather", version: "1.0.0", description: "Forecasts for tests" };
const initialize = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
};
const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };

describe("serveHttp", () => {
  let running: RunningHttpServer;
  beforeAll(async () => {
    running = await serveHttp(() => createWeatherServer(), { port: 0, identity, maxBodyBytes: 64 * 1024 });
  });
  afterAll(async () => running.close());

  it("binds to 127.0.0.1 and serves the official client in both eras", async () => {
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    for (const mode of [{ pin: "2026-07-28" }, "legacy"] as const) {
      const client = new Client({ name: "t", version: "0" }, { versionNegotiation: { mode }, capabilities: { extensions: { [WEATHER_ID]: { units: "imperial" } } } });
      await client.connect(new StreamableHTTPClientTransport(new URL(running.url)));
      expect(client.getServerCapabilities()?.extensions?.[WEATHER_ID]).toBeDefined();
      const result = await client.callTool({ name: "weather_forecast", arguments: { city: "Oslo" } });
      expect(result.structuredContent).toMatchObject({ units: "imperial" });
      await client.close();
    }
  });

  it("publishes a server card listing the extensions and a catalog pointing at it", async () => {
    const card = await fetch(running.cardUrl);
    expect(card.headers.get("content-type")).toBe(SERVER_CARD_MEDIA_TYPE);
    const body = (await card.json()) as { remotes: { url: string }[]; _meta: Record<string, Record<string, unknown>> };
    expect(body.remotes[0]?.url).toBe(running.url);
    expect(body._meta[CARD_EXTENSIONS_META_KEY]?.[WEATHER_ID]).toMatchObject({ versions: ["1.0", "1.1"] });
    const catalog = await fetch(new URL("/.well-known/mcp/catalog.json", running.url));
    expect(catalog.headers.get("access-control-allow-origin")).toBe("*");
    expect(((await catalog.json()) as { entries: { url: string }[] }).entries[0]?.url).toBe(running.cardUrl);
  });

  it("refuses foreign Host and Origin headers (DNS rebinding)", async () => {
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(running.url, { method: "POST", headers: { ...headers, host: "evil.example" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end(JSON.stringify(initialize));
    });
    expect(status).toBe(403);
    const origin = await fetch(running.url, { method: "POST", headers: { ...headers, origin: "https://evil.example" }, body: JSON.stringify(initialize) });
    expect(origin.status).toBe(403);
  });

  it("answers malformed JSON and oversized bodies with errors and keeps serving", async () => {
    const malformed = await fetch(running.url, { method: "POST", headers, body: "{not json" });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: number } }).error.code).toBe(-32700);
    const huge = await fetch(running.url, { method: "POST", headers, body: JSON.stringify({ ...initialize, padding: "x".repeat(100_000) }) });
    expect(huge.status).toBe(413);
    const fine = await fetch(running.url, { method: "POST", headers, body: JSON.stringify(initialize) });
    expect(fine.status).toBe(200);
  });
});

describe("serveHttp with a bearer token", () => {
  it("requires the token on the MCP endpoint only", async () => {
    const running = await serveHttp(() => createWeatherServer(), { port: 0, identity, auth: { token: "s3cret-token-value" } });
    try {
      const denied = await fetch(running.url, { method: "POST", headers, body: JSON.stringify(initialize) });
      expect(denied.status).toBe(401);
      expect(denied.headers.get("www-authenticate")).toContain("Bearer");
      const wrong = await fetch(running.url, { method: "POST", headers: { ...headers, authorization: "Bearer nope" }, body: JSON.stringify(initialize) });
      expect(wrong.status).toBe(401);
      const allowed = await fetch(running.url, { method: "POST", headers: { ...headers, authorization: "Bearer s3cret-token-value" }, body: JSON.stringify(initialize) });
      expect(allowed.status).toBe(200);
      expect((await fetch(running.cardUrl)).status).toBe(200);
    } finally {
      await running.close();
    }
  });
});
