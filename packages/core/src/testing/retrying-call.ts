import type { Client } from "@modelcontextprotocol/client";
import { toolErrorOf } from "../tool-error.js";

/**
 * A tool result as the tests read it: the error flag and the structured content.
 *
 * @example
 * ```ts
 * const result: RetriedToolResult = await callToolWithRetry(client, "fhir_write", args);
 * if (result.isError) console.log(toolErrorOf(result)?.code);
 * ```
 * @category Testing
 */
export interface RetriedToolResult {
  isError?: boolean;
  // Each vertical's tools answer their own shapes; tests assert on them.
  structuredContent?: any;
  content?: unknown;
  /** Carries the typed error of an `isError` result (read it with `toolErrorOf`). */
  _meta?: Record<string, unknown>;
}

/**
 * Options for {@link callToolWithRetry}.
 *
 * @example
 * ```ts
 * const options: CallToolWithRetryOptions = { attempts: 60, retryCodes: ["IDEMPOTENCY_IN_PROGRESS"] };
 * ```
 * @category Testing
 */
export interface CallToolWithRetryOptions {
  /** How many attempts in all (default 40). */
  attempts?: number;
  /** Typed error codes that mean "retry later with the same arguments" (default `IDEMPOTENCY_IN_PROGRESS`). */
  retryCodes?: readonly string[];
  /** Pause between attempts (default 150 ms). */
  delayMs?: number;
}

/**
 * Calls a tool the way a careful client calls a write: when the request fails on the way (a
 * replica died, the balancer answered 502) or the server says the same write is still in
 * progress elsewhere, it calls again with exactly the same arguments (and so the same
 * idempotency key). Other results, errors included, are returned as they are.
 *
 * @example
 * ```ts
 * const result = await callToolWithRetry(client, "finance_post_entry", { idempotencyKey: "k-1", ...entry });
 * ```
 * @category Testing
 */
export async function callToolWithRetry(client: Client, name: string, args: Record<string, unknown>, options: CallToolWithRetryOptions = {}): Promise<RetriedToolResult> {
  const attempts = options.attempts ?? 40;
  const retryCodes = options.retryCodes ?? ["IDEMPOTENCY_IN_PROGRESS"];
  const delayMs = options.delayMs ?? 150;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = (await client.callTool({ name, arguments: args })) as RetriedToolResult;
      const code = toolErrorOf(result)?.code;
      if (typeof code === "string" && retryCodes.includes(code) && attempt < attempts) {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        continue;
      }
      return result;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
