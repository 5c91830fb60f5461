#!/usr/bin/env node
import { CliUsageError, defaultAuditKeyFile, loadAuditKey, runServerBin, serverIdentityFrom, sharedSecret } from "@mcp-verticals/core";
import serverJson from "../server.json" with { type: "json" };
import { loadContent } from "./backend/seed.js";
import { AllowedWrite, ActingRole } from "./schemas/settings.js";
import { educationExtension } from "./extension.js";
import { createEducationRuntime } from "./server.js";
import { importOneRosterCsv } from "./standards/oneroster-csv.js";
import { OneRosterRestClient } from "./standards/oneroster-rest.js";

void runServerBin({
  command: "mcp-education",
  summary:
    "Reference server of the education vertical: OneRoster 1.2 rosters and gradebook, QTI 3.0 items, CASE 1.1 standards and xAPI 1.0.3 activity, with students pseudonymized at the boundary. Without flags it serves a seeded synthetic school from an in-memory store.",
  identity: serverIdentityFrom(serverJson),
  toolsets: educationExtension.toolsets,
  flags: {
    data: { type: "string", valueName: "<dir>", description: "Directory of the durable store (SQLite) and its keys; in memory when omitted. Approvals live in the shared state (--state, --postgres), and so does the audit trail when --data is not given." },
    import: { type: "string", valueName: "<dir>", description: "Import a OneRoster 1.2 CSV bulk folder (manifest.csv and the files it lists) instead of the synthetic school." },
    "oneroster-url": { type: "string", valueName: "<url>", description: "Read rosters and gradebook from a remote OneRoster 1.2 REST provider (credentials from the environment)." },
    "allow-writes": { type: "string", valueName: "<list>", description: "Comma-separated writes to allow with preview and confirmation: post_score,create_assignment,create_item,record_activity,import_framework,import_roster." },
    "import-dir": { type: "string", valueName: "<dir>", description: "Directory whose folders edu_import_roster may read OneRoster CSV bulk exports from (default none)." },
    "case-providers": { type: "string", valueName: "<origins>", description: "Comma-separated CASE 1.1 provider origins edu_import_framework may fetch packages from (default none)." },
    principal: { type: "string", valueName: "<sourcedId>", description: "The user this local server acts for (default t-001, a seeded teacher)." },
    role: { type: "string", valueName: "<role>", description: "That user's role: student, teacher, ta or admin (default teacher)." },
    "assessment-mode": { type: "string", valueName: "<off|practice|proctored>", description: "Integrity mode for students (default practice)." },
    audience: { type: "string", valueName: "<under13|k12|higher-ed>", description: "Audience; under13 turns on the COPPA rules (default k12)." },
    "idempotency-lease": { type: "string", valueName: "<seconds>", description: "Lease of an in-flight keyed write (default 120): a retry after a crashed replica resumes the write once it lapses." },
  },
  environment: {
    ONEROSTER_CLIENT_ID: "OAuth 2 client id for --oneroster-url.",
    ONEROSTER_CLIENT_SECRET: "OAuth 2 client secret for --oneroster-url.",
    ONEROSTER_TOKEN_URL: "Token endpoint for --oneroster-url (default <url>/oauth/token).",
    EDU_PSEUDONYM_KEY: "Pseudonym key (≥ 32 bytes); default kept in <data>/keys.json, or created once in the shared state without --data.",
    MCP_AUDIT_KEY: "Key (≥32 bytes) that signs the audit chain and its checkpoints; keep it apart from <data>.",
    MCP_AUDIT_KEY_FILE: "File holding that key (default $XDG_CONFIG_HOME/mcp-verticals/mcp-education.audit-key, created 0600 on first start).",
  },
  createFactory: async ({ flags, env, state }) => {
    const string = (name: string) => (typeof flags[name] === "string" ? (flags[name] as string) : undefined);
    const writes = string("allow-writes")?.split(",").map((w) => AllowedWrite.parse(w.trim()));
    const role = ActingRole.parse(string("role") ?? "teacher");
    const lease = string("idempotency-lease") === undefined ? undefined : Number(string("idempotency-lease"));
    if (lease !== undefined && (!Number.isInteger(lease) || lease < 1 || lease > 3_600)) throw new CliUsageError("--idempotency-lease expects whole seconds from 1 to 3600.");
    const url = string("oneroster-url");
    const roster = url
      ? new OneRosterRestClient({
          baseUrl: url.replace(/\/$/, ""),
          clientId: env.ONEROSTER_CLIENT_ID ?? "",
          clientSecret: env.ONEROSTER_CLIENT_SECRET ?? "",
          ...(env.ONEROSTER_TOKEN_URL ? { tokenUrl: env.ONEROSTER_TOKEN_URL } : {}),
        })
      : undefined;
    const importDir = string("import");
    // Without a data directory there is no keys file: replicas agree on keys kept in the shared state.
    const hex = async (name: string) => Buffer.from(await sharedSecret(state, name)).toString("hex");
    const sharedKeys = string("data")
      ? {}
      : { secret: await hex("education"), ...(env.EDU_PSEUDONYM_KEY ? {} : { pseudonymKey: await hex("education-pseudonyms") }) };
    // The shared-state URL also holds the education records, so replicas serve one school.
    const postgresUrl = string("postgres") ?? (env.DATABASE_URL || undefined);
    const runtime = createEducationRuntime({
      ...(postgresUrl ? { postgresUrl } : {}),
      ...(string("data") ? { dataDir: string("data")! } : {}),
      // The chain key stays out of the trail and the state: the environment or a key file (the same on every replica).
      auditKey: loadAuditKey({ env, file: defaultAuditKeyFile("mcp-education", env), create: true }).key,
      ...(roster ? { roster } : {}),
      ...(importDir || roster ? { seed: false as const } : {}),
      ...(env.EDU_PSEUDONYM_KEY ? { pseudonymKey: env.EDU_PSEUDONYM_KEY } : {}),
      ...sharedKeys,
      state,
      ...(string("import-dir") ? { importDir: string("import-dir")! } : {}),
      principal: { id: string("principal") ?? "t-001", scopes: [], roles: [role] },
      ...(lease === undefined ? {} : { idempotencyLeaseMs: lease * 1000 }),
      ...(string("case-providers") ? { caseProviders: string("case-providers")!.split(",").map((origin) => origin.trim()).filter(Boolean) } : {}),
      settings: {
        ...(writes ? { writes: { mode: "confirm" as const, allow: writes } } : {}),
        integrity: { assessmentMode: (string("assessment-mode") ?? "practice") as "practice", answerKeys: "author-only" },
        privacy: { identity: "pseudonymous", fields: "minimal", audience: (string("audience") ?? "k12") as "k12", minCohort: 5, retentionDays: 365, trainingUse: false },
      },
    });
    if (importDir || roster) {
      if (runtime.store.listItems().length === 0) loadContent(runtime.store);
    }
    if (importDir) {
      const report = await importOneRosterCsv(importDir, runtime.store);
      process.stderr.write(`mcp-education imported ${Object.entries(report.imported).map(([k, n]) => `${n} ${k}`).join(", ")}; ${report.problems.length} rows skipped\n`);
    }
    return { factory: () => runtime.createServer(), close: () => runtime.close() };
  },
});
