#!/usr/bin/env node
import { createHmac } from "node:crypto";
import {
  createAuditTrail,
  defaultAuditKeyFile,
  defaultCheckpointFile,
  fileAuditSink,
  fileCheckpointStore,
  loadAuditKey,
  runServerBin,
  sharedSecret,
  stateAuditSink,
  stateCheckpointStore,
  CliUsageError,
  serverIdentityFrom,
  type Principal,
} from "@mcp-verticals/core";
import serverJson from "../server.json" with { type: "json" };
import { createHealthcareServer, createHealthcareServices } from "./server.js";
import { healthcareExtension } from "./extension.js";
import { createEmbeddedFhirStore } from "./backend/embedded-store.js";
import { serveFhirRest } from "./backend/fhir-rest-server.js";
import { createRemoteFhirBackend, type RemoteFhirAuth } from "./backend/remote-fhir.js";

void runServerBin({
  command: "mcp-healthcare",
  summary:
    "Reference server of the healthcare vertical: FHIR R4 tools with negotiated PHI handling over an embedded synthetic FHIR store (60 patients) or a remote FHIR server.",
  identity: serverIdentityFrom(serverJson),
  toolsets: healthcareExtension.toolsets,
  flags: {
    "fhir-url": { type: "string", valueName: "<url>", description: "Use this FHIR R4 server instead of the embedded store." },
    "serve-fhir": { type: "string", valueName: "<port>", description: "Also serve the embedded store as FHIR REST on 127.0.0.1:<port> (0 = any)." },
    "phi-mode": { type: "string", valueName: "<identified|limited|safe-harbor>", description: "Most revealing PHI mode offered (default identified; clients may ask for stricter)." },
    access: { type: "string", valueName: "<read|read-write>", description: "Allow confirmed writes with read-write (default read)." },
    patient: { type: "string", valueName: "<id>", description: "Fix the patient context to this patient (stdio principal)." },
    scope: { type: "string", multiple: true, valueName: "<scope>", description: "SMART scope granted to the stdio caller (repeatable; default patient/*.rs)." },
    "connector-tools": { type: "boolean", description: "Also offer the ChatGPT-style connector tools search and fetch." },
    "idempotency-lease": { type: "string", valueName: "<seconds>", description: "Lease of an in-flight keyed fhir_write (default 120): a retry after a crashed replica resumes the write once it lapses." },
    "audit-file": { type: "string", valueName: "<path>", description: "Append the keyed, checkpointed audit trail to this JSONL file (checkpoints in <path>.checkpoints; verify with `audit verify --file <path>`). Default: the audit:healthcare log of the shared state, which `audit verify` reads by default." },
  },
  environment: {
    HEALTHCARE_SECRET: "Deployment secret (≥32 bytes) for pseudonyms, cursors and approvals; default: one created once in the shared state, so replicas agree.",
    MCP_AUDIT_KEY: "Key (≥32 bytes) that signs the audit chain and its checkpoints; keep it apart from the trail (give every replica the same one).",
    MCP_AUDIT_KEY_FILE: "File holding that key (default $XDG_CONFIG_HOME/mcp-verticals/mcp-healthcare.audit-key, created 0600 on first start).",
    FHIR_BEARER_TOKEN: "Bearer token for --fhir-url.",
    FHIR_CLIENT_ID: "SMART Backend Services client id for --fhir-url (with FHIR_PRIVATE_KEY).",
    FHIR_PRIVATE_KEY: "PEM private key (RS384 or ES384) for SMART Backend Services.",
    FHIR_SCOPE: "Scopes to request with SMART Backend Services (default system/*.rs).",
  },
  createFactory: async ({ flags, env, state }) => {
    const secret = env.HEALTHCARE_SECRET ?? Buffer.from(await sharedSecret(state, "healthcare")).toString("hex");
    if (Buffer.byteLength(secret) < 32) throw new CliUsageError("HEALTHCARE_SECRET must be at least 32 bytes.");
    const phiMode = flags["phi-mode"];
    if (phiMode !== undefined && !["identified", "limited", "safe-harbor"].includes(String(phiMode))) throw new CliUsageError("--phi-mode expects identified, limited or safe-harbor.");
    const access = flags.access;
    if (access !== undefined && access !== "read" && access !== "read-write") throw new CliUsageError("--access expects read or read-write.");
    const closers: (() => Promise<void>)[] = [];
    let fhir;
    if (typeof flags["fhir-url"] === "string" && flags["serve-fhir"] !== undefined) throw new CliUsageError("--serve-fhir serves the embedded store and cannot be combined with --fhir-url.");
    if (typeof flags["fhir-url"] === "string") {
      const auth: RemoteFhirAuth = env.FHIR_CLIENT_ID && env.FHIR_PRIVATE_KEY
        ? { type: "smart-backend", clientId: env.FHIR_CLIENT_ID, privateKey: env.FHIR_PRIVATE_KEY, scope: env.FHIR_SCOPE ?? "system/*.rs", algorithm: env.FHIR_PRIVATE_KEY.includes("EC PRIVATE") ? "ES384" : "RS384" }
        : env.FHIR_BEARER_TOKEN ? { type: "bearer", token: env.FHIR_BEARER_TOKEN } : { type: "none" };
      // Page handles in the shared state: a cursor from one replica pages on the others.
      fhir = createRemoteFhirBackend({ baseUrl: flags["fhir-url"], auth, state });
    } else {
      const store = createEmbeddedFhirStore();
      fhir = store;
      if (typeof flags["serve-fhir"] === "string") {
        const port = Number(flags["serve-fhir"]);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliUsageError("--serve-fhir expects a port number (0-65535).");
        const rest = await serveFhirRest(store, { port, ...(env.FHIR_BEARER_TOKEN ? { bearerTokens: [env.FHIR_BEARER_TOKEN] } : {}) });
        process.stderr.write(`mcp-healthcare FHIR REST API served at ${rest.url}\n`);
        closers.push(rest.close);
      }
    }
    const lease = flags["idempotency-lease"] === undefined ? undefined : Number(flags["idempotency-lease"]);
    if (lease !== undefined && (!Number.isInteger(lease) || lease < 1 || lease > 3_600)) throw new CliUsageError("--idempotency-lease expects whole seconds from 1 to 3600.");
    const services = createHealthcareServices({ fhir, secret, state, ...(lease === undefined ? {} : { idempotencyLeaseMs: lease * 1000 }) });
    const auditKey = createHmac("sha256", secret).update("audit").digest("hex");
    const auditFile = typeof flags["audit-file"] === "string" ? flags["audit-file"] : undefined;
    // Replicas on one state store write one chain; a file is for a single process.
    const sink = auditFile ? fileAuditSink(auditFile) : stateAuditSink(state, "audit:healthcare");
    const audit = createAuditTrail({
      sink,
      key: auditKey,
      chainKey: loadAuditKey({ env, file: defaultAuditKeyFile("mcp-healthcare", env), create: true }).key,
      checkpoints: auditFile ? fileCheckpointStore(defaultCheckpointFile(auditFile)) : stateCheckpointStore(state, "audit:healthcare"),
    });
    // The closing checkpoint anchors the head before the file is closed.
    closers.push(() => audit.close());
    if ("close" in sink) closers.push(() => (sink as { close(): Promise<void> }).close());
    const patient = typeof flags.patient === "string" ? flags.patient.replace(/^Patient\//, "") : undefined;
    const scopes = Array.isArray(flags.scope) ? flags.scope : ["patient/*.rs"];
    const principal: Principal = { id: "stdio-user", scopes, ...(patient ? { attributes: { patient } } : {}) };
    const settings = {
      ...(phiMode ? { phi: { mode: phiMode as "identified" } } : {}),
      ...(access ? { access: access as "read" } : {}),
      ...(patient ? { patientContext: { mode: "principal" as const } } : {}),
    };
    return {
      factory: () => createHealthcareServer({ services, settings, audit, principal, state, connectorTools: flags["connector-tools"] === true }),
      close: async () => {
        for (const close of closers) await close();
      },
    };
  },
});
