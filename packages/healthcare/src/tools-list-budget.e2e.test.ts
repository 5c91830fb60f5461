/**
 * What a model pays to see the healthcare tools: the default tools/list of the spawned bin, for a
 * plain client and for one declaring the extension, in both protocol eras (the 2026-07-28 result also
 * carries the server's info), in bytes of JSON, within 12 KB.
 */
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { describe, expect, it } from "vitest";
import { healthcareClient } from "./client.js";

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const BUDGET = 12 * 1024;

async function listedBytes(declaring: boolean, args: string[] = [], era: "legacy" | "modern" = "modern"): Promise<{ bytes: number; tools: number }> {
  const declaration = healthcareClient({ acceptPhi: "identified" }).declaration;
  const client = new Client(
    { name: "budget", version: "0.0.0" },
    { versionNegotiation: { mode: era === "legacy" ? "legacy" : { pin: "2026-07-28" } }, capabilities: declaring ? { extensions: declaration } : {} },
  );
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, "--state", "memory:", ...args], stderr: "ignore" }));
  try {
    const list = await client.listTools();
    return { bytes: Buffer.byteLength(JSON.stringify(list)), tools: list.tools.length };
  } finally {
    await client.close();
  }
}

describe("mcp-healthcare tools/list size", () => {
  it(`stays within ${BUDGET} bytes by default, for a plain and a declaring client in both eras`, async () => {
    const legacyPlain = await listedBytes(false, [], "legacy");
    const legacyDeclaring = await listedBytes(true, [], "legacy");
    const plain = await listedBytes(false);
    const declaring = await listedBytes(true);
    const readWrite = await listedBytes(true, ["--access", "read-write"]);
    const all = await listedBytes(true, ["--toolsets", "all"]);
    console.info(
      `healthcare tools/list: default 2025 era plain ${legacyPlain.bytes} B, declaring ${legacyDeclaring.bytes} B; 2026-07-28 era plain ${plain.tools} tools ${plain.bytes} B, declaring ${declaring.tools} tools ${declaring.bytes} B; ` +
        `--access read-write ${readWrite.tools} tools ${(readWrite.bytes / 1024).toFixed(1)} KB; --toolsets all ${all.tools} tools ${(all.bytes / 1024).toFixed(1)} KB`,
    );
    for (const listed of [legacyPlain, legacyDeclaring, plain]) expect(listed.bytes).toBeLessThanOrEqual(BUDGET);
    expect(declaring.bytes).toBeLessThanOrEqual(BUDGET);
    // Nothing a model needs was dropped to get there: every tool is one --toolsets away.
    expect(all.tools).toBe(11);
    expect(readWrite.tools).toBe(plain.tools + 3);
  }, 60_000);
});
