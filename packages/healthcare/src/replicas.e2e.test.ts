import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { openStateStore, stateAuditSink, toolErrorOf, verifyAuditChain, type StateStore } from "@mcp-verticals/core";
import {
  approvalPageUrl,
  callToolWithRetry,
  decideOnApprovalPage,
  postgresAvailable,
  startReplicasOnPostgres,
  startServerProcess,
  type PostgresReplicaSet,
  type RetriedToolResult,
  type ServerProcess,
} from "@mcp-verticals/core/testing";
import { HEALTHCARE_EXTENSION_ID } from "./extension.js";

/**
 * Three replicas of the reference server on one PostgreSQL state behind a round-robin proxy. The
 * embedded FHIR store lives in each process, so the replicas share one FHIR server instead: a
 * fourth process serving the embedded store as FHIR REST (`--serve-fhir`), reached with `--fhir-url`.
 */
const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const AUDIT_KEY = "healthcare-replicas-audit-chain-key-0123456789";
const OPERATOR = "healthcare-replicas-operator-credential-0123456789";
const FHIR_TOKEN = "healthcare-replicas-fhir-token-0123456789";
const PATIENT = "patient-002";

const observation = (value: number) => ({
  resourceType: "Observation",
  status: "final",
  code: { coding: [{ system: "http://loinc.org", code: "8480-6", display: "Systolic blood pressure" }] },
  subject: { reference: `Patient/${PATIENT}` },
  valueQuantity: { value, unit: "mm[Hg]", system: "http://unitsofmeasure.org", code: "mm[Hg]" },
});
const writeArgs = (value: number, idempotencyKey?: string) => ({
  action: "create",
  reason: "Home reading reported by the patient",
  resource: observation(value),
  dryRun: false,
  ...(idempotencyKey ? { idempotencyKey } : {}),
});
const codeOf = (result: RetriedToolResult): string | undefined => toolErrorOf(result)?.code;

describe.runIf(postgresAvailable())("healthcare: three replicas on one PostgreSQL state and one FHIR server, behind a round-robin proxy", () => {
  let fhir: ServerProcess;
  let set: PostgresReplicaSet;
  let client: Client;
  let state: StateStore;
  const dir = mkdtempSync(join(tmpdir(), "healthcare-replicas-"));

  /** How many resources of a type the shared FHIR server holds (for the patient in context). */
  const countOf = async (type: "Observation" | "Provenance"): Promise<number> => {
    const query = type === "Observation" ? `patient=Patient/${PATIENT}&_count=1` : "_count=1";
    const response = await fetch(`${fhir.ready}/${type}?${query}`, { headers: { authorization: `Bearer ${FHIR_TOKEN}` } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { total: number }).total;
  };
  const connect = async (options: { era: "legacy" | "modern"; elicitation?: "accept" }) => {
    const connected = new Client(
      { name: "healthcare-replicas", version: "0.0.0" },
      {
        versionNegotiation: { mode: options.era === "legacy" ? "legacy" : { pin: "2026-07-28" } },
        capabilities: { ...(options.elicitation ? { elicitation: { form: {} } } : {}), extensions: { [HEALTHCARE_EXTENSION_ID]: { acceptPhi: "identified" } } } as never,
      },
    );
    if (options.elicitation) connected.setRequestHandler("elicitation/create", async () => ({ action: "accept", content: { confirm: true } }));
    const transport = new StreamableHTTPClientTransport(new URL(set.url));
    await connected.connect(transport);
    return { client: connected, transport };
  };
  /** The human's decision through the operator command, a separate process on the shared state. */
  const approveByCommand = (approvalId: string) => {
    const run = spawnSync(process.execPath, [BIN, "approvals", "approve", approvalId, "--postgres", set.database], { encoding: "utf8", env: { ...process.env, MCP_AUDIT_KEY: AUDIT_KEY } });
    expect(run.status, run.stderr).toBe(0);
  };
  /** The human's decision on the approval page, reached through the balancer (any replica serves it). */
  const approveOnPage = async (approvalId: string) => {
    expect((await decideOnApprovalPage(approvalPageUrl(set.url, approvalId), "approve", { operatorToken: OPERATOR, credentialIn: "bearer" })).status).toBe(200);
  };
  /** Asks for a write and returns the approval it now waits for. */
  const pendingApproval = async (args: Record<string, unknown>): Promise<string> => {
    const pending = await callToolWithRetry(client, "fhir_write", args);
    expect(codeOf(pending)).toBe("APPROVAL_PENDING");
    return toolErrorOf(pending)!.data!.approvalId as string;
  };

  beforeAll(async () => {
    fhir = await startServerProcess(BIN, ["--http", "0", "--serve-fhir", "0", "--state", join(dir, "fhir-server.sqlite")], {
      ready: /FHIR REST API served at (\S+)/,
      env: { FHIR_BEARER_TOKEN: FHIR_TOKEN, MCP_AUDIT_KEY: AUDIT_KEY },
    });
    const args = ["--fhir-url", fhir.ready, "--access", "read-write", "--patient", PATIENT, "--scope", "patient/*.cruds", "--idempotency-lease", "2"];
    // All three start at once on an empty database: migrations and the shared secrets happen once.
    set = await startReplicasOnPostgres(BIN, 3, { database: "healthcare_replicas", args, env: { MCP_AUDIT_KEY: AUDIT_KEY, MCP_OPERATOR_TOKEN: OPERATOR, FHIR_BEARER_TOKEN: FHIR_TOKEN } });
    ({ client } = await connect({ era: "modern" }));
    state = await openStateStore({ url: set.database });
  }, 180_000);
  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await state?.close();
    await set?.close();
    await fhir?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it("settles a write approved once exactly once, whichever replica serves it; a replay is refused", async () => {
    const before = await countOf("Observation");
    const byCommand = await pendingApproval(writeArgs(141));
    approveByCommand(byCommand);
    // Six clients race the approved write on all replicas: one approval, one write.
    const raced = await Promise.all(Array.from({ length: 6 }, () => callToolWithRetry(client, "fhir_write", writeArgs(141))));
    expect(raced.filter((result) => result.structuredContent?.status === "written")).toHaveLength(1);
    expect(raced.filter((result) => !result.isError)).toHaveLength(1);
    for (const refused of raced.filter((result) => result.isError)) expect(["APPROVAL_ALREADY_USED", "APPROVAL_PENDING"]).toContain(codeOf(refused));
    expect(await countOf("Observation")).toBe(before + 1);
    // The next call waits for a new human decision, on whichever replica it lands.
    const again = await callToolWithRetry(client, "fhir_write", writeArgs(141));
    expect(codeOf(again)).toBe("APPROVAL_PENDING");
    expect(toolErrorOf(again)!.data!.approvalId).not.toBe(byCommand);

    const onPage = await pendingApproval(writeArgs(142));
    await approveOnPage(onPage);
    expect((await callToolWithRetry(client, "fhir_write", writeArgs(142))).structuredContent).toMatchObject({ status: "written", ref: expect.stringMatching(/^Observation\//) });
    expect(codeOf(await callToolWithRetry(client, "fhir_write", writeArgs(142)))).toBe("APPROVAL_PENDING");
    expect(await countOf("Observation")).toBe(before + 2);
  }, 90_000);

  it("runs a keyed write exactly once under 50 concurrent retries spread over the replicas", async () => {
    const before = await countOf("Observation");
    const provenancesBefore = await countOf("Provenance");
    await approveOnPage(await pendingApproval(writeArgs(150, "fifty-retries")));
    const served = [...set.served];
    const results = await Promise.all(Array.from({ length: 50 }, () => callToolWithRetry(client, "fhir_write", writeArgs(150, "fifty-retries"))));
    expect(results.filter((result) => result.isError).map((result) => codeOf(result))).toEqual([]);
    expect(new Set(results.map((result) => result.structuredContent.ref)).size).toBe(1);
    expect(results.filter((result) => result.structuredContent.idempotentReplayed === false)).toHaveLength(1);
    expect(await countOf("Observation")).toBe(before + 1);
    expect(await countOf("Provenance")).toBe(provenancesBefore + 1);
    set.served.forEach((count, index) => expect(count).toBeGreaterThan(served[index]!));
    // The same key with another resource is a conflict, not a second write.
    expect(codeOf(await callToolWithRetry(client, "fhir_write", writeArgs(151, "fifty-retries")))).toBe("IDEMPOTENCY_CONFLICT");
  }, 90_000);

  it("pages with cursors that any replica accepts", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const result = await callToolWithRetry(client, "fhir_search", { resourceType: "Observation", params: {}, count: 5, format: "fhir", ...(cursor ? { cursor } : {}) });
      expect(result.isError, JSON.stringify(result.structuredContent)).toBeFalsy();
      seen.push(...result.structuredContent.items.map((item: { id: string }) => item.id));
      cursor = result.structuredContent.nextCursor;
      pages++;
    } while (cursor !== undefined);
    expect(pages).toBeGreaterThan(3);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(await countOf("Observation"));
  }, 60_000);

  it("serves a 2025-era client that declared the extension in initialize on any replica, elicitation included", async () => {
    const legacy = await connect({ era: "legacy", elicitation: "accept" });
    try {
      expect(legacy.client.getProtocolEra()).toBe("legacy");
      expect(legacy.transport.sessionId).toMatch(/^v1\./);
      const served = [...set.served];
      for (let round = 0; round < 6; round++) {
        // identified PHI is what the declaration asked for; a plain client would get masked names.
        const found = await legacy.client.callTool({ name: "patient_find", arguments: { count: 1 } });
        const patients = (found.structuredContent as { patients: { ref: string; display: string }[] }).patients;
        expect(patients).toEqual([expect.objectContaining({ ref: `Patient/${PATIENT}` })]);
        expect(patients[0]!.display).not.toBe("***");
      }
      // The human accepts in the client's form; the answer reaches the replica that asked through the shared state.
      const written = await legacy.client.callTool({ name: "fhir_write", arguments: writeArgs(160, "legacy-form-write") });
      expect(written.structuredContent).toMatchObject({ status: "written", idempotentReplayed: false });
      set.served.forEach((count, index) => expect(count).toBeGreaterThan(served[index]!));
    } finally {
      await legacy.client.close();
    }
  }, 60_000);

  it("loses and doubles nothing when a replica is killed with SIGKILL in the middle of a write burst", async () => {
    const before = await countOf("Observation");
    const keys = Array.from({ length: 30 }, (_, index) => `burst-key-${index}`);
    const values = keys.map((_, index) => 170 + index);
    // A human approved each write beforehand (the approval page), so the burst runs unattended.
    const approvals = await Promise.all(keys.map((key, index) => pendingApproval(writeArgs(values[index]!, key))));
    for (const approvalId of approvals) await approveOnPage(approvalId);
    let completed = 0;
    let killed: Promise<void> | undefined;
    let reapproved = 0;
    const burst = keys.map(async (key, index) => {
      let result = await callToolWithRetry(client, "fhir_write", writeArgs(values[index]!, key));
      // The killed replica may have spent this approval without writing: then a human is asked again.
      if (codeOf(result) === "APPROVAL_PENDING") {
        reapproved++;
        await approveOnPage(toolErrorOf(result)!.data!.approvalId as string);
        result = await callToolWithRetry(client, "fhir_write", writeArgs(values[index]!, key));
      }
      if (++completed === 8) killed = set.replicas[1]!.kill("SIGKILL");
      return result;
    });
    const results = await Promise.all(burst);
    await killed;
    expect(set.replicas[1]!.child.signalCode).toBe("SIGKILL");
    expect(results.filter((result) => result.isError).map((result) => JSON.stringify(toolErrorOf(result) ?? result))).toEqual([]);
    const refs = results.map((result) => result.structuredContent.ref as string);
    expect(new Set(refs).size).toBe(keys.length);
    expect(await countOf("Observation")).toBe(before + keys.length);
    // Every key replays the one resource it wrote, on whichever replica answers.
    const replays = await Promise.all(keys.map((key, index) => callToolWithRetry(client, "fhir_write", writeArgs(values[index]!, key))));
    expect(replays.map((result) => result.structuredContent.ref)).toEqual(refs);
    expect(replays.every((result) => result.structuredContent.idempotentReplayed === true)).toBe(true);
    console.info(`SIGKILL burst: ${keys.length} keyed writes, ${reapproved} asked a human again after the killed replica spent their approval`);
  }, 180_000);

  it("keeps one verifiable audit chain written by all replicas", async () => {
    const lines = await stateAuditSink(state, "audit:healthcare").readAll();
    expect(lines.length).toBeGreaterThan(100);
    expect(verifyAuditChain(lines, { chainKey: AUDIT_KEY })).toMatchObject({ ok: true, count: lines.length });
    const verify = spawnSync(process.execPath, [BIN, "audit", "verify", "--log", "audit:healthcare", "--postgres", set.database], { encoding: "utf8", env: { ...process.env, MCP_AUDIT_KEY: AUDIT_KEY } });
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
  }, 60_000);
});
