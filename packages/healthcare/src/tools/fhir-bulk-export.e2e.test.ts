import { createTaskClient, createTaskRuntime, memoryStateStore, serveHttp, TASKS_EXTENSION_ID, type RunningHttpServer, type StateStore, type TaskRuntime } from "@mcp-verticals/core";
import { connectInProcess, holdNextCall, increasingProblem, recordProgress, waitForTask } from "@mcp-verticals/core/testing";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_SECRET } from "../__fixtures__/harness.js";
import { createEmbeddedFhirStore } from "../backend/embedded-store.js";
import { serveFhirRest, type RunningFhirRest } from "../backend/fhir-rest-server.js";
import { createRemoteFhirBackend } from "../backend/remote-fhir.js";
import { BULK_EXPORT_NAMESPACE, exportIdFor } from "../bulk/export-files.js";
import { HEALTHCARE_EXTENSION_ID } from "../extension.js";
import { createHealthcareServer, createHealthcareServices } from "../server.js";

const identity = { name: HEALTHCARE_EXTENSION_ID, title: "Healthcare", version: "0.1.0", description: "test" };
const tokens: Record<string, string> = { alice: "alice", bob: "bob" };

interface Replica {
  http: RunningHttpServer;
  runtime: TaskRuntime;
}

/** One healthcare replica over HTTP: its own task runtime, the shared state and FHIR server. */
async function replica(state: StateStore, services: ReturnType<typeof createHealthcareServices>): Promise<Replica> {
  const runtime = createTaskRuntime({ state, leaseMs: 1000, pollIntervalMs: 50 });
  const http = await serveHttp(() => createHealthcareServer({ services, state, tasks: runtime, toolsets: ["default", "bulk"] }), {
    port: 0,
    identity,
    auth: { verify: (token) => (tokens[token] ? { token, clientId: "test", scopes: [], extra: { subject: tokens[token] } } : undefined) },
  });
  return { http, runtime };
}

async function connect(url: string, options: { token?: string; tasks?: boolean; acceptPhi?: string } = {}): Promise<Client> {
  const extensions: Record<string, unknown> = { [HEALTHCARE_EXTENSION_ID]: { acceptPhi: options.acceptPhi ?? "limited" } };
  if (options.tasks !== false) extensions[TASKS_EXTENSION_ID] = {};
  const client = new Client({ name: "t", version: "1" }, { capabilities: { extensions: extensions as never }, versionNegotiation: { mode: { pin: "2026-07-28" } } });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${options.token ?? "alice"}` } } }));
  return client;
}

async function readNdjson(client: Client, uri: string): Promise<Record<string, any>[]> {
  const read = await client.readResource({ uri });
  const text = (read.contents[0] as { text: string }).text;
  return text.trimEnd().split("\n").map((line) => JSON.parse(line) as Record<string, any>);
}

describe("fhir_bulk_export", () => {
  const state = memoryStateStore();
  let rest: RunningFhirRest;
  let a: Replica;
  let b: Replica;
  let services: ReturnType<typeof createHealthcareServices>;
  const store = createEmbeddedFhirStore();

  beforeAll(async () => {
    // The FHIR backend is a real REST server on loopback, paged like a remote one.
    rest = await serveFhirRest(store, { port: 0 });
    services = createHealthcareServices({ secret: TEST_SECRET, fhir: createRemoteFhirBackend({ baseUrl: rest.url }) });
    a = await replica(state, services);
    b = await replica(state, services);
  });
  afterAll(async () => {
    for (const r of [a, b]) {
      await r.runtime.close();
      await r.http.close();
    }
    await rest.close();
  });

  it("exports a system-level export as a task, polled and read from another replica, each line filtered like fhir_read", async () => {
    const onA = createTaskClient(await connect(a.http.url));
    const clientB = await connect(b.http.url);
    const onB = createTaskClient(clientB);
    const outcome = await onA.callTool("fhir_bulk_export", { level: "system", types: ["Patient", "Condition"] });
    expect(outcome.kind).toBe("task");
    if (outcome.kind !== "task") return;
    const result = await onB.result(outcome.task.taskId);
    const manifest = result.structuredContent as any;
    expect(manifest.phiMode).toBe("limited");
    expect(manifest.request).toBe("$export?_type=Patient,Condition");
    expect(manifest.output.map((file: any) => file.type).sort()).toEqual(["Condition", "Patient"]);
    const patients = await readNdjson(clientB, manifest.output.find((file: any) => file.type === "Patient").url);
    expect(patients).toHaveLength(60);
    expect(patients.every((line) => line.resourceType === "Patient")).toBe(true);
    // The same Safe Harbor / limited rules per resource as the synchronous read.
    const read = await clientB.callTool({ name: "fhir_read", arguments: { resourceType: "Patient", id: patients[0]!.id, format: "fhir" } });
    expect(patients[0]).toEqual((read.structuredContent as any).resource);
    expect(JSON.stringify(patients)).not.toMatch(/MRN\d{7}|999-\d{2}-\d{4}/);
    expect(manifest.resourceCount).toBe(60 + store.all("Condition").length);
  });

  it("honours _type and _since, and exports a Group's members only", async () => {
    const client = await connect(a.http.url);
    const tasks = createTaskClient(client);
    const since = await tasks.run("fhir_bulk_export", { level: "system", types: ["Patient", "Procedure"], since: "2025-07-01T00:00:00Z" });
    const sinceManifest = since.structuredContent as any;
    // Patients were last updated 2025-06-01: none changed since; procedures carry no update time and are kept.
    expect(sinceManifest.output.map((file: any) => file.type)).toEqual(["Procedure"]);

    const group = await store.create({ resourceType: "Group", type: "person", actual: true, member: [{ entity: { reference: "Patient/patient-001" } }, { entity: { reference: "Patient/patient-002" } }] } as never);
    const grouped = (await tasks.run("fhir_bulk_export", { level: "group", groupId: group.id, types: ["Patient", "AllergyIntolerance"] })).structuredContent as any;
    const members = await readNdjson(client, grouped.output.find((file: any) => file.type === "Patient").url);
    expect(members).toHaveLength(2);
    const expectedAllergies = store.all("AllergyIntolerance").filter((r: any) => ["Patient/patient-001", "Patient/patient-002"].includes(r.patient?.reference)).length;
    expect(grouped.resourceCount).toBe(2 + expectedAllergies);
  });

  it("reports strictly increasing progress and stops promptly when cancelled, leaving no files", async () => {
    const client = await connect(a.http.url, { tasks: false });
    const progress = recordProgress();
    const result = await client.callTool({ name: "fhir_bulk_export", arguments: { level: "patient" } }, { onprogress: progress.onprogress, timeout: 60_000 });
    expect(result.isError).toBeFalsy();
    // Progress goes out at most every 50 ms; the first step (0 patients) and the last (all 60) always do.
    expect(increasingProblem(progress.values(), { min: 2 })).toBeUndefined();
    expect(progress.values()[0]).toMatchObject({ progress: 0, total: 60 });
    expect(progress.values().at(-1)).toMatchObject({ progress: 60, total: 60 });

    const tasks = createTaskClient(await connect(a.http.url));
    // Parked at the second page of Observations (after the first page of each type), i.e. midway with files written.
    const types = ["Observation", "Condition", "Patient"];
    const held = holdNextCall(services.fhir, "search", { after: types.length });
    let outcome: Awaited<ReturnType<typeof tasks.callTool>>;
    let started = 0;
    try {
      outcome = await tasks.callTool("fhir_bulk_export", { level: "system", types });
      if (outcome.kind !== "task") throw new Error("expected a task");
      await held.reached;
      await waitForTask(tasks, outcome.task.taskId, (task) => /^[1-9]\d*\/\d+ resources$/.test(task.statusMessage ?? ""));
      started = Date.now();
      await tasks.cancel(outcome.task.taskId);
    } finally {
      held.restore();
    }
    const end = await tasks.result(outcome.task.taskId).catch((error: { task?: { status: string } }) => error.task);
    expect(end).toMatchObject({ status: "cancelled" });
    expect(Date.now() - started).toBeLessThan(2000);
    const exportId = exportIdFor(outcome.task.taskId);
    expect(await state.list(BULK_EXPORT_NAMESPACE, { prefix: exportId })).toEqual([]);
  }, 60_000);

  it("shows the files only to the caller that exported them, under the same PHI mode", async () => {
    const alice = await connect(a.http.url);
    const manifest = (await createTaskClient(alice).run("fhir_bulk_export", { level: "patient", patientId: "patient-003" })).structuredContent as any;
    const uri = manifest.output[0].url;
    expect((await readNdjson(alice, uri)).length).toBeGreaterThan(0);
    const bob = await connect(b.http.url, { token: "bob" });
    await expect(bob.readResource({ uri })).rejects.toMatchObject({ code: -32602 });
    const stricter = await connect(b.http.url, { acceptPhi: "safe-harbor" });
    await expect(stricter.readResource({ uri })).rejects.toMatchObject({ code: -32602 });
  });

  it("runs as a task over a 2025 connection too", async () => {
    const runtime = createTaskRuntime({ pollIntervalMs: 30 });
    const { client, close } = await connectInProcess(() => createHealthcareServer({ services, tasks: runtime, toolsets: ["default", "bulk"] }), {
      era: "legacy",
      extensions: { [TASKS_EXTENSION_ID]: {}, [HEALTHCARE_EXTENSION_ID]: { acceptPhi: "safe-harbor" } },
    });
    try {
      const tasks = createTaskClient(client);
      const outcome = await tasks.callTool("fhir_bulk_export", { level: "patient", patientId: "patient-004", types: ["Patient", "Immunization"] });
      expect(outcome.kind).toBe("task");
      if (outcome.kind !== "task") return;
      const manifest = (await tasks.result(outcome.task.taskId)).structuredContent as any;
      expect(manifest.phiMode).toBe("safe-harbor");
      const patient = (await readNdjson(client, manifest.output.find((file: any) => file.type === "Patient").url))[0]!;
      expect(patient.birthDate === undefined || /^\d{4}$/.test(patient.birthDate)).toBe(true);
      expect(JSON.stringify(patient.name ?? [])).not.toMatch(/given|family/);
      const read = await client.callTool({ name: "fhir_read", arguments: { resourceType: "Patient", id: patient.id, format: "fhir" } });
      expect(patient).toEqual((read.structuredContent as any).resource);
    } finally {
      await close();
      await runtime.close();
    }
  });
});
