// The guides' examples are not only typechecked (tsc --noEmit) but run: the weather extension over
// real HTTP with a declaring client and a plain one, the template spawned over stdio, and a replica
// behind bearer auth.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { runConformance } from "@mcp-verticals/core/testing";
import { toolErrorOf, verifyAuditTrail } from "@mcp-verticals/core";
import { forecastInFahrenheit } from "./examples/weather-client.js";
import { serveWeather } from "./examples/serve-weather.js";
import { createWeatherServer, weatherExtension } from "./examples/weather-extension.js";
import { defineOverStdio } from "./examples/template-over-stdio.js";
import { serveReplica } from "./examples/deploy-replicas.js";
import { openClinic } from "./examples/attach-healthcare.js";
import { detectTemplate } from "./examples/detect-extension.js";
import { createTemplateServer } from "@mcp-verticals/template";
import { serveHttp } from "@mcp-verticals/core";
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
    expect(toolErrorOf(unknown)).toMatchObject({ code: "CITY_UNKNOWN", field: "city" });
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

describe("guide: attach a vertical to your own server", () => {
  it("serves healthcare on your own McpServer over HTTP, audited into the shared state as one verifiable chain", async () => {
    const dir = mkdtempSync(join(tmpdir(), "clinic-"));
    const clinic = await openClinic({ state: join(dir, "state.sqlite"), secret: "c".repeat(40), auditKeyFile: join(dir, "audit.key") });
    const running = await clinic.serveHttp(0);
    try {
      const client = new Client({ name: "clinic-host", version: "1.0.0" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
      await client.connect(new StreamableHTTPClientTransport(new URL(running.url)));
      expect(client.getServerVersion()?.name).toBe("clinic-assistant");
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toContain("fhir_capabilities");
      const result = await client.callTool({ name: "fhir_capabilities", arguments: {} });
      expect(result.isError).not.toBe(true);
      await client.close();
      const lines = await clinic.auditLines();
      expect(lines.length).toBeGreaterThan(0);
      await expect(verifyAuditTrail({ lines }, { chainKey: clinic.chainKey })).resolves.toMatchObject({ ok: true, count: lines.length });
    } finally {
      await running.close();
      await clinic.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("guide: use an extension from a client (detection)", () => {
  it("over stateless HTTP a 2026-07-28 client is served the negotiated behaviour, and a 2025 client through its initialize session", async () => {
    const running = await serveHttp(() => createTemplateServer(), { port: 0, identity: { name: "io.github.mcp-verticals/template", title: "Template", version: "1.0.0", description: "Glossary" } });
    try {
      await expect(detectTemplate(new URL(running.url), "2026-07-28")).resolves.toEqual({ advertised: true, expected: "nb", served: "nb", gated: "available" });
      await expect(detectTemplate(new URL(running.url), "2025")).resolves.toEqual({ advertised: true, expected: "nb", served: "nb", gated: "available" });
    } finally {
      await running.close();
    }
  });
});
