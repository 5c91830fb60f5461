import { ExtensionError } from "./errors.js";
import { VENDOR_PREFIX } from "./extension/id.js";

/**
 * The `_meta` key of an `isError` tool result that carries the typed error
 * (`{ code, message, field?, data? }`).
 *
 * The error travels in `_meta`, not in `structuredContent`: SDK v1 clients validate the
 * `structuredContent` of error results against the tool's output schema too, so a typed error
 * there fails with -32602 on those hosts instead of reaching the caller.
 *
 * @example
 * ```ts
 * const code = (result._meta?.[TOOL_ERROR_META_KEY] as { code?: string } | undefined)?.code;
 * ```
 * @category Errors
 */
export const TOOL_ERROR_META_KEY = `${VENDOR_PREFIX}/error` as const;

/**
 * The JSON shape of a typed tool error, as {@link ExtensionError.toJSON} writes it.
 * @example
 * ```ts
 * const error: ToolErrorPayload = { code: "TERM_NOT_FOUND", message: "the glossary has no entry for that term", field: "term" };
 * ```
 * @category Errors
 */
export type ToolErrorPayload = ReturnType<ExtensionError["toJSON"]>;

/**
 * A tool result that any client accepts: `isError`, a human `text` (`CODE: message`) and the
 * typed error under {@link TOOL_ERROR_META_KEY}, with no `structuredContent` that could fail the
 * tool's output schema.
 *
 * @example
 * ```ts
 * return toolErrorResult(new ExtensionError("NOT_FOUND", "no such record", { field: "id" }));
 * ```
 * @category Errors
 */
export function toolErrorResult(error: ExtensionError): {
  isError: true;
  content: { type: "text"; text: string }[];
  _meta: { [TOOL_ERROR_META_KEY]: ToolErrorPayload };
} {
  return {
    isError: true,
    content: [{ type: "text", text: `${error.code}: ${error.message}` }],
    _meta: { [TOOL_ERROR_META_KEY]: error.toJSON() },
  };
}

/**
 * Reads the typed error of a tool result (from any SDK's client), or `undefined` when the
 * result is no error or carries no typed error.
 *
 * @example
 * ```ts
 * const result = await client.callTool({ name: "lookup_term", arguments: { term: "nope" } });
 * if (toolErrorOf(result)?.code === "TERM_NOT_FOUND") console.log("no such term");
 * ```
 * @category Errors
 */
export function toolErrorOf(result: { isError?: unknown; _meta?: unknown }): ToolErrorPayload | undefined {
  if (result.isError !== true) return undefined;
  const meta = result._meta as Record<string, unknown> | undefined;
  const error = meta?.[TOOL_ERROR_META_KEY] as Record<string, unknown> | undefined;
  if (!error || typeof error.code !== "string" || typeof error.message !== "string") return undefined;
  return {
    code: error.code,
    message: error.message,
    ...(typeof error.field === "string" ? { field: error.field } : {}),
    ...(error.data && typeof error.data === "object" ? { data: error.data as ToolErrorPayload["data"] } : {}),
  };
}

/**
 * The {@link ExtensionError} a failed tool result stands for: its typed error when it carries one,
 * else `TOOL_ERROR` with the result's text.
 *
 * @example
 * ```ts
 * if (result.isError) throw extensionErrorOf(result, "lookup_term");
 * ```
 * @category Errors
 */
export function extensionErrorOf(result: { isError?: unknown; _meta?: unknown; content?: unknown }, toolName: string): ExtensionError {
  const typed = toolErrorOf(result);
  if (typed) return new ExtensionError(typed.code, typed.message, { ...(typed.field === undefined ? {} : { field: typed.field }), ...(typed.data === undefined ? {} : { data: typed.data }) });
  const text = (result.content as { type?: string; text?: string }[] | undefined)?.find((item) => item.type === "text")?.text;
  return new ExtensionError("TOOL_ERROR", text ?? `${toolName} failed`);
}
