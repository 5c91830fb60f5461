#!/usr/bin/env node
// One HTTP server for bench/core's "serving" scenario, in its own process so its CPU time is
// its own (process.cpuUsage, reported over IPC) and the load generator's never counts:
//
//   core   the template vertical behind core's serveHttp (2026-07-28 requests reuse servers)
//   core-per-request   the same with reuseServers: false (a server built per request)
//   bare   the bare SDK: createMcpHandler(factory) with the same tool (bare-stdio-server.mjs),
//          mounted on node:http by node-adapter.mjs (what @modelcontextprotocol/node's
//          toNodeHandler does)
//   floor  a raw JSON-RPC echo over node:http: parse the POST, answer the same result bytes
//
// The parent sends "cpu" (answered with process.cpuUsage()) and "stop".
import { createServer } from "node:http";
import { createMcpHandler } from "@modelcontextprotocol/server";
import { createBareServer } from "./bare-stdio-server.mjs";
import { toNodeListener } from "./node-adapter.mjs";

const kind = process.argv[2];
const IDENTITY = { name: "io.github.mcp-verticals/template", title: "bench", version: "0.1.0", description: "Benchmark server" };

async function listen(listener) {
  const server = createServer(listener);
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}/mcp`, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

let running;
if (kind === "core" || kind === "core-per-request") {
  const { serveHttp } = await import("../../packages/core/dist/index.js");
  const { createTemplateServer } = await import("../../packages/template/dist/index.js");
  running = await serveHttp(() => createTemplateServer(), { port: 0, identity: IDENTITY, reuseServers: kind === "core" });
} else if (kind === "bare") {
  const handler = createMcpHandler(() => createBareServer());
  const served = await listen(toNodeListener(handler));
  running = { url: served.url, close: async () => { await served.close(); await handler.close(); } };
} else if (kind === "floor") {
  // The answer the tool gives, as the other servers serialize it (result fields only; id per request).
  const result = JSON.parse(process.argv[3]);
  running = await listen((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      const message = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const text = JSON.stringify({ result, jsonrpc: "2.0", id: message.id });
      response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      response.end(text);
    });
  });
} else {
  console.error(`serving-child: unknown kind ${kind}`);
  process.exit(2);
}

process.on("message", async (message) => {
  if (message === "cpu") process.send({ cpu: process.cpuUsage(), rss: process.memoryUsage().rss });
  if (message === "stop") {
    await running.close();
    process.exit(0);
  }
});
process.send({ url: running.url });
