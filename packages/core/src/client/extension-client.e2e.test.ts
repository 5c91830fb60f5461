import { describe, expect, it } from "vitest";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { createMcpHandler, McpServer } from "@modelcontextprotocol/server";
import { connectInProcess } from "../testing/connect.js";
import { createExtensionClient, ExtensionNotSupportedError } from "./extension-client.js";
import { createWeatherServer, weatherExtension } from "../__fixtures__/weather-extension.js";
import { ExtensionError } from "../errors.js";

describe("createExtensionClient", () => {
  it("refuses invalid settings before connecting", () => {
    expect(() => createExtensionClient(weatherExtension, { units: "kelvin" } as never)).toThrow(/units/);
  });

  for (const era of ["legacy", "modern"] as const) {
    it(`reads server settings, negotiates and makes typed calls (${era})`, async () => {
      const weather = createExtensionClient(weatherExtension, { units: "imperial" });
      const { client, close } = await connectInProcess(() => createWeatherServer(), { era, extensions: weather.declaration });
      const bound = weather.bind(client);
      expect(bound.version).toBe("1.1");
      expect(bound.serverSettings).toEqual({ units: ["metric", "imperial"], maxDays: 7 });
      expect(bound.settings).toEqual({ units: "imperial", alerts: false });
      const forecast = await bound.callTool("weather_forecast", { city: "Oslo", days: 3 });
      expect(forecast.temperatures).toHaveLength(3);
      expect(await bound.request("stations", { country: "SE" })).toEqual({ stations: ["SE-1"], version: "1.1" });
      await expect(bound.callTool("weather_forecast", { city: "Atlantis" })).rejects.toMatchObject({ code: "NOT_FOUND", field: "city" });
      await expect(bound.callTool("weather_forecast", { city: "Atlantis" })).rejects.toBeInstanceOf(ExtensionError);
      await close();
    });
  }

  it("fails clearly when the server lacks the extension or shares no version", async () => {
    const weather = createExtensionClient(weatherExtension, {});
    const bare = await connectInProcess(() => new McpServer({ name: "bare", version: "1" }, { capabilities: { tools: {} } }), { era: "modern" });
    expect(() => weather.bind(bare.client)).toThrow(ExtensionNotSupportedError);
    await bare.close();
    const future = createExtensionClient(weatherExtension, {}, { versions: ["9.0"] });
    // The server refuses the declaration itself; bind() also checks when connected to one that does not.
    await expect(connectInProcess(() => createWeatherServer(), { era: "legacy", extensions: future.declaration })).rejects.toMatchObject({ code: -31005 });
    const served = await connectInProcess(() => createWeatherServer(), { era: "modern" });
    expect(() => future.bind(served.client)).toThrow(/no common version/);
    await served.close();
  });

  it("reports what the server actually serves, never a negotiation that did not happen", async () => {
    const weather = createExtensionClient(weatherExtension, { units: "imperial" });
    // 2025 era over core's HTTP handler: the session id keeps the declaration.
    const kept = await connectInProcess(() => createWeatherServer(), { era: "legacy", transport: "http", extensions: weather.declaration });
    const bound = weather.bind(kept.client);
    expect(bound).toMatchObject({ negotiated: true, version: "1.1", settings: { units: "imperial" } });
    expect((await bound.callTool("weather_forecast", { city: "Oslo" })).units).toBe("imperial");
    await kept.close();
    // 2025 era over a bare stateless SDK handler: no session, so the server serves the fallback.
    const handler = createMcpHandler(() => createWeatherServer());
    const client = new Client({ name: "c", version: "0" }, { capabilities: { extensions: weather.declaration } });
    await client.connect(new StreamableHTTPClientTransport(new URL("http://127.0.0.1/mcp"), { fetch: (url, init) => handler.fetch(new Request(url, init)) }));
    const lost = weather.bind(client);
    expect(lost).toMatchObject({ negotiated: false, version: undefined, settings: { units: "metric" } });
    expect((await lost.callTool("weather_forecast", { city: "Oslo" })).units).toBe(lost.settings.units);
    await client.close();
    await handler.close();
    // A client that never declared the extension is not negotiated either.
    const plain = await connectInProcess(() => createWeatherServer(), { era: "modern" });
    expect(weather.bind(plain.client)).toMatchObject({ negotiated: false, settings: { units: "metric" } });
    await plain.close();
  });
});
