import { memoryStateStore, registerApprovalChannels, runApprovalsCommand, toolErrorOf, type Principal, type StateStore } from "@mcp-verticals/core";
import { connectInProcess } from "@mcp-verticals/core/testing";
import type { z } from "zod";
import { EDUCATION_EXTENSION_ID } from "../extension.js";
import { SEED_AS_OF } from "../backend/seed.js";
import type { EducationServerSettings } from "../schemas/settings.js";
import { createEducationRuntime, type EducationRuntime, type EducationRuntimeOptions } from "../server.js";

/** A fixed clock just after the seeded gradebook's "as of" date. */
export const TEST_NOW = Date.parse(SEED_AS_OF) + 12 * 3600_000;
export const TEST_KEY = "test-pseudonym-key-0123456789abcdef0123456789";
export const TEST_SECRET = "test-secret-0123456789abcdef0123456789abcdef";

/** Every write allowed with confirmation. */
export const ALL_WRITES: z.input<typeof EducationServerSettings> = {
  writes: { mode: "confirm", allow: ["post_score", "create_assignment", "create_item", "record_activity", "import_framework", "import_roster"] },
};

/** Shared state on the test clock, with the operator command registered as the human channel. */
export function testState(): StateStore {
  const state = memoryStateStore({ now: () => TEST_NOW });
  registerApprovalChannels(state, { operatorCommand: "mcp-education approvals" });
  return state;
}

/** The operator approves (or declines) at the server's command line: a channel no model reaches. */
export async function operatorDecides(state: StateStore, verb: "approve" | "decline", approvalId: string): Promise<number> {
  return runApprovalsCommand({ state, args: [verb, approvalId], out: () => undefined, operator: "operator:test", now: () => TEST_NOW });
}

/** A runtime with a mutable principal, so one store serves several callers. */
export function testRuntime(options: EducationRuntimeOptions = {}): EducationRuntime & { as(principal: Principal): void; state: StateStore } {
  let current: Principal = { id: "t-001", scopes: [], roles: ["teacher"] };
  const state = options.state ?? testState();
  // Every toolset unless a test picks: the suites exercise every tool; tools-list.test.ts covers the default.
  const runtime = createEducationRuntime({ pseudonymKey: TEST_KEY, secret: TEST_SECRET, now: () => TEST_NOW, principal: () => current, toolsets: ["all"], ...options, state });
  return Object.assign(runtime, { as: (principal: Principal) => void (current = principal), state });
}

/**
 * Calls a write the way a plain client must: the first call answers APPROVAL_PENDING, the
 * operator approves that approval id, the same call again writes.
 */
export async function approvedCall(state: StateStore, client: Parameters<typeof call>[0], name: string, args: Record<string, unknown> = {}): Promise<any> {
  const pending = await callError(client, name, args);
  if (pending.code !== "APPROVAL_PENDING") throw new Error(`${name} answered ${pending.code} instead of APPROVAL_PENDING: ${pending.message}`);
  const code = await operatorDecides(state, "approve", String(pending.data?.approvalId));
  if (code !== 0) throw new Error(`the operator could not approve ${String(pending.data?.approvalId)}`);
  return call(client, name, args);
}

/** A declaring client connected in process. */
export async function declaringClient(runtime: EducationRuntime, era: "legacy" | "modern" = "modern", settings: Record<string, unknown> = {}) {
  return connectInProcess(() => runtime.createServer(), { era, extensions: { [EDUCATION_EXTENSION_ID]: { versions: ["2026-12-01"], ...settings } } });
}

/** Calls a tool and returns structuredContent (throws on isError). */
export async function call(client: { callTool: (request: { name: string; arguments: Record<string, unknown> }) => Promise<unknown> }, name: string, args: Record<string, unknown> = {}): Promise<any> {
  const result = (await client.callTool({ name, arguments: args })) as { isError?: boolean; structuredContent?: any; content?: unknown; _meta?: unknown };
  if (result.isError) throw Object.assign(new Error(`${name} failed: ${JSON.stringify(toolErrorOf(result) ?? result.content)}`), { result });
  return result.structuredContent;
}

/** Calls a tool expecting a typed error; returns its code and field. */
export async function callError(client: { callTool: (request: { name: string; arguments: Record<string, unknown> }) => Promise<unknown> }, name: string, args: Record<string, unknown> = {}): Promise<{ code: string; field?: string; message: string; data?: Record<string, unknown> }> {
  const result = (await client.callTool({ name, arguments: args })) as { isError?: boolean; content?: any; _meta?: unknown };
  if (!result.isError) throw new Error(`${name} unexpectedly succeeded`);
  return toolErrorOf(result) ?? { code: "UNSTRUCTURED", message: JSON.stringify(result.content) };
}
