import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { describe, expect, it } from "vitest";
import { ECHO_ID, setUps } from "../__fixtures__/echo-add-on.js";
import { createJobsServer, JOBS_ID, type JobsServices } from "../__fixtures__/jobs-extension.js";
import { createTaskClient } from "../client/task-client.js";
import { TASKS_EXTENSION_ID } from "../tasks/task-types.js";
import { CliUsageError, helpText, runServerCli } from "./cli.js";

const addOnFile = fileURLToPath(new URL("../__fixtures__/echo-add-on.ts", import.meta.url));
const identity = { name: "com.example/jobs", title: "Jobs", version: "1.0.0", description: "Jobs" };
const services: JobsServices = { applied: new Map(), started: [] };
const options = (argv: string[]) => ({
  command: "mcp-jobs",
  summary: "Jobs server.",
  identity,
  handleSignals: false,
  argv,
  log: () => undefined,
  env: { XDG_STATE_HOME: mkdtempSync(join(tmpdir(), "add-on-state-")) },
  // The vertical's own extension resolves every caller to a configured principal; the add-on's has none.
  createFactory: ({ state }: { state: import("../state/state-store.js").StateStore }) => () => createJobsServer(services, { state, principal: { id: "operator", scopes: [] } }),
});

async function connect(url: string): Promise<Client> {
  const client = new Client(
    { name: "t", version: "1" },
    { capabilities: { extensions: { [TASKS_EXTENSION_ID]: {}, [JOBS_ID]: {}, [ECHO_ID]: {} } as never }, versionNegotiation: { mode: { pin: "2026-07-28" } } },
  );
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

describe("--add-on", () => {
  it("composes the add-on onto every instance, set up once, and its tasks are readable by the caller who started them", async () => {
    const before = setUps.length;
    // A relative path is resolved from the working directory.
    const running = await runServerCli(options(["--http", "0", "--add-on", `./${relative(process.cwd(), addOnFile)}`]));
    try {
      const client = await connect(running!.url!);
      const names = (await client.listTools()).tools.map((tool) => tool.name);
      expect(names).toEqual(expect.arrayContaining(["jobs_count", "echo_later"]));
      const tasks = createTaskClient(client);
      // Created by the add-on's extension (anonymous caller there), read back through the server's
      // Tasks methods, whose first extension resolves the same request to "operator".
      const outcome = await tasks.callTool("echo_later", { word: "later" });
      expect(outcome.kind).toBe("task");
      if (outcome.kind !== "task") return;
      const result = await tasks.result(outcome.task.taskId);
      expect(result.structuredContent).toEqual({ echoed: "later", command: "mcp-jobs" });
      // The vertical's own tasks still belong to its principal.
      const own = await tasks.callTool("jobs_count", { n: 2, delayMs: 0, key: "add-on" });
      expect(own.kind).toBe("task");
      if (own.kind === "task") expect((await tasks.result(own.task.taskId)).structuredContent).toMatchObject({ counted: 2 });
      await client.close();
      expect(setUps.length - before).toBe(1);
    } finally {
      await running?.close();
    }
  });

  it("takes a named export after #", async () => {
    const running = await runServerCli(options(["--http", "0", "--add-on", `${addOnFile}#named`]));
    try {
      const client = await connect(running!.url!);
      expect((await client.listTools()).tools.map((tool) => tool.name)).toContain("echo_later");
      await client.close();
    } finally {
      await running?.close();
    }
  });

  it("refuses a module that cannot be loaded, a missing export and an export that is not an add-on, as usage errors", async () => {
    const missing = runServerCli(options(["--http", "0", "--add-on", "./no-such-add-on.js"]));
    await expect(missing).rejects.toBeInstanceOf(CliUsageError);
    await expect(missing).rejects.toThrow(/--add-on \.\/no-such-add-on\.js: the module could not be loaded/);
    await expect(runServerCli(options(["--http", "0", "--add-on", `${addOnFile}#absent`]))).rejects.toThrow(/has no export absent that is a ServerAddOn function/);
    await expect(runServerCli(options(["--http", "0", "--add-on", `${addOnFile}#notAFunction`]))).rejects.toThrow(/has no export notAFunction/);
    await expect(runServerCli(options(["--http", "0", "--add-on", "#x"]))).rejects.toThrow(/expects <module>\[#export\]/);
  });

  it("is documented in --help", () => {
    expect(helpText({ command: "x", summary: "y" })).toMatch(/--add-on <module>\[#export\]\s+Compose this ServerAddOn module/);
  });
});
