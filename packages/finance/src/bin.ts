#!/usr/bin/env node
import { CliUsageError, defaultAuditKeyFile, loadAuditKey, runServerBin, serverIdentityFrom } from "@mcp-verticals/core";
import serverJson from "../server.json" with { type: "json" };
import { stateBesideLedger } from "./backend/state-location.js";
import { financeExtension } from "./extension.js";
import { createFinanceRuntime } from "./server.js";

void runServerBin({
  command: "mcp-finance",
  summary:
    "Reference server of the finance vertical: a double-entry ledger on SQLite or PostgreSQL with a demo company, bank statement import (camt.053, OFX, CSV) and sandbox payments with idempotency, limits, payee allowlist and approvals.",
  identity: serverIdentityFrom(serverJson),
  toolsets: financeExtension.toolsets,
  flags: {
    database: { type: "string", valueName: "<path|postgres-url>", description: "SQLite file (created and seeded if new) or postgres:// URL. Default: in-memory SQLite with the demo company. Approvals, idempotency keys and the audit chain live beside it (the same PostgreSQL database, or <name>.state.sqlite) unless --state, --postgres or DATABASE_URL names a state store." },
    payments: { type: "string", valueName: "<disabled|sandbox>", description: "Payment mode (default sandbox: payments settle in the ledger only)." },
    "idempotency-lease": { type: "string", valueName: "<seconds>", description: "Lease of an in-flight write (default 120): a retry after a crashed replica resumes the write once it lapses." },
  },
  environment: {
    MCP_FINANCE_DATABASE: "Same as --database (a postgres URL with a password belongs here, not in flags).",
    MCP_FINANCE_SECRET: "HMAC secret (≥32 bytes) for cursors and audit pseudonyms; default: a random secret stored once in the database.",
    MCP_AUDIT_KEY: "Key (≥32 bytes) that signs the audit chain and its checkpoints; keep it apart from the database and give every replica the same one.",
    MCP_AUDIT_KEY_FILE: "File holding that key (default $XDG_CONFIG_HOME/mcp-verticals/mcp-finance.audit-key, created 0600 on first start).",
  },
  // Unless a state store is named, approvals, idempotency keys and the audit chain live beside the
  // ledger (the same PostgreSQL database, or <name>.state.sqlite), so replicas of one ledger share them.
  defaultState: (flags, env) => {
    const location = stateBesideLedger(typeof flags.database === "string" ? flags.database : env.MCP_FINANCE_DATABASE);
    return location === undefined || "postgres" in location ? location : { state: location.file };
  },
  createFactory: async ({ flags, env, state }) => {
    const payments = flags.payments ?? "sandbox";
    if (payments !== "disabled" && payments !== "sandbox") throw new CliUsageError("--payments expects disabled or sandbox (live needs a payment rail adapter).");
    const database = typeof flags.database === "string" ? flags.database : (env.MCP_FINANCE_DATABASE ?? ":memory:");
    const secret = env.MCP_FINANCE_SECRET;
    const lease = flags["idempotency-lease"] === undefined ? undefined : Number(flags["idempotency-lease"]);
    if (lease !== undefined && (!Number.isInteger(lease) || lease < 1 || lease > 3_600)) throw new CliUsageError("--idempotency-lease expects whole seconds from 1 to 3600.");
    // The command's state (named, beside the ledger, or the default file) is the one the operator command opens too.
    const runtime = await createFinanceRuntime({
      database,
      state,
      settings: { features: { payments }, ...(lease === undefined ? {} : { idempotency: { leaseSeconds: lease } }) },
      ...(secret ? { secret } : {}),
      // The chain key stays out of the trail and the state: the environment or a key file (the same on every replica).
      auditKey: loadAuditKey({ env, file: defaultAuditKeyFile("mcp-finance", env), create: true }).key,
    });
    return { factory: () => runtime.createServer(), close: () => runtime.close() };
  },
});
