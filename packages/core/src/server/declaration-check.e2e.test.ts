import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMcpHandler } from "@modelcontextprotocol/server";
import { connectInProcess } from "../testing/connect.js";
import { createWeatherServer, WEATHER_ID } from "../__fixtures__/weather-extension.js";
import { UNSUPPORTED_EXTENSION_VERSION_CODE } from "./declaration-check.js";
import { serveHttp, type RunningHttpServer } from "./serve-http.js";

const field = (path: string) => `capabilities.extensions["${WEATHER_ID}"].${path}`;
const cases = [
  { name: "a value of the wrong kind", settings: { units: "kelvin" }, code: -32602, field: field("units") },
  { name: "an unknown key", settings: { unitz: "metric" }, code: -32602, field: field("unitz") },
  { name: "a version the server does not serve", settings: { versions: ["9.0"] }, code: UNSUPPORTED_EXTENSION_VERSION_CODE, field: field("versions") },
] as const;

const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };
const meta = (settings: unknown) => ({
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientInfo": { name: "raw", version: "0" },
  "io.modelcontextprotocol/clientCapabilities": { extensions: { [WEATHER_ID]: settings } },
});

describe("client declarations are validated the first time the server sees them", () => {
  for (const example of cases) {
    it(`2025 initialize (in memory): ${example.name} fails the connection with the exact key`, async () => {
      const error = await connectInProcess(() => createWeatherServer(), { era: "legacy", extensions: { [WEATHER_ID]: example.settings } }).then(
        () => undefined,
        (reason: unknown) => reason as { code?: number; data?: Record<string, unknown> },
      );
      expect(error?.code).toBe(example.code);
      expect(error?.data?.field).toBe(example.field);
      if (example.code === UNSUPPORTED_EXTENSION_VERSION_CODE) expect(error?.data).toMatchObject({ supported: ["1.0", "1.1"], requested: ["9.0"] });
    });

    it(`2026-07-28 (in process): ${example.name} fails server/discover, so a pinned client cannot connect`, async () => {
      await expect(connectInProcess(() => createWeatherServer(), { era: "modern", extensions: { [WEATHER_ID]: example.settings } })).rejects.toThrow();
      const handler = createMcpHandler(() => createWeatherServer());
      const response = await handler.fetch(
        new Request("http://127.0.0.1/mcp", {
          method: "POST",
          headers: { ...headers, "mcp-protocol-version": "2026-07-28", "mcp-method": "server/discover" },
          body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "server/discover", params: { _meta: meta(example.settings) } }),
        }),
      );
      const text = await response.text();
      const body = JSON.parse(text.includes("data:") ? text.slice(text.indexOf("data:") + 5).trim().split("\n")[0]! : text) as { error?: { code: number; data?: Record<string, unknown> } };
      expect(body.error?.code).toBe(example.code);
      expect(body.error?.data?.field).toBe(example.field);
      await handler.close();
    });
  }
});

describe("over HTTP the refusal carries the SDK's status for -32602 (400)", () => {
  let running: RunningHttpServer;
  beforeAll(async () => {
    running = await serveHttp(() => createWeatherServer(), { port: 0, identity: { name: "com.example/weather", title: "Weather", version: "1.0.0", description: "Forecasts for tests" } });
  });
  afterAll(async () => running.close());

  const post = async (body: unknown, extra: Record<string, string> = {}) => {
    const response = await fetch(running.url, { method: "POST", headers: { ...headers, ...extra }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as { id: unknown; error?: { code: number; data?: Record<string, unknown> } } };
  };

  for (const example of cases) {
    it(`2025 initialize with ${example.name}`, async () => {
      const answer = await post({ jsonrpc: "2.0", id: 7, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: { extensions: { [WEATHER_ID]: example.settings } }, clientInfo: { name: "raw", version: "0" } } });
      expect(answer.status).toBe(400);
      expect(answer.body.id).toBe(7);
      expect(answer.body.error?.code).toBe(example.code);
      expect(answer.body.error?.data?.field).toBe(example.field);
    });

    for (const method of ["server/discover", "tools/list", "resources/list", "prompts/list", "tools/call"] as const) {
      it(`2026-07-28 ${method} with ${example.name}`, async () => {
        const params = { ...(method === "tools/call" ? { name: "weather_forecast", arguments: { city: "Oslo" } } : {}), _meta: meta(example.settings) };
        const answer = await post(
          { jsonrpc: "2.0", id: 3, method, params },
          { "mcp-protocol-version": "2026-07-28", "mcp-method": method, ...(method === "tools/call" ? { "mcp-name": "weather_forecast" } : {}) },
        );
        expect(answer.status).toBe(400);
        expect(answer.body.error?.code).toBe(example.code);
        expect(answer.body.error?.data?.field).toBe(example.field);
      });
    }
  }

  it("valid declarations pass through to the server", async () => {
    const answer = await post({ jsonrpc: "2.0", id: 1, method: "tools/list", params: { _meta: meta({ units: "imperial", versions: ["1.1"] }) } }, { "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/list" });
    expect(answer.status).toBe(200);
    expect(answer.body.error).toBeUndefined();
  });
});
