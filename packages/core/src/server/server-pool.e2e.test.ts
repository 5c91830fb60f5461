import { request as httpRequest } from "node:http";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { McpServer } from "@modelcontextprotocol/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool, type BindingContext } from "../extension/bindings.js";
import { defineExtension } from "../extension/define.js";
import { attachExtension } from "./attach.js";
import { serveHttp, type RunningHttpServer } from "./serve-http.js";

const ID = "com.example/whoami";
const identity = { name: ID, title: "Who am I", version: "1.0.0", description: "Request isolation on reused servers" };
const tokens: Record<string, string> = { "token-alice": "alice", "token-bob": "bob" };

type Effective = { label: string };
type WhoContext = BindingContext<Record<string, never>, { label?: string | undefined }, Effective, Record<string, never>>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads everything request-scoped before and after a pause, so interleaved requests would show. */
const whoami = defineTool({
  name: "whoami_slow",
  description: "Echoes the caller, negotiated label, progress token and abort state seen across a pause.",
  input: z.object({ delayMs: z.number().int().min(0).max(2000).describe("Pause in ms"), lateProgressMs: z.number().int().min(0).max(2000).optional().describe("Report progress this late, ignoring aborts") }),
  output: z.object({
    before: z.object({ principal: z.string(), label: z.string(), token: z.string() }).describe("What the call saw first"),
    after: z.object({ principal: z.string(), label: z.string(), token: z.string(), aborted: z.boolean() }).describe("What it saw after the pause"),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async ({ delayMs, lateProgressMs }, context: WhoContext) => {
    const read = () => ({
      principal: context.principal?.id ?? "nobody",
      label: context.settings.label,
      token: String(context.request.mcpReq._meta?.progressToken ?? "none"),
    });
    const before = read();
    await context.progress(1, 3);
    await sleep(delayMs);
    if (lateProgressMs !== undefined) {
      // A slow backend that does not watch the abort signal, then reports late.
      await sleep(lateProgressMs);
      await context.progress(2, 3);
    }
    return { before, after: { ...read(), aborted: context.signal.aborted } };
  },
});

const whoamiExtension = defineExtension({
  id: ID,
  title: "Who am I",
  description: "Test extension for request isolation.",
  versions: ["1.0"],
  serverSettings: z.object({}),
  clientSettings: z.strictObject({ label: z.string().max(40).optional().describe("A label the client negotiates") }),
  negotiate: ({ client }): Effective => ({ label: client?.label ?? "none" }),
  tools: [whoami],
});

let builds = 0;
function createWhoamiServer(): McpServer {
  builds += 1;
  const server = new McpServer({ name: "whoami", version: "1.0.0" });
  attachExtension(server, whoamiExtension, { settings: {}, services: {}, principal: { id: "fallback", scopes: [] } });
  return server;
}

const auth = { verify: (token: string) => (tokens[token] ? { token, clientId: "test", scopes: [], extra: { subject: tokens[token] } } : undefined) };

interface RawAnswer {
  status: number;
  messages: Record<string, any>[];
}

/** A 2026-07-28 tools/call over raw HTTP with a chosen JSON-RPC id and progress token. */
function rawCall(
  url: string,
  options: { token: string; label: string; progressToken: string; id?: number; delayMs: number; lateProgressMs?: number; abortAfterMs?: number },
): Promise<RawAnswer | "aborted"> {
  const body = JSON.stringify({
    jsonrpc: "2.0",
    id: options.id ?? 1,
    method: "tools/call",
    params: {
      name: "whoami_slow",
      arguments: { delayMs: options.delayMs, ...(options.lateProgressMs === undefined ? {} : { lateProgressMs: options.lateProgressMs }) },
      _meta: {
        progressToken: options.progressToken,
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientInfo": { name: "raw", version: "0" },
        "io.modelcontextprotocol/clientCapabilities": { extensions: { [ID]: { label: options.label } } },
      },
    },
  });
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "mcp-protocol-version": "2026-07-28",
          "mcp-method": "tools/call",
          "mcp-name": "whoami_slow",
          authorization: `Bearer ${options.token}`,
          "content-length": Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("error", () => resolve("aborted"));
        res.on("end", () => {
          const messages = (res.headers["content-type"] ?? "").includes("text/event-stream")
            ? text
                .split("\n")
                .filter((line) => line.startsWith("data:"))
                .map((line) => JSON.parse(line.slice(5)))
            : [JSON.parse(text)];
          resolve({ status: res.statusCode ?? 0, messages });
        });
      },
    );
    req.on("error", (error) => (options.abortAfterMs !== undefined ? resolve("aborted") : reject(error)));
    if (options.abortAfterMs !== undefined) setTimeout(() => req.destroy(), options.abortAfterMs);
    req.end(body);
  });
}

const resultOf = (answer: RawAnswer) => answer.messages.find((message) => "result" in message)?.result as { structuredContent: Record<string, any> } | undefined;
const progressTokensOf = (answer: RawAnswer) =>
  answer.messages.filter((message) => message.method === "notifications/progress").map((message) => String(message.params.progressToken));

describe("serveHttp reuses servers for 2026-07-28 requests without sharing request data", () => {
  let running: RunningHttpServer;
  beforeAll(async () => {
    running = await serveHttp(() => createWhoamiServer(), { port: 0, identity, auth });
  });
  afterAll(async () => running.close());

  it("serves sequential calls on one reused server, each with its own caller and settings", async () => {
    const before = builds;
    for (let i = 0; i < 12; i++) {
      const alice = i % 2 === 0;
      const answer = await rawCall(running.url, { token: alice ? "token-alice" : "token-bob", label: alice ? "A" : "B", progressToken: `p${i}`, delayMs: 0 });
      if (answer === "aborted") throw new Error("unexpected abort");
      expect(answer.status).toBe(200);
      expect(resultOf(answer)?.structuredContent).toEqual({
        before: { principal: alice ? "alice" : "bob", label: alice ? "A" : "B", token: `p${i}` },
        after: { principal: alice ? "alice" : "bob", label: alice ? "A" : "B", token: `p${i}`, aborted: false },
      });
      expect(progressTokensOf(answer)).toEqual([`p${i}`]);
    }
    // At most one server was built for the twelve calls (none when one was already idle).
    expect(builds - before).toBeLessThanOrEqual(1);
  });

  it("keeps concurrent calls with the same JSON-RPC id apart: caller, settings, _meta and progress", async () => {
    const calls = Array.from({ length: 16 }, (_, i) => {
      const alice = i % 2 === 0;
      const expected = { principal: alice ? "alice" : "bob", label: `${alice ? "A" : "B"}${i}`, token: `tok-${i}` };
      const answer = rawCall(running.url, { token: alice ? "token-alice" : "token-bob", label: expected.label, progressToken: expected.token, id: 7, delayMs: 20 + ((i * 7) % 30) });
      return { expected, answer };
    });
    for (const { expected, answer } of calls) {
      const settled = await answer;
      if (settled === "aborted") throw new Error("unexpected abort");
      expect(settled.status).toBe(200);
      expect(resultOf(settled)?.structuredContent).toEqual({ before: expected, after: { ...expected, aborted: false } });
      expect(progressTokensOf(settled)).toEqual([expected.token]);
    }
  });

  it("never reuses a server whose request was aborted mid-call: its late progress reaches no other request", async () => {
    // Alice's call is abandoned while its handler still runs; it reports progress 150 ms later.
    const abandoned = rawCall(running.url, { token: "token-alice", label: "A", progressToken: "alice-late", id: 1, delayMs: 0, lateProgressMs: 150, abortAfterMs: 40 });
    expect(await abandoned).toBe("aborted");
    // Let the server see the disconnect, so that server is back in the pool if it were reusable.
    await sleep(60);
    // Bob's calls, with the same id, are open when Alice's late progress fires.
    const bobs = await Promise.all(
      Array.from({ length: 4 }, (_, i) => rawCall(running.url, { token: "token-bob", label: "B", progressToken: `bob-${i}`, id: 1, delayMs: 300 })),
    );
    for (const [i, answer] of bobs.entries()) {
      if (answer === "aborted") throw new Error("unexpected abort");
      expect(progressTokensOf(answer)).toEqual([`bob-${i}`]);
      expect(resultOf(answer)?.structuredContent.after).toEqual({ principal: "bob", label: "B", token: `bob-${i}`, aborted: false });
    }
  });

  it("serves the official client in both eras alongside reused servers", async () => {
    for (const mode of [{ pin: "2026-07-28" }, "legacy"] as const) {
      const client = new Client({ name: "t", version: "0" }, { versionNegotiation: { mode }, capabilities: { extensions: { [ID]: { label: "official" } } } });
      await client.connect(new StreamableHTTPClientTransport(new URL(running.url), { requestInit: { headers: { authorization: "Bearer token-bob" } } }));
      const result = await client.callTool({ name: "whoami_slow", arguments: { delayMs: 0 } });
      expect(result.structuredContent).toMatchObject({ after: { principal: "bob", label: "official" } });
      await client.close();
    }
  });
});

describe("serveHttp with reuseServers: false", () => {
  let running: RunningHttpServer;
  beforeAll(async () => {
    running = await serveHttp(() => createWhoamiServer(), { port: 0, identity, auth, reuseServers: false });
  });
  afterAll(async () => running.close());

  it("builds a server per request", async () => {
    const before = builds;
    for (let i = 0; i < 5; i++) {
      const answer = await rawCall(running.url, { token: "token-alice", label: "A", progressToken: `q${i}`, delayMs: 0 });
      if (answer === "aborted") throw new Error("unexpected abort");
      expect(resultOf(answer)?.structuredContent.after).toMatchObject({ principal: "alice", label: "A" });
    }
    expect(builds - before).toBe(5);
  });
});
