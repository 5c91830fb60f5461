import { describe, expect, it } from "vitest";
import { assertExtensionId, extensionIdProblem, VENDOR_PREFIX, verticalExtensionId } from "./id.js";

describe("extension ids (SEP-2133 grammar)", () => {
  it.each(["com.example/weather", "io.github.mcp-verticals/finance", "a/b", "x1.y-2/name_with.dots-and-1", "com.example.mcp/ok"])("accepts %s", (id) => {
    expect(extensionIdProblem(id)).toBeUndefined();
  });

  it.each([
    ["weather", "vendor-prefix"],
    ["/weather", "vendor-prefix"],
    ["com.example/", "vendor-prefix"],
    ["1com.example/x", "vendor-prefix"],
    ["com-.example/x", "vendor-prefix"],
    ["com.example/-x", "vendor-prefix"],
    ["com.example/x/y", "vendor-prefix"],
    ["io.modelcontextprotocol/ui", "reserved"],
    ["dev.mcp/anything", "reserved"],
    ["io.MCP/anything", "reserved"],
  ])("rejects %s", (id, why) => {
    expect(extensionIdProblem(id)).toContain(why);
    expect(() => assertExtensionId(id)).toThrow(TypeError);
  });

  it("builds vertical ids from the one vendor prefix", () => {
    expect(verticalExtensionId("finance")).toBe(`${VENDOR_PREFIX}/finance`);
    expect(() => verticalExtensionId("-bad")).toThrow(/Invalid extension id/);
  });
});
