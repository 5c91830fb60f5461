import { describe, expect, it } from "vitest";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { connectInProcess } from "../testing/connect.js";
import { createWeatherServer, WEATHER_ID } from "../__fixtures__/weather-extension.js";
import { createAuditTrail } from "../safety/audit-chain.js";
import { memoryAuditSink } from "../safety/audit-sinks.js";
import { verifyAuditChain } from "../safety/audit-verify.js";
import { keyedId } from "../safety/canonical-json.js";
import { serveHttp } from "./serve-http.js";

const key = "audit-key-".repeat(4);

describe("auditing through attachExtension", () => {
  it("writes one record per call, enriched by the binding, with keyed principal and subjects", async () => {
    const sink = memoryAuditSink();
    const audit = createAuditTrail({ sink, key });
    const principal = { id: "dr-who@example.org", scopes: [] };
    const { client, close } = await connectInProcess(() => createWeatherServer({ audit, principal }), { era: "modern" });
    await client.callTool({ name: "weather_forecast", arguments: { city: "Oslo", days: 2 } });
    await expect(client.callTool({ name: "weather_alerts", arguments: { region: "north" } })).rejects.toMatchObject({ code: -32021 });
    await close();
    const records = sink.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      extension: WEATHER_ID,
      binding: "tools/call:weather_forecast",
      outcome: "ok",
      detail: { days: 2 },
      subjects: [keyedId(key, "Oslo")],
      principal: keyedId(key, "dr-who@example.org"),
    });
    expect(records[1]).toMatchObject({ binding: "tools/call:weather_alerts", outcome: "denied", code: "MISSING_CLIENT_EXTENSION" });
    expect(sink.lines.join("\n")).not.toContain("dr-who");
    expect(sink.lines.join("\n")).not.toContain("Oslo");
    expect(verifyAuditChain(sink.lines, { chainKey: key })).toMatchObject({ ok: true, count: 2 });
    const tampered = [...sink.lines];
    tampered[0] = tampered[0]!.replace('"ok"', '"denied"');
    expect(verifyAuditChain(tampered, { chainKey: key })).toMatchObject({ ok: false, line: 1 });
  });

  it("takes the principal from the HTTP bearer token's scopes and claims", async () => {
    const sink = memoryAuditSink();
    const audit = createAuditTrail({ sink, key });
    const running = await serveHttp(() => createWeatherServer({ audit }), {
      port: 0,
      identity: { name: "com.example/weather", title: "Weather", version: "1", description: "d" },
      auth: { token: "t".repeat(40), scopes: ["weather.read"], extra: { subject: "nurse-7" } },
    });
    try {
      const client = new Client({ name: "c", version: "0" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
      await client.connect(new StreamableHTTPClientTransport(new URL(running.url), { requestInit: { headers: { authorization: `Bearer ${"t".repeat(40)}` } } }));
      await client.callTool({ name: "weather_forecast", arguments: { city: "Bergen" } });
      await client.close();
    } finally {
      await running.close();
    }
    const record = JSON.parse(sink.lines.at(-1)!) as { principal: string };
    expect(record.principal).toBe(keyedId(key, "nurse-7"));
  });
});
