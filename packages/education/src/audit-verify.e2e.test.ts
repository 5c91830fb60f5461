import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { runAuditVerifyOnTamperings } from "@mcp-verticals/core/testing";
import { educationClient } from "./client.js";

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "education-audit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, XDG_CONFIG_HOME: join(dir, "config"), XDG_STATE_HOME: join(dir, "state"), MCP_AUDIT_KEY: "", MCP_AUDIT_KEY_FILE: "" };

describe("mcp-education audit verify on the trail the spawned bin wrote", () => {
  it("passes the intact trail and names the first bad record of an edited, deleted, reordered, truncated or recomputed one", async () => {
    const data = join(dir, "data");
    const child = spawn(process.execPath, [bin, "--http", "0", "--data", data], { stdio: ["ignore", "ignore", "pipe"], env });
    let seen = "";
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr!.on("data", (chunk: Buffer) => {
        seen += chunk.toString();
        const match = /listening on (\S+)/.exec(seen);
        if (match) resolve(match[1]!);
      });
      child.once("exit", (code) => reject(new Error(`bin exited ${code}: ${seen}`)));
    });
    const education = educationClient({ identityDisplay: "pseudonym" });
    const client = new Client({ name: "audit-e2e", version: "0" }, { versionNegotiation: { mode: { pin: "2026-07-28" } }, capabilities: { extensions: education.declaration } });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    await client.callTool({ name: "edu_whoami", arguments: {} });
    for (const role of ["student", "teacher", "student"]) await client.callTool({ name: "edu_list_roster", arguments: { classSourcedId: "cls-alg1-a", role, limit: 2 } });
    await client.callTool({ name: "edu_list_roster", arguments: { classSourcedId: "cls-none", limit: 2 } });
    await client.close();
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);

    const file = join(data, "audit.jsonl");
    const keyFile = join(dir, "config", "mcp-verticals", "mcp-education.audit-key");
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const records = readFileSync(file, "utf8").trim().split("\n");
    expect(records.length).toBeGreaterThanOrEqual(5);

    const { intact, tampered } = runAuditVerifyOnTamperings({ bin, file, env });
    expect(intact).toMatchObject({ status: 0, stdout: expect.stringContaining(`${records.length} records, all anchored`) });
    for (const [name, outcome] of Object.entries(tampered)) {
      expect(outcome.status, `${name}: ${outcome.stdout}${outcome.stderr}`).toBe(1);
      expect(outcome.stdout).toMatch(/NOT intact/);
      for (const record of records) for (const subject of (JSON.parse(record) as { subjects?: string[] }).subjects ?? []) expect(outcome.stdout).not.toContain(subject);
    }
    expect(tampered.edit.stdout).toContain("record does not match its MAC");
    expect(tampered.recompute.stdout).toContain("record does not match its MAC");
    expect(tampered.delete.stdout).toContain("sequence break");
    expect(tampered.reorder.stdout).toContain("sequence break");
    expect(tampered.truncate.stdout).toContain("truncated");
  });
});
