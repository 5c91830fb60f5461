import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { toolErrorOf } from "@mcp-verticals/core";
import { receivedStrings } from "@mcp-verticals/core/testing";
import { HEALTHCARE_EXTENSION_ID } from "./extension.js";

/** A clinical write a human approves, with an SDK v1 client (2025 era) against the spawned reference server. */
const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "healthcare-approval-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const observation = (value: number) => ({
  resourceType: "Observation",
  status: "final",
  code: { coding: [{ system: "http://loinc.org", code: "8480-6", display: "Systolic blood pressure" }] },
  subject: { reference: "Patient/patient-002" },
  valueQuantity: { value, unit: "mm[Hg]", system: "http://unitsofmeasure.org", code: "mm[Hg]" },
});

async function connect(elicitation?: () => "accept" | "decline") {
  const state = join(dir, `state-${++files}.sqlite`);
  const client = new Client(
    { name: "sdk-v1-host", version: "1.0.0" },
    { capabilities: { ...(elicitation ? { elicitation: {} } : {}), extensions: { [HEALTHCARE_EXTENSION_ID]: { acceptPhi: "identified", canConfirmWrites: true } } } as never },
  );
  if (elicitation) client.setRequestHandler(ElicitRequestSchema, async () => (elicitation() === "accept" ? { action: "accept", content: { confirm: true } } : { action: "decline" }));
  const args = [BIN, "--access", "read-write", "--patient", "patient-002", "--scope", "patient/*.cruds", "--state", state];
  await client.connect(new StdioClientTransport({ command: process.execPath, args, stderr: "ignore" }));
  const write = async (value: number, extra: Record<string, unknown> = {}) =>
    (await client.callTool({ name: "fhir_write", arguments: { action: "create", reason: "Home reading reported by the patient", resource: observation(value), dryRun: false, ...extra } })) as { isError?: boolean; structuredContent?: any; _meta?: any };
  return { client, state, write };
}

describe("fhir_write approved by a human, with an SDK v1 client over stdio", () => {
  it("with form elicitation: writes only when the human accepts", async () => {
    let answer: "accept" | "decline" = "accept";
    const { client, write } = await connect(() => answer);
    try {
      const written = await write(128);
      expect(written.structuredContent).toMatchObject({ status: "written", ref: expect.stringMatching(/^Observation\//) });
      answer = "decline";
      const declined = await write(129);
      expect(toolErrorOf(declined)?.code).toBe("APPROVAL_DECLINED");
    } finally {
      await client.close();
    }
  }, 60_000);

  it("without elicitation: nothing the client received approves; the operator command on the same state does", async () => {
    const { client, state, write } = await connect();
    try {
      const dry = await client.callTool({ name: "fhir_write", arguments: { action: "create", reason: "Home reading reported by the patient", resource: observation(131) } });
      const pending = await write(131);
      expect(toolErrorOf(pending)?.code).toBe("APPROVAL_PENDING");
      const approvalId = toolErrorOf(pending)!.data!.approvalId as string;
      const received = receivedStrings([dry, pending, await client.listTools(), await client.listResources()]);
      expect(received.has(approvalId)).toBe(true);
      for (const text of [...received].slice(0, 80)) {
        const value = text.slice(0, 4000);
        const result = await write(131, { confirmToken: value, approvalId: value, approvalToken: value, decision: "approve", confirm: true });
        expect(result.structuredContent?.status).not.toBe("written");
      }
      const approved = spawnSync(process.execPath, [BIN, "approvals", "approve", approvalId, "--state", state], { encoding: "utf8" });
      expect(approved.status).toBe(0);
      const written = await write(131);
      expect(written.structuredContent).toMatchObject({ status: "written" });
      // Single use: the same write again waits for a new decision.
      expect(toolErrorOf(await write(131))?.code).toBe("APPROVAL_PENDING");
    } finally {
      await client.close();
    }
  }, 120_000);
});
