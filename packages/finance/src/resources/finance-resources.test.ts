import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectInProcess, type InProcessConnection } from "@mcp-verticals/core/testing";
import { createFinanceRuntime, type FinanceRuntime } from "../server.js";
import { FINANCE_EXTENSION_ID } from "../extension.js";
import { parseCamt053 } from "../formats/camt053.js";
import { parsePain001 } from "../formats/pain001.js";

describe("finance resources", () => {
  let runtime: FinanceRuntime;
  let connection: InProcessConnection;
  let plain: InProcessConnection;
  const read = async (client: InProcessConnection, uri: string) => ((await client.client.readResource({ uri })).contents[0] as { text: string }).text;
  beforeAll(async () => {
    runtime = await createFinanceRuntime({ now: () => new Date("2026-11-24T10:00:00Z"), toolsets: ["all"] });
    connection = await connectInProcess(() => runtime.createServer(), { era: "modern", extensions: { [FINANCE_EXTENSION_ID]: { approvalUi: ["url"] } } });
    plain = await connectInProcess(() => runtime.createServer(), { era: "legacy" });
  });
  afterAll(async () => {
    await connection.close();
    await plain.close();
    await runtime.close();
  });

  it("exports a month as camt.053 whose balances agree with the ledger", async () => {
    const xml = await read(plain, "finance://accounts/acc_operating/statements/2026-10");
    const [statement] = parseCamt053(xml);
    const movements = statement!.lines.reduce((sum, line) => sum + line.amountMinor, 0n);
    expect(statement!.lines.length).toBeGreaterThan(5);
    expect(statement!.openingMinor! + movements).toBe(statement!.closingMinor);
    expect(statement!.openingMinor).toBe((await runtime.storage.balances("acc_operating", "2026-09-30")).booked);
    expect(statement!.closingMinor).toBe((await runtime.storage.balances("acc_operating", "2026-10-31")).booked);
  });

  it("renders a payment as pain.001.001.09 that parses back to the payment", async () => {
    const prepared = (await connection.client.callTool({
      name: "finance_prepare_payment",
      arguments: { idempotencyKey: "resource-prepare-1", debtorAccountId: "acc_operating", creditor: { counterpartyId: "cp_cloudy" }, amount: { amount: "149.00", currency: "EUR" }, remittance: "Licence 2026" },
    })) as { structuredContent: any };
    const id = prepared.structuredContent.payment.id;
    const [transfer] = parsePain001(await read(connection, `finance://payments/${id}/pain001`));
    expect(transfer).toMatchObject({ amountMinor: 14900n, currency: "EUR", creditorIban: "NL91ABNA0417164300", debtorIban: "DE89370400440532013000", endToEndId: prepared.structuredContent.payment.endToEndId, remittance: "Licence 2026" });
    const json = JSON.parse(await read(plain, `finance://payments/${id}`));
    expect(json.creditor.ibanMasked).toBe("NL** **** **** **43 00");
    // The pain.001 file and the audit log carry sensitive data: plain clients are refused.
    await expect(plain.client.readResource({ uri: `finance://payments/${id}/pain001` })).rejects.toMatchObject({ code: -32021 });
    await expect(plain.client.readResource({ uri: "finance://audit" })).rejects.toMatchObject({ code: -32021 });
  });

  it("shows the effective policy with today's remaining budget, and the currency table", async () => {
    const policy = JSON.parse(await read(connection, "finance://policy"));
    expect(policy).toMatchObject({ payments: "sandbox", writes: true, today: "2026-11-24", budget: { EUR: { perDay: "25000.00" } } });
    expect(JSON.parse(await read(plain, "finance://policy")).payments).toBe("disabled");
    const currencies = JSON.parse(await read(plain, "finance://currencies")).currencies as Array<{ code: string; exponent: number }>;
    expect(currencies.find((c) => c.code === "XCG")?.exponent).toBe(2);
  });
});
