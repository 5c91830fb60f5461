import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { toolErrorOf } from "@mcp-verticals/core";
import { healthcareClient } from "./client.js";

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const eras = { legacy: "legacy", modern: { pin: "2026-07-28" } } as const;
const withToken = { requestInit: { headers: { authorization: "Bearer mcp-token" } } };

function newClient(era: keyof typeof eras, settings?: Parameters<typeof healthcareClient>[0]) {
  const healthcare = healthcareClient(settings ?? {});
  const client = new Client({ name: "healthcare-e2e", version: "0.0.0" }, { versionNegotiation: { mode: eras[era] }, capabilities: settings ? { extensions: healthcare.declaration } : {} });
  return { client, healthcare };
}

function startBin(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; lines: string[]; wait(pattern: RegExp): Promise<string> }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...env } });
  let seen = "";
  const lines: string[] = [];
  child.stderr!.on("data", (chunk: Buffer) => {
    seen += chunk.toString();
    lines.push(chunk.toString());
  });
  const wait = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(seen);
        if (match) {
          clearInterval(timer);
          resolve(match[1]!);
        }
      };
      const timer = setInterval(check, 20);
      child.once("exit", (code) => {
        clearInterval(timer);
        reject(new Error(`exited ${code}: ${seen}`));
      });
    });
  return Promise.resolve({ child, lines, wait });
}

describe("mcp-healthcare over stdio (spawned bin)", () => {
  for (const era of ["legacy", "modern"] as const) {
    it(`negotiates identified PHI with a patient in context and constrains searches (${era})`, async () => {
      const { client, healthcare } = newClient(era, { acceptPhi: "identified" });
      await client.connect(new StdioClientTransport({ command: process.execPath, args: [bin, "--patient", "patient-007"], stderr: "pipe" }));
      expect(client.getProtocolEra()).toBe(era);
      const bound = healthcare.bind(client);
      expect(bound.settings).toMatchObject({ phiMode: "identified", patientContextMode: "principal" });
      const page = await bound.callTool("fhir_search", { resourceType: "Condition", params: {}, format: "fhir" });
      expect(page.items.length).toBeGreaterThan(0);
      expect(page.items.every((item) => (item as unknown as { subject: { reference: string } }).subject.reference === "Patient/patient-007")).toBe(true);
      const denied = await client.callTool({ name: "fhir_read", arguments: { resourceType: "Patient", id: "patient-008" } });
      expect(denied.isError).toBe(true);
      expect(toolErrorOf(denied)?.code).toBe("PATIENT_OUT_OF_CONTEXT");
      await client.close();
    });

    it(`gives a plain client safe-harbor data (${era})`, async () => {
      const { client } = newClient(era);
      await client.connect(new StdioClientTransport({ command: process.execPath, args: [bin], stderr: "pipe" }));
      const result = await client.callTool({ name: "patient_find", arguments: { gender: "male", count: 3 } });
      const patients = (result.structuredContent as { patients: { ref: string; display: string }[] }).patients;
      expect(patients).toHaveLength(3);
      expect(patients.every((patient) => /^Patient\/[0-9a-f]{32}$/.test(patient.ref) && patient.display === "***")).toBe(true);
      // The default toolsets of a read-only server: no writes, no bulk export, neither listed nor callable.
      const listed = (await client.listTools()).tools.map((tool) => tool.name);
      expect(listed.sort()).toEqual(["fhir_capabilities", "fhir_read", "fhir_search", "patient_everything", "patient_find", "terminology_lookup", "terminology_search"]);
      const refused = await client.callTool({ name: "fhir_write", arguments: { action: "create", reason: "a test write", resource: { resourceType: "Patient" } } });
      expect(toolErrorOf(refused)).toMatchObject({ code: "TOOLSET_NOT_ENABLED", data: { toolset: "write" } });
      await client.close();
    });
  }
});

describe("mcp-healthcare over HTTP with --serve-fhir, and a second bin using it as a remote FHIR server", () => {
  let embedded: Awaited<ReturnType<typeof startBin>>;
  let remote: Awaited<ReturnType<typeof startBin>>;
  let mcpUrl: string;
  let fhirUrl: string;
  let remoteUrl: string;
  beforeAll(async () => {
    embedded = await startBin(["--http", "0", "--serve-fhir", "0"], { MCP_BEARER_TOKEN: "mcp-token", FHIR_BEARER_TOKEN: "e2e-token", HEALTHCARE_SECRET: "e2e-secret-0123456789abcdef0123456789" });
    fhirUrl = await embedded.wait(/FHIR REST API served at (\S+)/);
    mcpUrl = await embedded.wait(/listening on (\S+)/);
    remote = await startBin(["--http", "0", "--fhir-url", fhirUrl], { FHIR_BEARER_TOKEN: "e2e-token", HEALTHCARE_SECRET: "e2e-secret-0123456789abcdef0123456789" });
    remoteUrl = await remote.wait(/listening on (\S+)/);
  });
  afterAll(() => {
    embedded.child.kill("SIGTERM");
    remote.child.kill("SIGTERM");
  });

  for (const era of ["legacy", "modern"] as const) {
    it(`serves tools over HTTP (${era})`, async () => {
      const { client } = newClient(era, { acceptPhi: "limited" });
      await client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), withToken));
      const result = await client.callTool({ name: "fhir_search", arguments: { resourceType: "Observation", params: { code: "http://loinc.org|4548-4" }, count: 4 } });
      const page = result.structuredContent as { items: { ref: string }[]; nextCursor?: string };
      expect(page.items).toHaveLength(4);
      const next = await client.callTool({ name: "fhir_search", arguments: { resourceType: "Observation", params: { code: "http://loinc.org|4548-4" }, count: 4, cursor: page.nextCursor } });
      expect((next.structuredContent as { items: { ref: string }[] }).items[0]!.ref).not.toBe(page.items[0]!.ref);
      await client.close();
    });

    it(`serves the same answers through the remote backend as through the embedded store (${era})`, async () => {
      const viaEmbedded = newClient(era, {});
      const viaRemote = newClient(era, {});
      await viaEmbedded.client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl), withToken));
      await viaRemote.client.connect(new StreamableHTTPClientTransport(new URL(remoteUrl)));
      const args = { patientId: "patient-012", types: ["Condition", "MedicationRequest"], count: 50 };
      const a = (await viaEmbedded.client.callTool({ name: "patient_everything", arguments: args })).structuredContent as { items: unknown[]; patient: string };
      const b = (await viaRemote.client.callTool({ name: "patient_everything", arguments: args })).structuredContent as { items: unknown[]; patient: string };
      expect(b.items.length).toBeGreaterThan(0);
      expect(b).toEqual(a);
      await viaEmbedded.client.close();
      await viaRemote.client.close();
    });
  }

  it("refuses MCP requests without the bearer token", async () => {
    const { client } = newClient("modern", {});
    await expect(client.connect(new StreamableHTTPClientTransport(new URL(mcpUrl)))).rejects.toThrow();
  });

  it("serves FHIR REST with bearer auth on 127.0.0.1", async () => {
    expect(fhirUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/fhir$/);
    expect((await fetch(`${fhirUrl}/Patient?gender=female`)).status).toBe(401);
    const bundle = (await (await fetch(`${fhirUrl}/Patient?gender=female&_count=2`, { headers: { authorization: "Bearer e2e-token" } })).json()) as { entry: unknown[]; link: { relation: string }[] };
    expect(bundle.entry).toHaveLength(2);
    expect(bundle.link.map((link) => link.relation)).toEqual(["self", "next"]);
  });
});
