import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { defineExtension } from "../extension/define.js";
import { defineTool } from "../extension/bindings.js";
import { attachExtension } from "./attach.js";
import { confirmWithUser } from "./confirm-with-user.js";
import { requireHumanApproval } from "../approval/human-approval.js";
import { serveHttp, type RunningHttpServer } from "./serve-http.js";
import { memoryStateStore } from "../state/memory-store.js";
import { startRoundRobinProxy, type RoundRobinProxy } from "../__fixtures__/round-robin-proxy.js";
import { weatherExtension, WEATHER_ID } from "../__fixtures__/weather-extension.js";

// The weather extension plus a gated tool that asks the human (form elicitation in the 2025 era).
const evacuate = defineTool({
  name: "weather_evacuate",
  description: "Orders an evacuation once the human confirms.",
  input: z.object({ region: z.string() }),
  output: z.object({ region: z.string(), confirmed: z.boolean() }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  requiresClientExtension: true,
  examples: [{ region: "north" }],
  handler: async ({ region }, context) => ({ region, confirmed: (await confirmWithUser(context, `Evacuate ${region}?`)) === "accepted" }),
});
// A gated write a human approves through core's approval mechanism (form elicitation in the 2025 era).
const dispatch = defineTool({
  name: "weather_dispatch",
  description: "Dispatches a crew once a human approved it.",
  input: z.object({ region: z.string() }),
  output: z.object({ region: z.string(), decision: z.string() }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  requiresClientExtension: true,
  examples: [{ region: "north" }],
  handler: async ({ region }, context) => ({
    region,
    decision: (await requireHumanApproval(context, { binding: "weather_dispatch", args: { region }, preview: { title: "Dispatch a crew?", facts: [`Dispatch to ${region}`] } })).decision,
  }),
});
const extension = defineExtension({ ...weatherExtension, tools: [...weatherExtension.tools, evacuate, dispatch] });
const createServer = () => {
  const server = new McpServer({ name: "weather", version: "1.0.0" });
  attachExtension(server, extension, { settings: {}, services: { calls: [] } });
  return server;
};
const identity = { name: "com.example/weather", title: "Weather", version: "1.0.0", description: "Forecasts for tests" };
const secret = "a shared signing secret of at least 32 bytes";

describe("2025-era sessions across replicas behind a round-robin proxy", () => {
  const replicas: RunningHttpServer[] = [];
  let proxy: RoundRobinProxy;
  const shared = memoryStateStore();
  // Counts answers handed between replicas through the shared state.
  let routedThroughState = 0;
  const state = { ...shared, engine: shared.engine, put: (...args: Parameters<typeof shared.put>) => ((routedThroughState += args[0] === "mcp-session-responses" ? 1 : 0), shared.put(...args)) } as typeof shared;
  beforeAll(async () => {
    for (let index = 0; index < 3; index++) replicas.push(await serveHttp(createServer, { port: 0, identity, sessions: { secret, state } }));
    proxy = await startRoundRobinProxy(replicas.map((replica) => new URL(replica.url).origin));
  });
  afterAll(async () => {
    await proxy.close();
    for (const replica of replicas) await replica.close();
    await shared.close();
  });

  const connect = async (answer: "accept" | "decline") => {
    const client = new Client({ name: "host", version: "1.0.0" }, { capabilities: { elicitation: { form: {} }, extensions: { [WEATHER_ID]: { units: "imperial" } } } });
    const asked: string[] = [];
    client.setRequestHandler("elicitation/create", async (request) => {
      asked.push(String(request.params.message));
      return answer === "accept" ? { action: "accept", content: { confirm: true } } : { action: "decline" };
    });
    const transport = new StreamableHTTPClientTransport(new URL("/mcp", proxy.url));
    await client.connect(transport);
    return { client, transport, asked };
  };

  it("keeps the initialize declaration on every later request, whichever replica serves it", async () => {
    const { client, transport } = await connect("accept");
    expect(client.getProtocolEra()).toBe("legacy");
    expect(transport.sessionId).toMatch(/^v1\./);
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain("weather_alerts");
    for (let round = 0; round < 6; round++) {
      const alerts = await client.callTool({ name: "weather_alerts", arguments: { region: "north" } });
      expect(alerts.structuredContent).toEqual({ alerts: ["storm in north"] });
      const forecast = await client.callTool({ name: "weather_forecast", arguments: { city: "Oslo" } });
      expect(forecast.structuredContent).toMatchObject({ units: "imperial" });
    }
    expect(proxy.hits.every((count) => count > 2)).toBe(true);
    await client.close();
  });

  it("routes the client's elicitation answer to the replica that asked", async () => {
    for (const answer of ["accept", "decline"] as const) {
      const { client, asked } = await connect(answer);
      for (let round = 0; round < 3; round++) {
        const result = await client.callTool({ name: "weather_evacuate", arguments: { region: `zone-${round}` } });
        expect(result.structuredContent).toEqual({ region: `zone-${round}`, confirmed: answer === "accept" });
      }
      expect(asked).toEqual(["Evacuate zone-0?", "Evacuate zone-1?", "Evacuate zone-2?"]);
      await client.close();
    }
    // With three replicas in turn, most answers land on a replica that did not ask.
    expect(routedThroughState).toBeGreaterThan(0);
  });

  it("asks for a human approval in the client's form on the call's own stream, whichever replica answers", async () => {
    for (const answer of ["accept", "decline"] as const) {
      const { client, asked } = await connect(answer);
      for (let round = 0; round < 3; round++) {
        const result = await client.callTool({ name: "weather_dispatch", arguments: { region: `${answer}-${round}` } });
        expect(result.structuredContent).toEqual({ region: `${answer}-${round}`, decision: answer === "accept" ? "approved" : "declined" });
      }
      expect(asked).toHaveLength(3);
      expect(asked.every((message) => message.includes("Dispatch a crew?"))).toBe(true);
      await client.close();
    }
  });

  it("answers a forged or foreign session id with 404, so the client initializes again", async () => {
    const { transport, client } = await connect("accept");
    const [version, payload, mac] = transport.sessionId!.split(".");
    const forgedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, "base64url").toString()), c: { extensions: { [WEATHER_ID]: { units: "metric" } } } })).toString("base64url");
    const headers = { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25" };
    const list = JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/list", params: {} });
    for (const sessionId of [`${version}.${forgedPayload}.${mac}`, "v1.e30.AAAA", "not-a-session"]) {
      const response = await fetch(replicas[0]!.url, { method: "POST", headers: { ...headers, "mcp-session-id": sessionId }, body: list });
      expect(response.status).toBe(404);
      expect(((await response.json()) as { id: number }).id).toBe(9);
    }
    // A replica with another key does not accept this session either.
    const stranger = await serveHttp(createServer, { port: 0, identity, sessions: { secret: "another secret that is also 32 bytes long" } });
    const response = await fetch(stranger.url, { method: "POST", headers: { ...headers, "mcp-session-id": transport.sessionId! }, body: list });
    expect(response.status).toBe(404);
    await stranger.close();
    await client.close();
  });

  it("lets a session expire", async () => {
    const shortLived = await serveHttp(createServer, { port: 0, identity, sessions: { secret, ttlMs: 50 } });
    const client = new Client({ name: "host", version: "1.0.0" }, { capabilities: { extensions: { [WEATHER_ID]: {} } } });
    const transport = new StreamableHTTPClientTransport(new URL(shortLived.url));
    await client.connect(transport);
    await new Promise((resolve) => setTimeout(resolve, 80));
    await expect(client.callTool({ name: "weather_alerts", arguments: { region: "north" } })).rejects.toThrow();
    await client.close();
    await shortLived.close();
  });
});
