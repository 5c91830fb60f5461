import { describe, expect, it } from "vitest";
import { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { defineExtension } from "../extension/define.js";
import { defineTool } from "../extension/bindings.js";
import { attachExtension } from "./attach.js";
import { activeToolsets, parseToolsetSelection, selectToolsets, selectingToolsets, TOOLSET_NOT_ENABLED } from "./toolsets.js";
import { connectInProcess } from "../testing/connect.js";
import { toolErrorOf } from "../tool-error.js";
import { createExtensionClient } from "../client/extension-client.js";

const ID = "com.example/ledger";
const annotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

function tool(name: string, toolset?: string, requiresClientExtension = false) {
  return defineTool({
    name,
    description: `The ${name} tool.`,
    input: z.object({}),
    output: z.object({ ok: z.boolean().describe("Always true.") }),
    annotations,
    ...(toolset === undefined ? {} : { toolset }),
    requiresClientExtension,
    render: () => "ok",
    handler: () => ({ ok: true }),
  });
}

const ledger = defineExtension({
  id: ID,
  title: "Ledger",
  description: "A ledger with read, import and payments toolsets.",
  versions: ["1.0"],
  serverSettings: z.strictObject({ currency: z.string().default("NOK").describe("Ledger currency.") }),
  clientSettings: z.strictObject({}),
  negotiate: ({ server }) => server,
  toolsets: {
    read: { description: "Read balances.", default: true },
    import: { description: "Import statements.", default: true },
    payments: { description: "Initiate payments." },
  },
  tools: [
    tool("ledger_balance", "read"),
    tool("ledger_import", "import"),
    tool("ledger_pay", "payments"),
    tool("ledger_approve", "payments", true),
    tool("ledger_help"),
  ],
});

function ledgerServer(options: { toolsets?: readonly string[]; listAll?: boolean } = {}): McpServer {
  const server = new McpServer({ name: "ledger", version: "1.0.0" });
  attachExtension(server, ledger, { settings: {}, services: {}, ...options });
  return server;
}

const names = async (client: { listTools(): Promise<{ tools: { name: string }[] }> }) => (await client.listTools()).tools.map((t) => t.name).sort();

describe("defining toolsets", () => {
  it("refuses a tool naming an undeclared toolset, reserved or malformed names, and empty descriptions", () => {
    const base = { ...ledger, tools: [], methods: [], resources: [], prompts: [] };
    expect(() => defineExtension({ ...base, tools: [tool("x_one", "nope")] })).toThrow(/toolset "nope", which the extension does not declare/);
    expect(() => defineExtension({ ...base, toolsets: { all: { description: "Everything." } } })).toThrow(/toolset name "all"/);
    expect(() => defineExtension({ ...base, toolsets: { "Read Only": { description: "x" } } })).toThrow(/toolset name "Read Only"/);
    expect(() => defineExtension({ ...base, toolsets: { read: { description: " " } } })).toThrow(/toolset read needs a description/);
  });

  it("resolves selections: defaults, all, none, default plus a name", () => {
    expect([...activeToolsets(ledger, undefined)].sort()).toEqual(["import", "read"]);
    expect([...activeToolsets(ledger, ["all"])].sort()).toEqual(["import", "payments", "read"]);
    expect([...activeToolsets(ledger, ["none"])]).toEqual([]);
    expect([...activeToolsets(ledger, ["default", "payments"])].sort()).toEqual(["import", "payments", "read"]);
    expect(parseToolsetSelection(" read, import ,,payments ")).toEqual(["read", "import", "payments"]);
  });

  it("refuses an unknown toolset at attach and at selection, naming the known ones", () => {
    expect(() => ledgerServer({ toolsets: ["reed"] })).toThrow(/Unknown toolset reed \(known toolsets: read, import, payments/);
    expect(() => selectToolsets(ledgerServer(), ["read", "paymnts"])).toThrow(/Unknown toolset paymnts/);
    const plain = new McpServer({ name: "plain", version: "1.0.0" });
    expect(() => selectToolsets(plain, ["read"])).toThrow(/this server declares no toolsets/);
  });
});

for (const era of ["legacy", "modern"] as const) {
  describe(`toolsets (${era})`, () => {
    it("lists and serves only the default toolsets and untagged tools; the rest answer TOOLSET_NOT_ENABLED", async () => {
      const { client, close } = await connectInProcess(() => ledgerServer(), { era, extensions: { [ID]: {} } });
      expect(await names(client)).toEqual(["ledger_balance", "ledger_help", "ledger_import"]);
      expect((await client.callTool({ name: "ledger_balance", arguments: {} })).isError).toBeFalsy();
      const refused = await client.callTool({ name: "ledger_pay", arguments: {} });
      expect(refused.isError).toBe(true);
      expect(refused.structuredContent).toBeUndefined();
      const error = toolErrorOf(refused);
      expect(error).toMatchObject({ code: TOOLSET_NOT_ENABLED, data: { toolset: "payments" } });
      expect(error?.message).toContain("--toolsets read,import,payments");
      expect(error?.message).toContain("MCP_TOOLSETS");
      await close();
    });

    it("the toolset refusal comes before the client-extension gate: no declaration can enable it", async () => {
      const { client, close } = await connectInProcess(() => ledgerServer(), { era });
      expect(await names(client)).toEqual(["ledger_balance", "ledger_help", "ledger_import"]);
      expect(toolErrorOf(await client.callTool({ name: "ledger_approve", arguments: {} }))).toMatchObject({ code: TOOLSET_NOT_ENABLED });
      await close();
    });

    it("serves the selected toolsets (attach option) and gates the rest as before", async () => {
      const { client, close } = await connectInProcess(() => ledgerServer({ toolsets: ["payments"] }), { era });
      // ledger_approve also requires the client extension, so a plain client is not shown it.
      expect(await names(client)).toEqual(["ledger_help", "ledger_pay"]);
      expect((await client.callTool({ name: "ledger_pay", arguments: {} })).isError).toBeFalsy();
      await expect(client.callTool({ name: "ledger_approve", arguments: {} })).rejects.toMatchObject({ code: -32021 });
      expect(toolErrorOf(await client.callTool({ name: "ledger_balance", arguments: {} }))).toMatchObject({ code: TOOLSET_NOT_ENABLED, data: { toolset: "read" } });
      await close();
    });

    it("an operator selection after attach (selectingToolsets) replaces the attach option", async () => {
      const factory = selectingToolsets(() => ledgerServer({ toolsets: ["read"] }), ["all"]);
      const { client, close } = await connectInProcess(factory, { era, extensions: { [ID]: {} } });
      expect(await names(client)).toEqual(["ledger_approve", "ledger_balance", "ledger_help", "ledger_import", "ledger_pay"]);
      expect((await client.callTool({ name: "ledger_approve", arguments: {} })).isError).toBeFalsy();
      await close();
    });

    it("listAll (debugging) still leaves out tools of unselected toolsets: no client could call them", async () => {
      const { client, close } = await connectInProcess(() => ledgerServer({ toolsets: ["read"], listAll: true }), { era });
      expect(await names(client)).toEqual(["ledger_balance", "ledger_help"]);
      await close();
    });

    it("advertises the active toolsets beside the settings, and the typed client still binds", async () => {
      const { client, close } = await connectInProcess(() => ledgerServer({ toolsets: ["read", "payments"] }), { era, extensions: { [ID]: {} } });
      expect(client.getServerCapabilities()?.extensions?.[ID]).toEqual({ currency: "NOK", versions: ["1.0"], toolsets: ["read", "payments"] });
      const bound = createExtensionClient(ledger, {}).bind(client);
      expect(bound.serverSettings).toEqual({ currency: "NOK" });
      await close();
    });
  });
}

describe("extensions without toolsets", () => {
  it("advertise no toolsets key and serve every tool", async () => {
    const plain = defineExtension({ ...ledger, toolsets: undefined, tools: [tool("ledger_balance"), tool("ledger_pay")] });
    const factory = () => {
      const server = new McpServer({ name: "ledger", version: "1.0.0" });
      attachExtension(server, plain, { settings: {}, services: {} });
      return server;
    };
    const { client, close } = await connectInProcess(factory, { era: "modern" });
    expect(client.getServerCapabilities()?.extensions?.[ID]).toEqual({ currency: "NOK", versions: ["1.0"] });
    expect(await names(client)).toEqual(["ledger_balance", "ledger_pay"]);
    await close();
  });
});
