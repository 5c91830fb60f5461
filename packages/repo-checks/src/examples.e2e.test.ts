// The guides' examples are not only typechecked (tsc --noEmit) but run: the weather extension over
// real HTTP with a declaring client and a plain one, the template spawned over stdio, and a replica
// behind bearer auth.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { runConformance } from "@mcp-verticals/core/testing";
import { forecastInFahrenheit } from "./examples/weather-client.js";
import { serveWeather } from "./examples/serve-weather.js";
import { createWeatherServer, weatherExtension } from "./examples/weather-extension.js";
import { defineOverStdio } from "./examples/template-over-stdio.js";
import { serveReplica } from "./examples/deploy-replicas.js";
import { repoRoot } from "./repo.js";

describe("guide: add an extension to your own server / use it from your client", () => {
  let running: Awaited<ReturnType<typeof serveWeather>>;
  beforeAll(async () => {
    running = await serveWeather(0);
  });
  afterAll(async () => running?.close());

  it("a declaring client gets the negotiated units", async () => {
    await expect(forecastInFahrenheit(new URL(running.url), "Oslo")).resolves.toBe("Oslo: 39°F");
  });

  it("a plain client gets the fallback (the server's first unit), and a domain error names the field", async () => {
    const client = new Client({ name: "plain", version: "1.0.0" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
    await client.connect(new StreamableHTTPClientTransport(new URL(running.url)));
    const ok = await client.callTool({ name: "weather_forecast", arguments: { city: "Lisbon" } });
    expect(ok.structuredContent).toEqual({ city: "Lisbon", temperature: 19, units: "metric" });
    const unknown = await client.callTool({ name: "weather_forecast", arguments: { city: "Atlantis" } });
    expect(unknown.isError).toBe(true);
    expect(unknown.structuredContent).toMatchObject({ error: { code: "CITY_UNKNOWN", field: "city" } });
    await client.close();
  });

  it("the example extension passes the core's conformance checks", async () => {
    const report = await runConformance(weatherExtension, createWeatherServer, { clientSettings: { units: "imperial" } });
    expect(report.failures).toEqual([]);
  });
});

describe("guide: use a vertical", () => {
  it("spawns the template's reference server over stdio and calls it through the typed client", async () => {
    const entry = await defineOverStdio("extension", process.execPath, [join(repoRoot, "packages", "template", "dist", "bin.js")]);
    expect(entry).toMatchObject({ term: "extension", language: "nb" });
    expect(entry.definition.length).toBeGreaterThan(10);
  });

  it("a replica refuses requests without the bearer token and serves those with it", async () => {
    const replica = await serveReplica({ port: 0, publicHost: "mcp.example.org", token: "s".repeat(40) });
    try {
      const url = new URL(replica.url.replace("0.0.0.0", "127.0.0.1"));
      const anonymous = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
      });
      expect(anonymous.status).toBe(401);
      const client = new Client({ name: "lb-client", version: "1.0.0" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
      await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: `Bearer ${"s".repeat(40)}` } } }));
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toContain("template_lookup_term");
      await client.close();
    } finally {
      await replica.close();
    }
  });
});
