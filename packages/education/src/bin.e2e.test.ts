import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { toolErrorOf } from "@mcp-verticals/core";
import { generateSchool } from "./backend/seed.js";
import { educationClient } from "./client.js";
import { writeOneRosterCsv } from "./standards/oneroster-csv.js";
import { serveOneRosterRest } from "./standards/oneroster-rest.js";
import { EducationStore } from "./backend/store.js";
import { seedIfEmpty } from "./backend/seed.js";

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const eras = { legacy: "legacy", modern: { pin: "2026-07-28" } } as const;

function newClient(era: keyof typeof eras, declare = true) {
  const education = educationClient({ identityDisplay: "pseudonym" });
  const client = new Client(
    { name: "education-e2e", version: "0.0.0" },
    { versionNegotiation: { mode: eras[era] }, capabilities: { ...(declare ? { extensions: education.declaration } : {}), elicitation: { form: {} } } },
  );
  // The teacher behind this client approves each write in its form.
  client.setRequestHandler("elicitation/create", async () => ({ action: "accept", content: { confirm: true } }));
  return { client, education };
}

function startBin(args: string[]): { child: ChildProcess; wait(pattern: RegExp): Promise<string>; stop(): Promise<void> } {
  const child = spawn(process.execPath, [bin, "--toolsets", "all", ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let seen = "";
  child.stderr!.on("data", (chunk: Buffer) => void (seen += chunk.toString()));
  const wait = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const match = pattern.exec(seen);
        if (match) {
          clearInterval(timer);
          resolve(match[1]!);
        }
      }, 20);
      child.once("exit", (code) => {
        clearInterval(timer);
        reject(new Error(`exited ${code}: ${seen}`));
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return { child, wait, stop };
}

const structured = (result: unknown) => (result as { structuredContent: any }).structuredContent;

describe("mcp-education over stdio (spawned bin)", () => {
  let data: string;
  beforeAll(async () => void (data = await mkdtemp(join(tmpdir(), "edu-bin-"))));
  afterAll(() => rm(data, { recursive: true, force: true }));

  for (const era of ["legacy", "modern"] as const) {
    it(`serves the seeded school to a ${era} client and keeps writes across restarts`, async () => {
      const { client, education } = newClient(era);
      const args = [bin, "--data", data, "--allow-writes", "post_score,record_activity", "--toolsets", "all"];
      await client.connect(new StdioClientTransport({ command: process.execPath, args, stderr: "pipe" }));
      let learner: string;
      let statementId: string;
      try {
        const edu = education.bind(client);
        const { whoami } = await edu.callTool("edu_whoami", {});
        expect(whoami).toMatchObject({ actingRole: "teacher", negotiated: true });
        const { roster } = await edu.callTool("edu_list_roster", { classSourcedId: "cls-alg1-a", role: "student", limit: 1 });
        learner = roster[0]!.learner;
        const args = { lineItemSourcedId: "li-alg1-a-5", studentSourcedId: learner, scoreGiven: era === "legacy" ? 6 : 8, scoreMaximum: 10 };
        const written = await edu.callTool("edu_post_score", args);
        expect(written).toMatchObject({ status: "written", approvedThrough: era === "legacy" ? "elicitation" : "input_required" });
        statementId = (await edu.callTool("edu_record_activity", { verb: "experienced", object: { id: "https://synthetic-school.example/activities/intro" } })).statementId;
      } finally {
        await client.close();
      }
      // A fresh process over the same --data directory sees the score, the statement and the same pseudonyms.
      const again = newClient(era);
      await again.client.connect(new StdioClientTransport({ command: process.execPath, args, stderr: "pipe" }));
      try {
        const edu = again.education.bind(again.client);
        const { results } = await edu.callTool("edu_list_results", { lineItemSourcedId: "li-alg1-a-5", studentSourcedId: learner });
        expect(results[0]).toMatchObject({ learner, score: era === "legacy" ? 6 : 8 });
        const { statements } = await edu.callTool("edu_query_activity", {});
        expect(statements.map((s) => s.id)).toContain(statementId);
      } finally {
        await again.client.close();
      }
    });
  }

  it("imports a OneRoster CSV folder with --import", async () => {
    const folder = join(data, "csv");
    await writeOneRosterCsv(folder, generateSchool({ students: 40, seed: 9 }));
    const { client } = newClient("modern");
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [bin, "--import", folder, "--toolsets", "all"], stderr: "pipe" }));
    try {
      const classes = structured(await client.callTool({ name: "edu_list_classes", arguments: {} })).classes;
      expect(classes.length).toBeGreaterThan(0);
      const roster = structured(await client.callTool({ name: "edu_list_roster", arguments: { classSourcedId: classes[0].classSourcedId, role: "student" } })).roster;
      expect(roster.length).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });
});

describe("mcp-education --oneroster-url (spawned bin against a OneRoster REST provider on 127.0.0.1)", () => {
  it("reads rosters from the remote provider with OAuth 2 client credentials from the environment", async () => {
    const remote = new EducationStore(":memory:");
    seedIfEmpty(remote, { students: 60 });
    const provider = await serveOneRosterRest(remote, { clientId: "bin-client", clientSecret: "bin-client-secret-long-enough" });
    const { client } = newClient("modern");
    const env = { ...process.env, ONEROSTER_CLIENT_ID: "bin-client", ONEROSTER_CLIENT_SECRET: "bin-client-secret-long-enough" } as Record<string, string>;
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [bin, "--oneroster-url", provider.url, "--toolsets", "all"], env, stderr: "pipe" }));
    try {
      const roster = structured(await client.callTool({ name: "edu_list_roster", arguments: { classSourcedId: "cls-alg1-a", role: "student", limit: 100 } })).roster;
      expect(roster.length).toBe((await remote.listEnrollments({ classSourcedId: "cls-alg1-a" })).filter((e) => e.role === "student").length);
      const items = structured(await client.callTool({ name: "edu_search_items", arguments: { query: "slope" } })).items;
      expect(items.length).toBeGreaterThan(0);
    } finally {
      await client.close();
      await provider.close();
      remote.close();
    }
  });
});

describe("mcp-education over HTTP (spawned bin, --http 0)", () => {
  let server: ReturnType<typeof startBin>;
  let url: string;
  beforeAll(async () => {
    server = startBin(["--http", "0"]);
    url = await server.wait(/listening on (\S+)/);
  });
  afterAll(() => server.stop());

  for (const era of ["legacy", "modern"] as const) {
    it(`answers a ${era} client, with typed errors that keep the server serving`, async () => {
      const { client } = newClient(era);
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      try {
        const { tools } = await client.listTools();
        expect(tools.map((t) => t.name)).toContain("edu_gradebook_summary");
        const summary = structured(await client.callTool({ name: "edu_gradebook_summary", arguments: { classSourcedId: "cls-alg1-a" } }));
        expect(summary.cells.length).toBeGreaterThan(0);
        const bad = await client.callTool({ name: "edu_get_work", arguments: { lineItemSourcedId: "li-none" } });
        expect(bad.isError).toBe(true);
        expect(toolErrorOf(bad as never)).toMatchObject({ code: "WORK_NOT_FOUND", field: "lineItemSourcedId" });
        const manifest = await client.readResource({ uri: "edu://privacy/manifest" });
        expect((manifest.contents[0] as { text: string }).text).toContain("fieldsNeverExposed");
        const whoami = structured(await client.callTool({ name: "edu_whoami", arguments: {} })).whoami;
        // A 2025 client over stateless HTTP keeps its initialize declaration in the signed session id.
        expect(whoami.negotiated).toBe(true);
        expect(whoami.writes.mode).toBe("off");
      } finally {
        await client.close();
      }
    });
  }
});
