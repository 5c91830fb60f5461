import { createAuditTrail, memoryAuditSink, toolErrorOf, type Principal, type StateStore } from "@mcp-verticals/core";
import { connectInProcess } from "@mcp-verticals/core/testing";
import type { Client } from "@modelcontextprotocol/client";
import type { z } from "zod";
import { createHealthcareServer, createHealthcareServices } from "../server.js";
import { HEALTHCARE_EXTENSION_ID } from "../extension.js";
import type { HealthcareServerSettings } from "../schemas/settings.js";

/** A fixed deployment secret so pseudonyms are reproducible across test runs. */
export const TEST_SECRET = "test-deployment-secret-0123456789abcdef";

/** The test audit trail's key (pseudonyms and, by default, the chain). */
export const TEST_AUDIT_KEY = "audit-key-0123456789abcdef0123456789";

/** One in-process healthcare server with a memory audit trail, and a way to connect clients to it. */
export function createHarness(options: { settings?: z.input<typeof HealthcareServerSettings>; principal?: Principal; state?: StateStore; toolsets?: readonly string[] } = {}) {
  const services = createHealthcareServices({ secret: TEST_SECRET });
  const sink = memoryAuditSink();
  const audit = createAuditTrail({ sink, key: TEST_AUDIT_KEY });
  // Tool tests reach every tool; which toolsets are served by default is tested on its own.
  const factory = () => createHealthcareServer({ services, audit, toolsets: options.toolsets ?? ["all"], ...(options.settings ? { settings: options.settings } : {}), ...(options.principal ? { principal: options.principal } : {}), ...(options.state ? { state: options.state } : {}) });
  const connections: { close(): Promise<void> }[] = [];
  return {
    services,
    factory,
    auditLines: sink.lines,
    /** The FHIR AuditEvent-shaped records the healthcare bindings write (core adds its own per-call records too). */
    audits: () =>
      sink.lines
        .map((line) => JSON.parse(line) as { binding: string; outcome: string; code?: string; subjects?: string[]; detail?: Record<string, unknown> })
        .filter((entry) => entry.detail?.resourceType === "AuditEvent"),
    async connect(era: "legacy" | "modern", clientSettings?: Record<string, unknown>, transport: "memory" | "http" = "memory"): Promise<Client> {
      const connection = await connectInProcess(factory, { era, transport, ...(clientSettings ? { extensions: { [HEALTHCARE_EXTENSION_ID]: clientSettings } } : {}) });
      connections.push(connection);
      return connection.client;
    },
    async close() {
      for (const connection of connections) await connection.close();
    },
  };
}

/** Calls a tool and returns its structured result, or `{ error }` for a tool error. */
export async function call(client: Client, name: string, args: Record<string, unknown>): Promise<any> {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) return { error: toolErrorOf(result) ?? { code: "UNKNOWN", message: JSON.stringify(result.content) }, raw: result };
  return { ...(result.structuredContent as object), raw: result };
}
