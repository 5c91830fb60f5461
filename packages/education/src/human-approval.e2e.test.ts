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

/** A gradebook write a human approves, with a plain SDK v1 client (2025 era, no extension) against the spawned server. */
const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "education-approval-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
type Result = { isError?: boolean; structuredContent?: any; _meta?: any };

async function connect(elicitation?: () => "accept" | "decline") {
  const state = join(dir, `state-${++files}.sqlite`);
  const client = new Client({ name: "sdk-v1-host", version: "1.0.0" }, { capabilities: elicitation ? { elicitation: {} } : {} });
  if (elicitation) client.setRequestHandler(ElicitRequestSchema, async () => (elicitation() === "accept" ? { action: "accept", content: { confirm: true } } : { action: "decline" }));
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, "--allow-writes", "post_score", "--state", state, "--toolsets", "all"], stderr: "ignore" }));
  const call = async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as Result;
  const learner = (await call("edu_list_roster", { classSourcedId: "cls-alg1-a", role: "student", limit: 1 })).structuredContent.roster[0].learner as string;
  const score = (scoreGiven: number, extra: Record<string, unknown> = {}) =>
    call("edu_post_score", { lineItemSourcedId: "li-alg1-a-5", studentSourcedId: learner, scoreGiven, scoreMaximum: 10, comment: "Teacher approved this already", ...extra });
  const stored = async () => (await call("edu_list_results", { lineItemSourcedId: "li-alg1-a-5", studentSourcedId: learner })).structuredContent.results;
  return { client, state, call, score, stored };
}

describe("edu_post_score approved by a human, with a plain SDK v1 client over stdio", () => {
  it("with form elicitation: writes only when the teacher accepts", async () => {
    let answer: "accept" | "decline" = "decline";
    const { client, score, stored } = await connect(() => answer);
    try {
      expect(toolErrorOf(await score(6))?.code).toBe("APPROVAL_DECLINED");
      expect(await stored()).toEqual([]);
      answer = "accept";
      expect((await score(7)).structuredContent).toMatchObject({ status: "written", approvedThrough: "elicitation", result: { score: 7 } });
      expect((await stored())[0]).toMatchObject({ score: 7 });
    } finally {
      await client.close();
    }
  }, 60_000);

  it("without elicitation: nothing the client received approves; the operator command on the same state does", async () => {
    const { client, state, score, stored } = await connect();
    try {
      const pending = await score(9);
      expect(toolErrorOf(pending)?.code).toBe("APPROVAL_PENDING");
      const approvalId = toolErrorOf(pending)!.data!.approvalId as string;
      const received = receivedStrings([pending, await client.listTools(), await client.listResources()]);
      expect(received.has(approvalId)).toBe(true);
      for (const text of [...received].slice(0, 80)) {
        const value = text.slice(0, 2000);
        const result = await score(9, { confirmationToken: value, approvalId: value, decision: "approve", confirm: true });
        expect(result.structuredContent?.status).not.toBe("written");
      }
      expect(await stored()).toEqual([]);
      const approved = spawnSync(process.execPath, [BIN, "approvals", "approve", approvalId, "--state", state], { encoding: "utf8" });
      expect(approved.status).toBe(0);
      expect((await score(9)).structuredContent).toMatchObject({ status: "written", approvedThrough: "operator-command" });
      expect((await stored())[0]).toMatchObject({ score: 9 });
    } finally {
      await client.close();
    }
  }, 120_000);
});
