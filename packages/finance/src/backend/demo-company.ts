import { createSeededRandom } from "@mcp-verticals/core";
import type { AccountRecord, CounterpartyRecord, EntryInput, PaymentRecord } from "./finance-storage.js";
import { paymentDigest } from "../payments/digest.js";

/** The demo company every embedded database starts with: Nordlicht Design GmbH, Berlin. */
export const DEMO_ACCOUNTS: readonly AccountRecord[] = [
  { id: "acc_operating", code: "1000", name: "Operating account", type: "asset", currency: "EUR", role: "bank", iban: "DE89370400440532013000", bic: "COBADEFFXXX", institution: "Commerzbank" },
  { id: "acc_savings", code: "1010", name: "Savings account", type: "asset", currency: "EUR", iban: "DE02120300000000202051", bic: "BYLADEM1001", institution: "DKB" },
  { id: "acc_usd", code: "1100", name: "USD account", type: "asset", currency: "USD", role: "bank", iban: "GB29NWBK60161331926819", bic: "NWBKGB2L", institution: "NatWest" },
  { id: "acc_receivables", code: "1200", name: "Accounts receivable", type: "asset", currency: "EUR" },
  { id: "acc_suspense", code: "1990", name: "Unreconciled bank items", type: "asset", currency: "EUR", role: "suspense" },
  { id: "acc_suspense_usd", code: "1991", name: "Unreconciled bank items (USD)", type: "asset", currency: "USD", role: "suspense" },
  { id: "acc_payables", code: "2000", name: "Accounts payable", type: "liability", currency: "EUR", role: "payables" },
  { id: "acc_payables_usd", code: "2001", name: "Accounts payable (USD)", type: "liability", currency: "USD", role: "payables" },
  { id: "acc_vat", code: "2100", name: "VAT payable", type: "liability", currency: "EUR" },
  { id: "acc_equity", code: "3000", name: "Share capital", type: "equity", currency: "EUR" },
  { id: "acc_equity_usd", code: "3001", name: "Opening balance (USD)", type: "equity", currency: "USD" },
  { id: "acc_revenue", code: "4000", name: "Design services revenue", type: "income", currency: "EUR" },
  { id: "acc_revenue_usd", code: "4001", name: "Export revenue (USD)", type: "income", currency: "USD" },
  { id: "acc_interest", code: "4500", name: "Interest income", type: "income", currency: "EUR" },
  { id: "acc_rent", code: "6000", name: "Office rent", type: "expense", currency: "EUR" },
  { id: "acc_salaries", code: "6100", name: "Salaries", type: "expense", currency: "EUR" },
  { id: "acc_software", code: "6200", name: "Software subscriptions", type: "expense", currency: "EUR" },
  { id: "acc_software_usd", code: "6201", name: "Software subscriptions (USD)", type: "expense", currency: "USD" },
  { id: "acc_travel", code: "6300", name: "Travel", type: "expense", currency: "EUR" },
  { id: "acc_fees", code: "6900", name: "Bank fees", type: "expense", currency: "EUR" },
];

/** Payees and payers of the demo company (IBANs are valid test numbers). */
export const DEMO_COUNTERPARTIES: readonly CounterpartyRecord[] = [
  { id: "cp_acme", name: "ACME Supplies GmbH", iban: "DE75512108001245126199", bic: "SOGEDEFFXXX", country: "DE", allowlisted: true },
  { id: "cp_landlord", name: "Spree Immobilien KG", iban: "AT611904300234573201", bic: "BKAUATWWXXX", country: "AT", allowlisted: true },
  { id: "cp_cloudy", name: "Cloudy Software BV", iban: "NL91ABNA0417164300", bic: "ABNANL2AXXX", country: "NL", allowlisted: true },
  { id: "cp_nordic", name: "Nordic Office AS", iban: "NO9386011117947", country: "NO", allowlisted: false },
  { id: "cp_globex", name: "Globex Ltd", iban: "GB82WEST12345698765432", bic: "WESTGB2LXXX", country: "GB", allowlisted: false },
  { id: "cp_initech", name: "Initech Inc", country: "US", allowlisted: false },
  { id: "cp_lumen", name: "Lumen Studio SARL", iban: "FR1420041010050500013M02606", country: "FR", allowlisted: true },
  { id: "cp_alpina", name: "Alpina Print AG", iban: "CH9300762011623852957", country: "CH", allowlisted: false },
];

const pad = (n: number) => String(n).padStart(2, "0");

/** A year of bookings, November 2025 to October 2026. */
export function demoEntries(): EntryInput[] {
  const random = createSeededRandom(20261124);
  const entries: EntryInput[] = [];
  let seq = 0;
  const add = (date: string, description: string, legs: Array<[string, bigint, string]>, extra: Partial<EntryInput> = {}) => {
    entries.push({
      id: `tx_demo_${String(++seq).padStart(5, "0")}`,
      date,
      description,
      status: "booked",
      postings: legs.map(([accountId, amountMinor, currency]) => ({ accountId, amountMinor, currency })),
      sourceKind: "seed",
      ...extra,
    });
  };
  add("2025-11-01", "Opening balance: share capital paid in", [["acc_operating", 8_500_000n, "EUR"], ["acc_savings", 4_000_000n, "EUR"], ["acc_equity", -12_500_000n, "EUR"]]);
  add("2025-11-01", "Opening balance: USD account", [["acc_usd", 1_250_000n, "USD"], ["acc_equity_usd", -1_250_000n, "USD"]]);
  for (let month = 0; month < 12; month++) {
    const year = month < 2 ? 2025 : 2026;
    const mm = month < 2 ? 11 + month : month - 1;
    const day = (d: number) => `${year}-${pad(mm)}-${pad(d)}`;
    add(day(1), `Office rent ${year}-${pad(mm)}`, [["acc_rent", 320_000n, "EUR"], ["acc_operating", -320_000n, "EUR"]], { counterpartyId: "cp_landlord", reference: `RENT-${year}${pad(mm)}` });
    add(day(27), `Salaries ${year}-${pad(mm)}`, [["acc_salaries", 1_850_000n, "EUR"], ["acc_operating", -1_850_000n, "EUR"]], { reference: `PAYROLL-${year}${pad(mm)}` });
    add(day(5), "Cloudy Software BV subscription", [["acc_software", 14_900n, "EUR"], ["acc_operating", -14_900n, "EUR"]], { counterpartyId: "cp_cloudy" });
    add(day(28), "Account maintenance fee", [["acc_fees", 1_290n, "EUR"], ["acc_operating", -1_290n, "EUR"]]);
    const invoices = 3 + Math.floor(random() * 4);
    for (let index = 0; index < invoices; index++) {
      const net = BigInt(150_000 + Math.floor(random() * 900_000));
      const vat = (net * 19n) / 100n;
      const invoiceDay = 3 + Math.floor(random() * 20);
      const invoiceNo = `INV-${year}${pad(mm)}-${index + 1}`;
      const client = ["cp_lumen", "cp_globex", "cp_nordic", "cp_alpina"][Math.floor(random() * 4)]!;
      add(day(invoiceDay), `Invoice ${invoiceNo}`, [["acc_receivables", net + vat, "EUR"], ["acc_revenue", -net, "EUR"], ["acc_vat", -vat, "EUR"]], { counterpartyId: client, reference: invoiceNo });
      add(day(Math.min(invoiceDay + 5, 28)), `Payment received ${invoiceNo}`, [["acc_operating", net + vat, "EUR"], ["acc_receivables", -(net + vat), "EUR"]], {
        counterpartyId: client,
        reference: invoiceNo,
      });
    }
    const supplies = BigInt(20_000 + Math.floor(random() * 180_000));
    add(day(12), "ACME Supplies GmbH office supplies", [["acc_software", supplies, "EUR"], ["acc_payables", -supplies, "EUR"]], { counterpartyId: "cp_acme" });
    add(day(19), "Payment to ACME Supplies GmbH", [["acc_payables", supplies, "EUR"], ["acc_operating", -supplies, "EUR"]], { counterpartyId: "cp_acme" });
    if (random() < 0.6) {
      const travel = BigInt(8_000 + Math.floor(random() * 90_000));
      add(day(15), "Train and hotel, client visit", [["acc_travel", travel, "EUR"], ["acc_operating", -travel, "EUR"]]);
    }
    const exportSale = BigInt(200_000 + Math.floor(random() * 500_000));
    add(day(20), "Initech Inc design retainer", [["acc_usd", exportSale, "USD"], ["acc_revenue_usd", -exportSale, "USD"]], { counterpartyId: "cp_initech" });
    add(day(21), "Design tool licence (USD)", [["acc_software_usd", 5_400n, "USD"], ["acc_usd", -5_400n, "USD"]]);
    if (mm % 3 === 0) add(day(28), "Savings interest", [["acc_savings", 3_100n, "EUR"], ["acc_interest", -3_100n, "EUR"]]);
  }
  return entries;
}

/** Demo payments: one small auto-approvable payment and one to cancel, so the tool examples run. */
export function demoPayments(): PaymentRecord[] {
  const make = (id: string, counterparty: CounterpartyRecord, amountMinor: bigint, endToEndId: string): PaymentRecord => {
    const core = {
      debtorAccountId: "acc_operating",
      debtorIban: "DE89370400440532013000",
      creditorName: counterparty.name,
      creditorIban: counterparty.iban!,
      amountMinor,
      currency: "EUR",
      endToEndId,
      executionDate: "2026-11-24",
    };
    return {
      id,
      status: "approved",
      debtorAccountId: core.debtorAccountId,
      creditorCounterpartyId: counterparty.id,
      creditorName: core.creditorName,
      creditorIban: core.creditorIban,
      amountMinor,
      currency: "EUR",
      endToEndId,
      executionDate: core.executionDate,
      remittance: `Demo payment ${endToEndId}`,
      digest: paymentDigest(core),
      createdAt: "2026-11-24T08:00:00.000Z",
    };
  };
  return [make("pay_demo_small", DEMO_COUNTERPARTIES[0]!, 4_250n, "E2E-DEMO-SMALL"), make("pay_demo_cancel", DEMO_COUNTERPARTIES[2]!, 7_900n, "E2E-DEMO-CANCEL")];
}
