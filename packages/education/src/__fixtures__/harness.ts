import type { Principal } from "@mcp-verticals/core";
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
  writes: { mode: "confirm", allow: ["post_score", "create_assignment", "create_item", "record_activity", "import_framework"] },
};

/** A runtime with a mutable principal, so one store serves several callers. */
export function testRuntime(options: EducationRuntimeOptions = {}): EducationRuntime & { as(principal: Principal): void } {
  let current: Principal = { id: "t-001", scopes: [], roles: ["teacher"] };
  const runtime = createEducationRuntime({ pseudonymKey: TEST_KEY, secret: TEST_SECRET, now: () => TEST_NOW, principal: () => current, ...options });
  return Object.assign(runtime, { as: (principal: Principal) => void (current = principal) });
}

/** A declaring client connected in process. */
export async function declaringClient(runtime: EducationRuntime, era: "legacy" | "modern" = "modern", settings: Record<string, unknown> = {}) {
  return connectInProcess(() => runtime.createServer(), { era, extensions: { [EDUCATION_EXTENSION_ID]: { versions: ["2026-12-01"], ...settings } } });
}

/** Calls a tool and returns structuredContent (throws on isError). */
export async function call(client: { callTool: (request: { name: string; arguments: Record<string, unknown> }) => Promise<unknown> }, name: string, args: Record<string, unknown> = {}): Promise<any> {
  const result = (await client.callTool({ name, arguments: args })) as { isError?: boolean; structuredContent?: any; content?: unknown };
  if (result.isError) throw Object.assign(new Error(`${name} failed: ${JSON.stringify(result.structuredContent ?? result.content)}`), { result });
  return result.structuredContent;
}

/** Calls a tool expecting a typed error; returns its code and field. */
export async function callError(client: { callTool: (request: { name: string; arguments: Record<string, unknown> }) => Promise<unknown> }, name: string, args: Record<string, unknown> = {}): Promise<{ code: string; field?: string; message: string }> {
  const result = (await client.callTool({ name, arguments: args })) as { isError?: boolean; structuredContent?: any; content?: any };
  if (!result.isError) throw new Error(`${name} unexpectedly succeeded`);
  return result.structuredContent?.error ?? { code: "UNSTRUCTURED", message: JSON.stringify(result.content) };
}
