import { toolErrorOf } from "@mcp-verticals/core";
import { connectInProcess, type InProcessConnection } from "@mcp-verticals/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EntryInput } from "../backend/finance-storage.js";
import { FINANCE_EXTENSION_ID } from "../extension.js";
import { fromMinorUnits, MAX_AMOUNT_MINOR, MAX_TOTAL_MINOR } from "../money/money.js";
import { createFinanceRuntime, type FinanceRuntime } from "../server.js";

/** `count` entries moving the largest allowed amount from equity to the savings account. */
const maximalEntries = (count: number, from: number): EntryInput[] =>
  Array.from({ length: count }, (_, n) => ({
    date: "2026-11-30",
    description: `maximal transfer ${from + n}`,
    status: "booked",
    postings: [
      { accountId: "acc_savings", amountMinor: MAX_AMOUNT_MINOR, currency: "EUR" },
      { accountId: "acc_equity", amountMinor: -MAX_AMOUNT_MINOR, currency: "EUR" },
    ],
    sourceKind: "manual",
  }));

describe("totals of extreme postings: exact on SQLite past 2^63, typed AMOUNT_OUT_OF_RANGE beyond the reporting range", () => {
  let runtime: FinanceRuntime;
  let connection: InProcessConnection;
  let opening: bigint;
  const call = (name: string, args: Record<string, unknown>) => connection.client.callTool({ name, arguments: args });

  beforeAll(async () => {
    runtime = await createFinanceRuntime();
    connection = await connectInProcess(() => runtime.createServer(), { era: "modern", extensions: { [FINANCE_EXTENSION_ID]: {} } });
    opening = (await runtime.storage.balances("acc_savings")).booked;
  });
  afterAll(async () => {
    await connection?.close();
    await runtime?.close();
  });

  it("reports a balance of 999 maximal postings to the cent", async () => {
    await runtime.storage.importEntries(maximalEntries(999, 0));
    const expected = opening + 999n * MAX_AMOUNT_MINOR;
    expect(expected).toBeLessThan(MAX_TOTAL_MINOR);
    const result = await call("finance_get_balances", { accountId: "acc_savings" });
    expect(result.isError).toBeFalsy();
    const booked = (result.structuredContent as { balances: Array<{ type: string; amount: { amount: string } }> }).balances.find((b) => b.type === "booked")!;
    expect(booked.amount.amount).toBe(fromMinorUnits(expected, "EUR"));
  });

  it("sums past the 64-bit range exactly and refuses to report it with a typed error naming the field", async () => {
    // 9,400 maximal postings: ≈ 9.4 × 10^18 minor units, beyond SQLite's 64-bit SUM (2^63 − 1 ≈ 9.22 × 10^18).
    await runtime.storage.importEntries(maximalEntries(8_401, 999));
    const exact = opening + 9_400n * MAX_AMOUNT_MINOR;
    expect(exact).toBeGreaterThan(2n ** 63n - 1n);
    expect((await runtime.storage.balances("acc_savings")).booked).toBe(exact);
    const rows = await runtime.storage.trialBalance();
    expect(rows.find((row) => row.accountId === "acc_equity")!.creditMinor).toBeGreaterThanOrEqual(9_400n * MAX_AMOUNT_MINOR);

    const balance = await call("finance_get_balances", { accountId: "acc_savings" });
    expect(toolErrorOf(balance)).toMatchObject({ code: "AMOUNT_OUT_OF_RANGE", field: "balances.booked" });
    const trial = await call("finance_trial_balance", { currency: "EUR" });
    expect(toolErrorOf(trial)).toMatchObject({ code: "AMOUNT_OUT_OF_RANGE", field: "rows.acc_savings.debit" });
    // The server keeps serving: an account far from the range still reports.
    expect((await call("finance_get_balances", { accountId: "acc_usd" })).isError).toBeFalsy();
  });
});
