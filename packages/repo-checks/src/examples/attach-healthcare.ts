// Attach a published vertical to your own McpServer: its services and backend, shared state and a keyed audit trail.
import {
  attachExtension,
  createAuditTrail,
  loadAuditKey,
  openStateStore,
  serveHttp,
  sharedSecret,
  stateAuditSink,
  stateCheckpointStore,
} from "@mcp-verticals/core";
import { createHealthcareServices, createRemoteFhirBackend, healthcareExtension } from "@mcp-verticals/healthcare";
import { McpServer } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";

export interface ClinicOptions {
  /** `postgres://…` shared by every replica, or a SQLite file for one process. */
  state: string;
  /** Deployment secret (≥ 32 bytes), the same on every replica: pseudonyms and paging cursors. */
  secret: string;
  /** File holding the audit chain key (created 0600 on first start), kept apart from the state. */
  auditKeyFile: string;
  /** A real FHIR R4 server; without it the embedded synthetic store answers. */
  fhir?: { baseUrl: string; token: string };
}

export async function openClinic(options: ClinicOptions) {
  const state = await openStateStore({ url: options.state });
  const services = createHealthcareServices({
    secret: options.secret,
    ...(options.fhir ? { fhir: createRemoteFhirBackend({ baseUrl: options.fhir.baseUrl, auth: { type: "bearer", token: options.fhir.token } }) } : {}),
  });
  // One hash chain in the shared state, whichever replica writes; checkpoints anchor its head.
  const auditSink = stateAuditSink(state, "audit:clinic");
  const chainKey = loadAuditKey({ file: options.auditKeyFile, create: true }).key;
  const audit = createAuditTrail({
    sink: auditSink,
    key: await sharedSecret(state, "audit-pseudonyms"),
    chainKey,
    checkpoints: stateCheckpointStore(state, "audit:clinic"),
  });

  // Your server, your name and instructions; the vertical adds its tools, resources, prompts and methods.
  const createServer = () => {
    const server = new McpServer({ name: "clinic-assistant", version: "1.0.0" }, { instructions: "Clinic assistant. Patient data comes from the FHIR tools; cite Type/id." });
    attachExtension(server, healthcareExtension, {
      settings: { phi: { mode: "limited", freeText: "scrub" } }, // the most revealing PHI mode this deployment allows
      services, // created once, shared by every per-request server
      audit,
      state,
    });
    return server;
  };

  return {
    createServer,
    /** The trail's lines and key, for `verifyAuditTrail` (or `mcp-healthcare audit verify`). */
    auditLines: () => auditSink.readAll(),
    chainKey,
    /** Serve over stdio (a desktop host spawns this process). */
    serveStdio: () => serveStdio(createServer),
    /** Serve stateless Streamable HTTP; `port: 0` picks a free port. */
    serveHttp: (port: number) =>
      serveHttp(createServer, { port, identity: { name: "com.example/clinic-assistant", title: "Clinic assistant", version: "1.0.0", description: "FHIR R4 for the clinic" } }),
    close: async () => {
      await audit.close();
      await state.close();
    },
  };
}
