import { describe, expect, it } from "vitest";
import { ExtensionError } from "./errors.js";
import { extensionErrorOf, TOOL_ERROR_META_KEY, toolErrorOf, toolErrorResult } from "./tool-error.js";

describe("typed tool error results", () => {
  it("carry the typed error in _meta, a human text, and no structuredContent", () => {
    const result = toolErrorResult(new ExtensionError("TERM_NOT_FOUND", "no such term", { field: "term", data: { tried: 1 } }));
    expect(TOOL_ERROR_META_KEY).toBe("io.github.mcp-verticals/error");
    expect(result).toEqual({
      isError: true,
      content: [{ type: "text", text: "TERM_NOT_FOUND: no such term" }],
      _meta: { [TOOL_ERROR_META_KEY]: { code: "TERM_NOT_FOUND", message: "no such term", field: "term", data: { tried: 1 } } },
    });
    expect("structuredContent" in result).toBe(false);
    expect(toolErrorOf(result)).toEqual({ code: "TERM_NOT_FOUND", message: "no such term", field: "term", data: { tried: 1 } });
  });

  it("read nothing from successes, untyped errors or malformed payloads", () => {
    expect(toolErrorOf({ isError: false, _meta: { [TOOL_ERROR_META_KEY]: { code: "X", message: "y" } } })).toBeUndefined();
    expect(toolErrorOf({ isError: true })).toBeUndefined();
    expect(toolErrorOf({ isError: true, _meta: { [TOOL_ERROR_META_KEY]: { code: 7, message: "y" } } })).toBeUndefined();
    expect(toolErrorOf({ isError: true, _meta: { [TOOL_ERROR_META_KEY]: { code: "X", message: "y", field: 3 } } })).toEqual({ code: "X", message: "y" });
  });

  it("turn a result into an ExtensionError, falling back to the text", () => {
    const typed = extensionErrorOf(toolErrorResult(new ExtensionError("NOT_FOUND", "gone", { field: "id" })), "fetch_thing");
    expect(typed).toBeInstanceOf(ExtensionError);
    expect(typed).toMatchObject({ code: "NOT_FOUND", message: "gone", field: "id" });
    expect(extensionErrorOf({ isError: true, content: [{ type: "text", text: "plain failure" }] }, "t")).toMatchObject({ code: "TOOL_ERROR", message: "plain failure" });
    expect(extensionErrorOf({ isError: true }, "t")).toMatchObject({ code: "TOOL_ERROR", message: "t failed" });
  });
});
