import { describe, expect, it } from "vitest";
import { McpServer } from "@modelcontextprotocol/server";
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
    const served = await connectInProcess(() => createWeatherServer(), { era: "modern", extensions: future.declaration });
    expect(() => future.bind(served.client)).toThrow(/no common version/);
    await served.close();
  });
});
