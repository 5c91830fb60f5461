import { describe, expect, it } from "vitest";
import { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { defineExtension } from "../extension/define.js";
import { definePrompt, defineResource, defineTool } from "../extension/bindings.js";
import { attachExtension, EXTENSION_ERROR_CODE } from "./attach.js";
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

function prompt(name: string, toolset?: string) {
  return definePrompt({
    name,
    description: `The ${name} prompt.`,
    args: z.object({ invoice: z.string().max(3).optional() }),
    ...(toolset === undefined ? {} : { toolset }),
    render: () => `Use the ${name} tools.`,
  });
}

function resource(name: string, uri: string, toolset?: string) {
  return defineResource({
    name,
    uri,
    description: `The ${name} resource.`,
    mimeType: "text/plain",
    ...(toolset === undefined ? {} : { toolset }),
    ...(uri.includes("{") ? { list: () => [{ uri: uri.replace("{id}", "p1"), name: `${name} p1` }] } : {}),
    read: (url: URL) => ({ text: `read ${url.href}` }),
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
  prompts: [prompt("ledger_explain", "read"), prompt("ledger_pay_invoice", "payments"), prompt("ledger_intro")],
  resources: [
    resource("payment", "ledger://payments/{id}", "payments"),
    resource("payment-policy", "ledger://payment-policy", "payments"),
    resource("policy", "ledger://policy"),
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
    expect(() => defineExtension({ ...base, prompts: [prompt("x_prompt", "paymnts")] })).toThrow(/prompt x_prompt names toolset "paymnts", which the extension does not declare/);
    expect(() => defineExtension({ ...base, resources: [resource("x", "x://one", "imports")] })).toThrow(/resource x:\/\/one names toolset "imports"/);
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

    it("prompts follow the toolsets: listed and served only when selected, else a typed JSON-RPC refusal", async () => {
      const { client, close } = await connectInProcess(() => ledgerServer({ toolsets: ["read"] }), { era, extensions: { [ID]: {} } });
      expect((await client.listPrompts()).prompts.map((p) => p.name).sort()).toEqual(["ledger_explain", "ledger_intro"]);
      expect((await client.getPrompt({ name: "ledger_explain", arguments: {} })).messages[0]?.content).toEqual({ type: "text", text: "Use the ledger_explain tools." });
      const refused = await client.getPrompt({ name: "ledger_pay_invoice", arguments: {} }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).toMatchObject({ code: EXTENSION_ERROR_CODE, data: { code: TOOLSET_NOT_ENABLED, data: { toolset: "payments" } } });
      expect((refused as Error).message).toContain("ledger_pay_invoice belongs to the toolset \"payments\"");
      expect((refused as Error).message).toContain("--toolsets read,payments");
      // Refused before its arguments are checked: bad arguments do not reveal the prompt's shape.
      const badArguments = await client.getPrompt({ name: "ledger_pay_invoice", arguments: { invoice: "too long" } }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(badArguments).toMatchObject({ code: EXTENSION_ERROR_CODE, data: { code: TOOLSET_NOT_ENABLED, data: { toolset: "payments" } } });
      await close();
    });

    it("resources follow the toolsets: fixed ones and templates (with their listings) hidden, reads refused", async () => {
      const { client, close } = await connectInProcess(() => ledgerServer(), { era, extensions: { [ID]: {} } });
      expect((await client.listResources()).resources.map((r) => r.uri)).toEqual(["ledger://policy"]);
      expect((await client.listResourceTemplates()).resourceTemplates).toEqual([]);
      expect((await client.readResource({ uri: "ledger://policy" })).contents[0]).toMatchObject({ text: "read ledger://policy" });
      for (const uri of ["ledger://payment-policy", "ledger://payments/p1"]) {
        await expect(client.readResource({ uri })).rejects.toMatchObject({ code: EXTENSION_ERROR_CODE, data: { code: TOOLSET_NOT_ENABLED, data: { toolset: "payments" } } });
      }
      await close();
    });

    it("with the toolset selected, its prompts and resources are listed and served", async () => {
      const { client, close } = await connectInProcess(() => ledgerServer({ toolsets: ["all"] }), { era });
      expect((await client.listPrompts()).prompts.map((p) => p.name).sort()).toEqual(["ledger_explain", "ledger_intro", "ledger_pay_invoice"]);
      expect((await client.getPrompt({ name: "ledger_pay_invoice", arguments: {} })).messages).toHaveLength(1);
      expect((await client.listResources()).resources.map((r) => r.uri).sort()).toEqual(["ledger://payment-policy", "ledger://payments/p1", "ledger://policy"]);
      expect((await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate)).toEqual(["ledger://payments/{id}"]);
      expect((await client.readResource({ uri: "ledger://payments/p1" })).contents[0]).toMatchObject({ text: "read ledger://payments/p1" });
      await close();
    });

    it("listAll (debugging) still leaves out prompts and resources of unselected toolsets", async () => {
      const { client, close } = await connectInProcess(() => ledgerServer({ toolsets: ["read"], listAll: true }), { era });
      expect((await client.listPrompts()).prompts.map((p) => p.name).sort()).toEqual(["ledger_explain", "ledger_intro"]);
      expect((await client.listResources()).resources.map((r) => r.uri)).toEqual(["ledger://policy"]);
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
    const plain = defineExtension({ ...ledger, toolsets: undefined, tools: [tool("ledger_balance"), tool("ledger_pay")], prompts: [], resources: [] });
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
