/**
 * A keyed `fhir_write` whose server process dies mid-write is resumed by the next process on the
 * same state, found again by its `_tag` (never written twice). The FHIR server (the embedded
 * store on loopback, behind a proxy the test pauses) holds the writer at a known request: after
 * the resource landed but before its Provenance, or before the resource landed. The process is
 * killed there with SIGKILL, the held request is dropped, and a second process takes over once
 * the first one's idempotency lease lapses.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Resource } from "@medplum/fhirtypes";
import { toolErrorOf } from "@mcp-verticals/core";
import { callToolWithRetry, connectHttp, startHttpBin, type HttpBin, type HttpConnection } from "@mcp-verticals/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatedFhir, type GatedFhir } from "./__fixtures__/gated-fhir.js";
import { HEALTHCARE_EXTENSION_ID } from "./extension.js";
import { WRITE_KEY_TAG_SYSTEM } from "./tools/fhir-write.js";

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const PATIENT = "patient-002";
const AUDIT_KEY = "healthcare-write-resume-audit-chain-key-0123456789";
const dir = mkdtempSync(join(tmpdir(), "healthcare-write-resume-"));
const stateFile = join(dir, "state.sqlite");

const writeArgs = (value: number, idempotencyKey: string) => ({
  action: "create",
  reason: "Home reading reported by the patient",
  dryRun: false,
  idempotencyKey,
  resource: {
    resourceType: "Observation",
    status: "final",
    code: { coding: [{ system: "http://loinc.org", code: "8480-6", display: "Systolic blood pressure" }] },
    subject: { reference: `Patient/${PATIENT}` },
    valueQuantity: { value, unit: "mm[Hg]", system: "http://unitsofmeasure.org", code: "mm[Hg]" },
  },
});

describe("keyed fhir_write resumed by _tag after its server process is killed mid-write", () => {
  let fhir: GatedFhir;
  const processes: HttpBin[] = [];
  const connections: HttpConnection[] = [];
  const start = async () => {
    const bin = await startHttpBin(BIN, {
      args: ["--fhir-url", fhir.url, "--state", stateFile, "--access", "read-write", "--patient", PATIENT, "--scope", "patient/*.cruds", "--idempotency-lease", "1"],
      env: { MCP_AUDIT_KEY: AUDIT_KEY },
    });
    processes.push(bin);
    const connection = await connectHttp(bin.url, { era: "modern", tasks: false, extensions: { [HEALTHCARE_EXTENSION_ID]: { acceptPhi: "identified" } } });
    connections.push(connection);
    return { bin, client: connection.client };
  };
  /** Resources of a type in the FHIR server carrying a write-key tag. */
  const tagged = (type: "Observation" | "Provenance"): Resource[] =>
    (fhir.store.all(type) as Resource[]).filter((resource) => resource.meta?.tag?.some((tag) => tag.system === WRITE_KEY_TAG_SYSTEM));
  /** A human approves through the operator command, a separate process on the same state. */
  const approve = (result: Awaited<ReturnType<typeof callToolWithRetry>>) => {
    expect(toolErrorOf(result)?.code).toBe("APPROVAL_PENDING");
    const approvalId = toolErrorOf(result)!.data!.approvalId as string;
    const run = spawnSync(process.execPath, [BIN, "approvals", "approve", approvalId, "--state", stateFile], { encoding: "utf8", env: { ...process.env, MCP_AUDIT_KEY: AUDIT_KEY } });
    expect(run.status, run.stderr).toBe(0);
  };
  /** With the gate held, lets requests through one at a time until `line` is the oldest one held; it stays held. */
  const stepTo = async (line: RegExp) => {
    const deadline = Date.now() + 30_000;
    while (!line.test(fhir.held()[0] ?? "")) {
      if (Date.now() > deadline) throw new Error(`never held ${line}; holding ${JSON.stringify(fhir.held())}`);
      if (!fhir.releaseOne()) await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  /** Kills the writer while the gate holds its next request, then drops that request unsent. */
  const killWhileHeld = async (bin: HttpBin) => {
    expect(await bin.kill("SIGKILL")).toMatchObject({ signal: "SIGKILL" });
    fhir.dropHeld();
    fhir.release();
  };

  beforeAll(async () => {
    fhir = await startGatedFhir();
  }, 30_000);
  afterAll(async () => {
    fhir?.release();
    await Promise.all(connections.map((connection) => connection.close().catch(() => undefined)));
    await Promise.all(processes.map((bin) => bin.kill("SIGKILL").catch(() => undefined)));
    await fhir?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("finishes a write whose resource landed before the kill: found by _tag, its Provenance added, nothing written twice", async () => {
    const args = writeArgs(133, "resume-after-resource");
    const a = await start();
    approve(await callToolWithRetry(a.client, "fhir_write", args));
    const observationsBefore = fhir.store.all("Observation").length;
    const provenancesBefore = fhir.store.all("Provenance").length;

    fhir.hold();
    const dying = a.client.callTool({ name: "fhir_write", arguments: args }).catch((error: unknown) => error);
    await stepTo(/^POST \S*\/Observation$/);
    // The resource reaches the FHIR server; the writer dies before its Provenance does.
    fhir.releaseOne();
    await stepTo(/^POST \S*\/Provenance$/);
    await killWhileHeld(a.bin);
    expect(await dying).toBeInstanceOf(Error);
    expect(fhir.store.all("Observation")).toHaveLength(observationsBefore + 1);
    expect(fhir.store.all("Provenance")).toHaveLength(provenancesBefore);
    const [landed] = tagged("Observation").filter((resource) => (resource as { valueQuantity?: { value?: number } }).valueQuantity?.value === 133);
    expect(landed?.id).toBeDefined();

    // The next process retries until the dead writer's lease lapses, then resumes in its place.
    const b = await start();
    const resumed = await callToolWithRetry(b.client, "fhir_write", args);
    expect(resumed.isError, JSON.stringify(toolErrorOf(resumed))).not.toBe(true);
    expect(resumed.structuredContent).toMatchObject({ status: "written", ref: `Observation/${landed!.id}`, idempotentReplayed: false });
    expect(fhir.store.all("Observation")).toHaveLength(observationsBefore + 1);
    expect(fhir.store.all("Provenance")).toHaveLength(provenancesBefore + 1);
    const provenance = tagged("Provenance").find((resource) => (resource as { target?: { reference?: string }[] }).target?.[0]?.reference === `Observation/${landed!.id}`);
    expect(resumed.structuredContent.provenance).toBe(`Provenance/${provenance?.id}`);
    expect(JSON.stringify(provenance)).toContain("completed after a server restart");
    // Later retries replay the one result.
    const replay = await callToolWithRetry(b.client, "fhir_write", args);
    expect(replay.structuredContent).toMatchObject({ ref: `Observation/${landed!.id}`, idempotentReplayed: true });
    expect(fhir.store.all("Observation")).toHaveLength(observationsBefore + 1);
  }, 120_000);

  it("writes once a write killed before its resource landed: _tag finds nothing, the spent approval is asked for again", async () => {
    const args = writeArgs(134, "resume-before-resource");
    const first = await start();
    approve(await callToolWithRetry(first.client, "fhir_write", args));
    const observationsBefore = fhir.store.all("Observation").length;

    fhir.hold();
    const dying = first.client.callTool({ name: "fhir_write", arguments: args }).catch((error: unknown) => error);
    await stepTo(/^POST \S*\/Observation$/);
    await killWhileHeld(first.bin);
    expect(await dying).toBeInstanceOf(Error);
    expect(fhir.store.all("Observation")).toHaveLength(observationsBefore);

    const next = await start();
    // The dead writer spent the approval without writing: resuming looks the write up by _tag, finds none, and asks a human again.
    approve(await callToolWithRetry(next.client, "fhir_write", args));
    const written = await callToolWithRetry(next.client, "fhir_write", args);
    expect(written.structuredContent).toMatchObject({ status: "written", ref: expect.stringMatching(/^Observation\//) });
    expect(fhir.store.all("Observation")).toHaveLength(observationsBefore + 1);
    expect(tagged("Observation").filter((resource) => (resource as { valueQuantity?: { value?: number } }).valueQuantity?.value === 134)).toHaveLength(1);
  }, 120_000);
});
