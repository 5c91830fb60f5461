/**
 * What a model pays to see the healthcare tools: the default tools/list of the spawned bin, for a
 * plain client and for one declaring the extension, in bytes of JSON, within 12 KB.
 */
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { describe, expect, it } from "vitest";
import { healthcareClient } from "./client.js";

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const BUDGET = 12 * 1024;

async function listedBytes(declaring: boolean, args: string[] = []): Promise<{ bytes: number; tools: number }> {
  const declaration = healthcareClient({ acceptPhi: "identified" }).declaration;
  const client = new Client({ name: "budget", version: "0.0.0" }, { capabilities: declaring ? { extensions: declaration } : {} });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, "--state", "memory:", ...args], stderr: "ignore" }));
  try {
    const list = await client.listTools();
    return { bytes: Buffer.byteLength(JSON.stringify(list)), tools: list.tools.length };
  } finally {
    await client.close();
  }
}

describe("mcp-healthcare tools/list size", () => {
  it(`stays within ${BUDGET} bytes by default, for a plain and a declaring client`, async () => {
    const plain = await listedBytes(false);
    const declaring = await listedBytes(true);
    const readWrite = await listedBytes(true, ["--access", "read-write"]);
    const all = await listedBytes(true, ["--toolsets", "all"]);
    console.info(
      `healthcare tools/list: default plain ${plain.tools} tools ${(plain.bytes / 1024).toFixed(1)} KB, declaring ${declaring.tools} tools ${(declaring.bytes / 1024).toFixed(1)} KB; ` +
        `--access read-write ${readWrite.tools} tools ${(readWrite.bytes / 1024).toFixed(1)} KB; --toolsets all ${all.tools} tools ${(all.bytes / 1024).toFixed(1)} KB`,
    );
    expect(plain.bytes).toBeLessThanOrEqual(BUDGET);
    expect(declaring.bytes).toBeLessThanOrEqual(BUDGET);
    // Nothing a model needs was dropped to get there: every tool is one --toolsets away.
    expect(all.tools).toBe(11);
    expect(readWrite.tools).toBe(plain.tools + 3);
  }, 60_000);
});
