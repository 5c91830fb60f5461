import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { connectInProcess } from "@mcp-verticals/core/testing";
import { openFinanceStorage } from "./backend/open-storage.js";
import { FINANCE_EXTENSION_ID } from "./extension.js";
import { createFinanceRuntime } from "./server.js";

const CHILD = fileURLToPath(new URL("./__fixtures__/import-tool-child.mjs", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "finance-lease-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const LINES = 20_000;
const KEY = "crash-import-lease-0001";

describe("an import whose process dies holding the idempotency claim", () => {
  it("SIGKILL mid-import: a retry with the same key resumes once the lease lapses, and books the file once", async () => {
    const database = join(dir, "lease.db");
    await (await openFinanceStorage(database)).close();
    const child = spawn(process.execPath, [CHILD, database, String(LINES), KEY], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child never started: ${output}`)), 60_000);
      const check = setInterval(() => {
        if (output.includes("importing")) {
          clearInterval(check);
          clearTimeout(timer);
          // The claim is taken at the start of the call; the import of 20,000 lines is still running.
          setTimeout(resolve, 400);
        }
      }, 10);
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    expect(output).not.toContain("done");

    const runtime = await createFinanceRuntime({ database, settings: { idempotency: { leaseSeconds: 2 } }, toolsets: ["read", "import"] });
    const connection = await connectInProcess(() => runtime.createServer(), { era: "legacy", extensions: { [FINANCE_EXTENSION_ID]: {} } });
    try {
      const before = (await runtime.storage.listEntries({}, 0, 1)).total;
      const lines = Array.from({ length: LINES }, (_, index) => `2026-11-10,${(index % 997) + 1}.00,crash import ${index},TOOL-CRASH-${index}`);
      const args = {
        idempotencyKey: KEY,
        format: "csv",
        accountId: "acc_operating",
        content: `d,a,t,r\n${lines.join("\n")}\n`,
        csvMapping: { date: "d", amount: "a", description: "t", reference: "r" },
        dryRun: false,
      };
      const started = Date.now();
      // Without a lease this answered IDEMPOTENCY_IN_PROGRESS for the whole retention (7 days).
      const resumed = (await connection.client.callTool({ name: "finance_import_statement", arguments: args })) as { isError?: boolean; structuredContent: any };
      expect(resumed.isError, JSON.stringify(resumed.structuredContent ?? resumed)).toBeFalsy();
      expect(resumed.structuredContent).toMatchObject({ imported: LINES, idempotentReplayed: false });
      expect(Date.now() - started).toBeLessThan(60_000);
      expect((await runtime.storage.listEntries({}, 0, 1)).total).toBe(before + LINES);
      const replayed = (await connection.client.callTool({ name: "finance_import_statement", arguments: args })) as { structuredContent: any };
      expect(replayed.structuredContent).toMatchObject({ imported: LINES, idempotentReplayed: true });
      expect((await runtime.storage.listEntries({}, 0, 1)).total).toBe(before + LINES);
    } finally {
      await connection.close();
      await runtime.close();
    }
  }, 180_000);
});
