import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { postgresAvailable, startReplicasOnPostgres, type PostgresReplicaSet } from "@mcp-verticals/core/testing";
import { templateClient } from "./client.js";
import { TEMPLATE_EXTENSION_ID } from "./extension.js";

/**
 * A 2025-era client that declares the extension in `initialize` keeps that declaration on every
 * later request, on whichever of three spawned replicas the round-robin proxy picks (no sticky
 * routing): the signed session id carries it, and the replicas share its key through PostgreSQL.
 */
const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

describe.runIf(postgresAvailable())("template: a 2025-era declared client across three spawned replicas behind a round-robin proxy", () => {
  let set: PostgresReplicaSet;

  beforeAll(async () => {
    set = await startReplicasOnPostgres(BIN, 3, { database: "template_replicas" });
  }, 120_000);
  afterAll(() => set?.close());

  it("uses the gated stats method and the negotiated language on every replica", async () => {
    const template = templateClient({ language: "nb" });
    const client = new Client({ name: "template-replicas", version: "0.0.0" }, { versionNegotiation: { mode: "legacy" }, capabilities: { extensions: template.declaration } });
    const transport = new StreamableHTTPClientTransport(new URL(set.url));
    await client.connect(transport);
    try {
      expect(client.getProtocolEra()).toBe("legacy");
      expect(transport.sessionId).toMatch(/^v1\./);
      const bound = template.bind(client);
      expect(bound.settings).toMatchObject({ language: "nb", statsAvailable: true });
      const served = [...set.served];
      for (let round = 0; round < 6; round++) {
        expect(await bound.request("stats", {})).toEqual({ entries: 7, version: "2026-11-24" });
        const { entry } = await bound.callTool("template_lookup_term", { term: "capability" });
        expect(entry.language).toBe("nb");
      }
      // Twelve requests in turn: every replica served the declared session some of them.
      set.served.forEach((count, index) => expect(count - served[index]!).toBeGreaterThanOrEqual(3));
    } finally {
      await client.close();
    }
  }, 60_000);

  it("still gates the method for a 2025-era client that declared nothing, on every replica", async () => {
    const client = new Client({ name: "template-replicas-plain", version: "0.0.0" }, { versionNegotiation: { mode: "legacy" } });
    await client.connect(new StreamableHTTPClientTransport(new URL(set.url)));
    try {
      for (let round = 0; round < 3; round++) {
        await expect(client.request({ method: `${TEMPLATE_EXTENSION_ID}/stats`, params: {} } as never, z.any())).rejects.toMatchObject({ code: -32021 });
        const fallback = await client.callTool({ name: "template_lookup_term", arguments: { term: "extension" } });
        expect(fallback.structuredContent).toMatchObject({ entry: { language: "en" } });
      }
    } finally {
      await client.close();
    }
  }, 60_000);

  it("refuses a session id signed by another deployment, whichever replica gets it", async () => {
    const headers = { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": "2025-11-25" };
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: `${TEMPLATE_EXTENSION_ID}/stats`, params: {} });
    // A well-formed id whose payload claims the declaration, with a signature no replica made.
    const payload = Buffer.from(JSON.stringify({ c: { extensions: { [TEMPLATE_EXTENSION_ID]: { language: "nb" } } }, e: Date.now() + 60_000 })).toString("base64url");
    for (let round = 0; round < 3; round++) {
      const response = await fetch(set.url, { method: "POST", headers: { ...headers, "mcp-session-id": `v1.${payload}.${"A".repeat(43)}` }, body });
      expect(response.status).toBe(404);
    }
  }, 30_000);
});
