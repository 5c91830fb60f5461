import { describe, expect, it } from "vitest";
import { z } from "zod";
import { connectInProcess } from "../testing/connect.js";
import { toolErrorOf } from "../tool-error.js";
import { createWeatherServer, WEATHER_ID } from "../__fixtures__/weather-extension.js";

for (const era of ["legacy", "modern"] as const) {
  for (const transport of ["memory", "http"] as const) {
    // A 2025 client over stateless HTTP keeps its initialize declarations in a signed session id.
    const seesDeclarations = true;
    describe(`attachExtension (${era}, ${transport})`, () => {
      it("advertises the extension with its settings and versions", async () => {
        const { client, close } = await connectInProcess(() => createWeatherServer(), { era, transport });
        expect(client.getProtocolEra()).toBe(era);
        expect(client.getServerCapabilities()?.extensions?.[WEATHER_ID]).toEqual({ units: ["metric", "imperial"], maxDays: 7, versions: ["1.0", "1.1"] });
        await close();
      });

      it("applies negotiated settings for a declaring client", async () => {
        const { client, close } = await connectInProcess(() => createWeatherServer(), { era, transport, extensions: { [WEATHER_ID]: { units: "imperial", versions: ["1.1"] } } });
        const result = await client.callTool({ name: "weather_forecast", arguments: { city: "Oslo", days: 2 } });
        expect(result.isError).toBeFalsy();
        if (!seesDeclarations) {
          expect(result.structuredContent).toEqual({ city: "Oslo", units: "metric", temperatures: [10, 11] });
          await expect(client.request({ method: `${WEATHER_ID}/stations`, params: { country: "NO" } } as never, z.any())).rejects.toMatchObject({ code: -32021 });
          await close();
          return;
        }
        expect(result.structuredContent).toEqual({ city: "Oslo", units: "imperial", temperatures: [10, 11] });
        const method = await client.request({ method: `${WEATHER_ID}/stations`, params: { country: "NO" } } as never, z.looseObject({ stations: z.array(z.string()), version: z.string() }));
        expect(method).toMatchObject({ stations: ["NO-1"], version: "1.1" });
        await close();
      });

      it("falls back for a plain client and gates required bindings with -32021", async () => {
        const { client, close } = await connectInProcess(() => createWeatherServer(), { era, transport });
        const result = await client.callTool({ name: "weather_forecast", arguments: { city: "Oslo" } });
        expect(result.structuredContent).toEqual({ city: "Oslo", units: "metric", temperatures: [10] });
        await expect(client.callTool({ name: "weather_alerts", arguments: { region: "north" } })).rejects.toMatchObject({
          code: -32021,
          data: { requiredCapabilities: { extensions: { [WEATHER_ID]: {} } } },
        });
        await expect(client.request({ method: `${WEATHER_ID}/stations`, params: { country: "NO" } } as never, z.any())).rejects.toMatchObject({ code: -32021 });
        await close();
      });

      it("rejects invalid client settings with -32602 naming the field before serving anything", async () => {
        const connecting = connectInProcess(() => createWeatherServer(), { era, transport, extensions: { [WEATHER_ID]: { units: "kelvin" } } });
        // A pinned 2026-07-28 client reports the failed server/discover as a negotiation failure.
        if (era === "modern") return void (await expect(connecting).rejects.toThrow());
        await expect(connecting).rejects.toMatchObject({
          code: -32602,
          data: { field: `capabilities.extensions["${WEATHER_ID}"].units` },
        });
      });

      it("returns typed errors, hides internal failures, refuses bad output", async () => {
        const { client, close } = await connectInProcess(() => createWeatherServer({ onError: () => undefined }), { era, transport });
        const missing = await client.callTool({ name: "weather_forecast", arguments: { city: "Atlantis" } });
        expect(missing.isError).toBe(true);
        expect(toolErrorOf(missing)).toMatchObject({ code: "NOT_FOUND", field: "city" });
        // No structuredContent that a client could check against the output schema and refuse.
        expect(missing.structuredContent).toBeUndefined();
        expect(missing.content).toEqual([{ type: "text", text: expect.stringMatching(/^NOT_FOUND: /) }]);
        const bad = await client.callTool({ name: "weather_forecast", arguments: { city: 42 } });
        expect(toolErrorOf(bad)).toMatchObject({ code: "INVALID_ARGUMENTS", field: "city" });
        expect(bad.structuredContent).toBeUndefined();
        const crash = await client.callTool({ name: "weather_forecast", arguments: { city: "Crash" } });
        expect(JSON.stringify(crash)).not.toContain("secret internal detail");
        await expect(client.callTool({ name: "weather_forecast", arguments: { city: "Bug" } })).rejects.toMatchObject({ code: -32603 });
        const after = await client.callTool({ name: "weather_forecast", arguments: { city: "Oslo" } });
        expect(after.isError).toBeFalsy();
        await close();
      });

      it("serves resources and prompts with the binding context", async () => {
        const { client, close } = await connectInProcess(() => createWeatherServer(), { era, transport, extensions: { [WEATHER_ID]: { units: "imperial" } } });
        const read = await client.readResource({ uri: "weather://station/NO-1" });
        const units = seesDeclarations ? "imperial" : "metric";
        expect(JSON.parse((read.contents[0] as { text: string }).text)).toEqual({ id: "NO-1", units });
        const prompt = await client.getPrompt({ name: "weather_brief", arguments: { city: "Oslo" } });
        expect(prompt.messages[0]?.content).toMatchObject({ text: `Brief me on Oslo in ${units}.` });
        await close();
      });
    });
  }
}
