import { spawnSync, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { toolErrorOf } from "@mcp-verticals/core";
import { runConformance, startHttpBin } from "@mcp-verticals/core/testing";
import { createFinanceRuntime } from "./server.js";
import { financeExtension, FINANCE_EXTENSION_ID } from "./extension.js";

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const SCHEMA = fileURLToPath(new URL("../schema.json", import.meta.url));
type Era = "legacy" | "modern";

function client(era: Era, declare: boolean, elicitation = false) {
  return new Client(
    { name: "finance-test", version: "0.0.0" },
    {
      capabilities: { ...(declare ? { extensions: { [FINANCE_EXTENSION_ID]: { approvalUi: ["form"] } } as never } : {}), ...(elicitation ? { elicitation: { form: {} } } : {}) },
      versionNegotiation: { mode: era === "modern" ? { pin: "2026-07-28" } : "legacy" },
    },
  );
}

async function exercise(c: Client) {
  const accounts = (await c.callTool({ name: "finance_list_accounts", arguments: { limit: 3 } })) as { structuredContent: any };
  expect(accounts.structuredContent.accounts).toHaveLength(3);
  expect(accounts.structuredContent.truncated).toBe(true);
  const next = (await c.callTool({ name: "finance_list_accounts", arguments: { limit: 3, cursor: accounts.structuredContent.nextCursor } })) as { structuredContent: any };
  expect(next.structuredContent.accounts[0].id).not.toBe(accounts.structuredContent.accounts[0].id);
  const forged = (await c.callTool({ name: "finance_list_accounts", arguments: { cursor: "forged" } })) as { structuredContent: any; isError?: boolean };
  expect(toolErrorOf(forged)!.code).toBe("INVALID_CURSOR");
  const tb = (await c.callTool({ name: "finance_trial_balance", arguments: {} })) as { structuredContent: any };
  expect(tb.structuredContent.totals.map((t: { balanced: boolean }) => t.balanced)).toEqual([true, true]);
}

describe.each<Era>(["legacy", "modern"])("mcp-finance bin over stdio (%s era)", (era) => {
  let c: Client;
  beforeAll(async () => {
    c = client(era, true, true);
    // The human behind this client approves in its form; the model never sees a token.
    c.setRequestHandler("elicitation/create", async () => ({ action: "accept", content: { confirm: true } }));
    // Payments are off by default (only `read` is served); this deployment turns every toolset on.
    await c.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, "--toolsets", "all"], stderr: "ignore" }));
  });
  afterAll(async () => {
    await c.close();
  });

  it("serves the demo company with paging and signed cursors", async () => {
    expect(c.getProtocolEra()).toBe(era);
    await exercise(c);
  });

  it("with every toolset served, lists and renders all five prompts", async () => {
    expect((await c.listPrompts()).prompts.map((prompt) => prompt.name).sort()).toEqual(financeExtension.prompts.map((prompt) => prompt.name).sort());
    expect(financeExtension.prompts).toHaveLength(5);
    const rendered = await c.getPrompt({ name: "finance_prepare_supplier_payment", arguments: { invoiceText: "ACME invoice 118, EUR 10.00" } });
    expect(JSON.stringify(rendered.messages)).toContain("finance_prepare_payment");
  });

  it("runs the payment flow in sandbox mode and keeps serving after bad input", async () => {
    const prepared = (await c.callTool({
      name: "finance_prepare_payment",
      arguments: { idempotencyKey: `stdio-${era}-prepare`, debtorAccountId: "acc_operating", creditor: { counterpartyId: "cp_lumen" }, amount: { amount: "321.09", currency: "EUR" } },
    })) as { structuredContent: any };
    const { payment } = prepared.structuredContent;
    const executed = (await c.callTool({ name: "finance_execute_payment", arguments: { idempotencyKey: `stdio-${era}-exec`, paymentId: payment.id } })) as { structuredContent: any };
    expect(executed.structuredContent.payment.status).toBe("settled");
    const bad = (await c.callTool({ name: "finance_get_balances", arguments: { accountId: 42 } })) as { isError?: boolean };
    expect(bad.isError).toBe(true);
    const pain = await c.readResource({ uri: `finance://payments/${payment.id}/pain001` });
    expect((pain.contents[0] as { text: string }).text).toContain("<EndToEndId>");
  });
});

describe.each<Era>(["legacy", "modern"])("mcp-finance bin over HTTP (%s era)", (era) => {
  let server: { url: string; child: ChildProcess };
  beforeAll(async () => {
    server = await startHttpBin(BIN, { args: ["--toolsets", "all"] });
  });
  afterAll(() => {
    server.child.kill("SIGTERM");
  });

  it("serves read-only tools to a plain client and gates writes with -32021", async () => {
    const plain = client(era, false);
    await plain.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    await exercise(plain);
    await expect(
      plain.callTool({ name: "finance_post_entry", arguments: { idempotencyKey: "plain-client-01", date: "2026-11-01", description: "x", postings: [] } }),
    ).rejects.toMatchObject({ code: -32021 });
    await plain.close();
  });

  it("serves writes to a declaring client in both eras (a 2025 client keeps its declaration in the session id)", async () => {
    const declaring = client(era, true);
    await declaring.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    const call = declaring.callTool({
      name: "finance_post_entry",
      arguments: {
        idempotencyKey: `http-${era}-entry`,
        date: "2026-11-20",
        description: "HTTP entry",
        postings: [
          { accountId: "acc_fees", amount: { amount: "1.00", currency: "EUR" } },
          { accountId: "acc_operating", amount: { amount: "-1.00", currency: "EUR" } },
        ],
      },
    });
    expect(((await call) as { structuredContent: any }).structuredContent.transaction.description).toBe("HTTP entry");
    await declaring.close();
  });
});

describe.each<[Era, boolean]>([
  ["legacy", false],
  ["legacy", true],
  ["modern", false],
  ["modern", true],
])("a default mcp-finance bin over stdio (%s era, declaring: %s) serves the read toolset only", (era, declare) => {
  let c: Client;
  beforeAll(async () => {
    c = client(era, declare);
    await c.connect(new StdioClientTransport({ command: process.execPath, args: [BIN], stderr: "ignore" }));
  });
  afterAll(async () => {
    await c.close();
  });

  it("lists the read tools, advertises toolsets [read], and refuses the others with TOOLSET_NOT_ENABLED naming how to enable them", async () => {
    expect(c.getProtocolEra()).toBe(era);
    const readTools = financeExtension.tools.filter((tool) => tool.toolset === "read").map((tool) => tool.name).sort();
    expect((await c.listTools()).tools.map((tool) => tool.name).sort()).toEqual(readTools);
    expect(c.getServerCapabilities()?.extensions?.[FINANCE_EXTENSION_ID]).toMatchObject({ toolsets: ["read"] });
    await exercise(c);
    for (const [name, toolset] of [["finance_prepare_payment", "payments"], ["finance_post_entry", "bookkeeping"], ["finance_import_statement", "import"]] as const) {
      const example = financeExtension.tools.find((tool) => tool.name === name)!.examples![0] as Record<string, unknown>;
      const refused = (await c.callTool({ name, arguments: example })) as { isError?: boolean };
      expect(refused.isError, name).toBe(true);
      const error = toolErrorOf(refused)!;
      expect(error).toMatchObject({ code: "TOOLSET_NOT_ENABLED", data: { toolset } });
      expect(error.message).toContain(`--toolsets read,${toolset}`);
      expect(error.message).toContain(`MCP_TOOLSETS=read,${toolset}`);
    }
    // Still serving after the refusals.
    expect(((await c.callTool({ name: "finance_trial_balance", arguments: {} })) as { isError?: boolean }).isError).toBeFalsy();
  });

  it("lists only the prompts that use read tools, and refuses the others with TOOLSET_NOT_ENABLED", async () => {
    expect((await c.listPrompts()).prompts.map((prompt) => prompt.name)).toEqual(["finance_explain_balance_change"]);
    const explained = await c.getPrompt({ name: "finance_explain_balance_change", arguments: { accountId: "acc_operating", from: "2026-09-01", to: "2026-09-30" } });
    expect(JSON.stringify(explained.messages)).toContain("finance_get_balances");
    for (const [name, toolset] of [
      ["finance_reconcile_statement", "import"],
      ["finance_categorize_transactions", "bookkeeping"],
      ["finance_prepare_supplier_payment", "payments"],
      ["finance_month_end_close", "import"],
    ] as const) {
      const example = financeExtension.prompts.find((prompt) => prompt.name === name)!.examples![0] as Record<string, string>;
      const refused = await c.getPrompt({ name, arguments: example }).then(
        () => undefined,
        (error: unknown) => error as { code?: number; message: string; data?: unknown },
      );
      expect(refused?.data, name).toMatchObject({ code: "TOOLSET_NOT_ENABLED", data: { toolset } });
      expect(refused?.message).toContain(`--toolsets read,${toolset}`);
    }
  });
});

describe("mcp-finance --help", () => {
  it("documents the database and payments flags and exits", () => {
    const result = spawnSync(process.execPath, [BIN, "--help"], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain("--database <path|postgres-url>");
    expect(result.stderr).toContain("MCP_FINANCE_SECRET");
    // Only `read` is marked default; the help names the others so an operator can turn them on.
    expect(result.stderr).toMatch(/^ {2}read\s.*\(default\)$/m);
    for (const toolset of ["import", "bookkeeping", "payments"]) expect(result.stderr).toMatch(new RegExp(`^ {2}${toolset}\\s(?!.*\\(default\\)).*$`, "m"));
    const bad = spawnSync(process.execPath, [BIN, "--payments", "live"], { encoding: "utf8" });
    expect(bad.status).toBe(2);
  });
});

describe("conformance and fuzzing", () => {
  it("passes runConformance in both eras and transports with the default toolsets, tools/list budget included", async () => {
    const runtime = await createFinanceRuntime();
    try {
      const report = await runConformance(financeExtension, () => runtime.createServer(), { clientSettings: { approvalUi: ["form"] }, schemaFile: SCHEMA });
      expect(report.failures).toEqual([]);
      expect(report.results.filter((result) => result.rule === "tools.list-budget")).toHaveLength(4);
      expect(report.results.filter((result) => result.rule === "toolsets.unselected-hidden").length).toBeGreaterThan(0);
      expect(report.passed).toBeGreaterThan(30);
    } finally {
      await runtime.close();
    }
  }, 90_000);

  it("passes runConformance with every toolset served", async () => {
    const runtime = await createFinanceRuntime({ toolsets: ["all"] });
    try {
      const report = await runConformance(financeExtension, () => runtime.createServer(), {
        clientSettings: { approvalUi: ["form"] },
        schemaFile: SCHEMA,
        // The budget is the default list's rule (above); an operator who turns every toolset on chooses the larger list.
        skip: ["tools.list-budget"],
      });
      expect(report.failures).toEqual([]);
      expect(report.passed).toBeGreaterThan(30);
    } finally {
      await runtime.close();
    }
  }, 90_000);

  it("never crashes on fuzzed amounts and currencies", async () => {
    const runtime = await createFinanceRuntime({ toolsets: ["read", "bookkeeping"] });
    const { connectInProcess } = await import("@mcp-verticals/core/testing");
    const connection = await connectInProcess(() => runtime.createServer(), { era: "legacy", extensions: { [FINANCE_EXTENSION_ID]: { approvalUi: ["form"] } } });
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const pieces = ["1", "0", "-", ".", "9", "e", "5", ",", " ", "٣", "\u0000", "99999999999999999999", "NaN", "Infinity", "0x1f"];
    const currencies = ["EUR", "JPY", "KWD", "CLF", "XCG", "ANG", "eur", "XXX", "", "EURO", "€", "USD"];
    const codes = new Set<string>();
    try {
      for (let i = 0; i < 150; i++) {
        let amount = "";
        const length = 1 + Math.floor(random() * 6);
        for (let j = 0; j < length; j++) amount += pieces[Math.floor(random() * pieces.length)];
        const currency = currencies[Math.floor(random() * currencies.length)]!;
        const value = random() < 0.1 ? Number(amount) : amount;
        const result = (await connection.client.callTool({
          name: "finance_post_entry",
          arguments: {
            idempotencyKey: `fuzz-key-${i}`,
            date: "2026-11-20",
            description: "fuzz",
            postings: [
              { accountId: "acc_fees", amount: { amount: value, currency } },
              { accountId: "acc_operating", amount: { amount: typeof value === "string" && value.startsWith("-") ? value.slice(1) : `-${value}`, currency } },
            ],
          },
        })) as { isError?: boolean; structuredContent?: any };
        if (result.isError) codes.add(toolErrorOf(result)!.code);
        expect(toolErrorOf(result)?.code).not.toBe("INTERNAL_ERROR");
      }
      expect(codes.size).toBeGreaterThan(1);
      const tb = (await connection.client.callTool({ name: "finance_trial_balance", arguments: {} })) as { structuredContent: any };
      expect(tb.structuredContent.totals.every((t: { balanced: boolean }) => t.balanced)).toBe(true);
    } finally {
      await connection.close();
      await runtime.close();
    }
  });
});
