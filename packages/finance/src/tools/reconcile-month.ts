import { defineTool, ExtensionError, fenceUntrustedText } from "@mcp-verticals/core";
import { z } from "zod";
import type { EntryInput } from "../backend/finance-storage.js";
import type { FinanceContext } from "../context.js";
import { parseCamt053 } from "../formats/camt053.js";
import { CsvMapping, parseCsvStatement } from "../formats/csv.js";
import { parseOfx } from "../formats/ofx.js";
import type { StatementLine } from "../formats/statement.js";
import { cleanFreeText, redactPans } from "../money/identifiers.js";
import { money } from "../money/money.js";
import { Count, IdempotencyKey, MoneyOut } from "../schemas/money.js";
import { MAX_STATEMENT_CHARS } from "./import-statement.js";
import { idempotent, requireCurrency, requireWrites } from "./shared.js";

/** Unmatched items listed per side (counts are always complete). */
const MAX_LISTED = 200;
/** A statement line matches a ledger entry of the same amount booked this many days apart at most. */
const DATE_TOLERANCE_DAYS = 3;

const UnmatchedStatementLine = z.object({
  date: z.string().describe("Booking date on the statement"),
  amount: MoneyOut.describe("Credit positive, debit negative"),
  bankRef: z.string().describe("The bank's reference for the line"),
  description: z.string().describe("Statement text (untrusted data, fenced, card numbers removed)"),
});
const UnmatchedLedgerEntry = z.object({
  transactionId: z.string().describe("The ledger transaction with no statement line"),
  date: z.string().describe("Booking date"),
  amount: MoneyOut.describe("Its posting on the account"),
  description: z.string().describe("Ledger text (untrusted data, fenced)"),
});

const dayOf = (date: string) => Math.floor(Date.parse(`${date}T00:00:00Z`) / 86_400_000);

/** `finance_reconcile_month`: a month-end reconciliation of one bank account, statement vs ledger. */
export const reconcileMonthTool = defineTool({
  name: "finance_reconcile_month",
  title: "Month-end reconciliation",
  toolset: "import",
  description:
    "Month-end reconciliation of one bank account: matches the statement's booked lines (camt.053, OFX, or CSV with csvMapping) to the month's ledger entries by bank reference, then equal amount within 3 days; returns unmatched items on both sides and the difference. apply true books the unmatched lines in one transaction (default false: read only). A task for clients with tasks (progress in records; cancelling changes nothing).",
  input: z.object({
    idempotencyKey: IdempotencyKey,
    accountId: z.string().max(64).describe("The bank account to reconcile"),
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/).describe("The month, YYYY-MM"),
    format: z.enum(["camt.053", "ofx", "csv"]).describe("File format"),
    content: z.string().min(1).max(MAX_STATEMENT_CHARS).describe("The statement file's text"),
    csvMapping: CsvMapping.optional().describe("Columns of a CSV file (required for csv)"),
    apply: z.boolean().default(false).describe("Book the unmatched statement lines (one transaction); default false"),
  }),
  output: z.object({
    accountId: z.string().describe("Account id"),
    month: z.string().describe("YYYY-MM"),
    statementLines: Count.describe("Booked statement lines in the month"),
    ledgerEntries: Count.describe("Ledger entries on the account in the month"),
    matched: Count.describe("Statement lines matched"),
    statementMovements: MoneyOut.describe("Sum of the statement lines"),
    ledgerMovements: MoneyOut.describe("Sum of the ledger entries"),
    difference: MoneyOut.describe("statementMovements - ledgerMovements"),
    unmatchedStatementCount: Count.describe("Statement lines not in the ledger"),
    unmatchedLedgerCount: Count.describe("Ledger entries not on the statement"),
    unmatchedStatement: z.array(UnmatchedStatementLine).describe(`At most ${MAX_LISTED}`),
    unmatchedLedger: z.array(UnmatchedLedgerEntry).describe(`At most ${MAX_LISTED}`),
    applied: z.object({ booked: Count.describe("Lines booked"), transactionIds: z.array(z.string()).describe("Up to 50") }).optional().describe("With apply"),
    idempotentReplayed: z.boolean().describe("A replay of an earlier call with this key"),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  requiresClientExtension: true,
  task: "optional",
  taskResume: "restart",
  maxOutputBytes: 256 * 1024,
  render: (out) =>
    `${out.month} ${out.accountId}: ${out.matched} matched, ${out.unmatchedStatementCount} statement line(s) not in the ledger, ${out.unmatchedLedgerCount} ledger entr(ies) not on the statement; difference ${out.difference.amount} ${out.difference.currency}` +
    (out.applied ? `; booked ${out.applied.booked}` : ""),
  handler: async (input, context: FinanceContext) => {
    requireWrites(context);
    const storage = context.services.storage;
    const run = async () => {
      const account = await storage.getAccount(input.accountId);
      if (!account || account.role !== "bank") throw new ExtensionError("NOT_FOUND", "no bank account with that id", { field: "accountId" });
      const statements =
        input.format === "camt.053"
          ? parseCamt053(input.content)
          : input.format === "ofx"
            ? parseOfx(input.content)
            : input.csvMapping
              ? [parseCsvStatement(input.content, input.csvMapping, input.csvMapping.currency ?? account.currency)]
              : (() => {
                  throw new ExtensionError("CSV_MAPPING_INVALID", "CSV statements need a csvMapping", { field: "csvMapping" });
                })();
      const from = `${input.month}-01`;
      const last = new Date(Date.UTC(Number(input.month.slice(0, 4)), Number(input.month.slice(5, 7)), 0)).toISOString().slice(0, 10);
      const lines: StatementLine[] = [];
      for (const statement of statements) {
        requireCurrency(context, statement.currency, "content");
        if (statement.currency !== account.currency) throw new ExtensionError("CURRENCY_MISMATCH", `the statement is in ${statement.currency} but the account is kept in ${account.currency}`, { field: "content" });
        for (const line of statement.lines) if (line.status === "booked" && line.bookingDate >= from && line.bookingDate <= last) lines.push(line);
      }

      // The ledger side: this account's postings in the month, in one read (paged entry listing
      // costs seconds per page on a large SQLite ledger and would hold the event loop).
      const postings = (await storage.exportPostings()).filter((posting) => posting.accountId === account.id && posting.date >= from && posting.date <= last);
      const byEntry = new Map<string, { entry: { id: string; date: string; description: string }; amountMinor: bigint; day: number; matched: boolean }>();
      for (const posting of postings) {
        const item = byEntry.get(posting.entryId) ?? { entry: { id: posting.entryId, date: posting.date, description: posting.description }, amountMinor: 0n, day: dayOf(posting.date), matched: false };
        item.amountMinor += posting.amountMinor;
        byEntry.set(posting.entryId, item);
      }
      const ledger = [...byEntry.values()];
      const total = lines.length + ledger.length;
      let done = ledger.length;
      await context.progress(done, total, "records");
      const referenced = await storage.existingBankRefs(account.id, lines.map((line) => line.bankRef.slice(0, 200)));
      const unmatchedLines: StatementLine[] = [];
      for (const line of lines) {
        context.signal.throwIfAborted();
        // A line whose bank reference is booked, or an entry of the same amount within the tolerance, is matched.
        const day = dayOf(line.bookingDate);
        const tolerance = referenced.has(line.bankRef.slice(0, 200)) ? Infinity : DATE_TOLERANCE_DAYS;
        let index: number | undefined;
        let best = Infinity;
        ledger.forEach((item, candidate) => {
          const distance = Math.abs(item.day - day);
          if (!item.matched && item.amountMinor === line.amountMinor && distance <= tolerance && distance < best) {
            best = distance;
            index = candidate;
          }
        });
        if (index === undefined) unmatchedLines.push(line);
        else ledger[index]!.matched = true;
        done++;
        await context.progress(done, total, "records");
      }
      const unmatchedLedger = ledger.filter((item) => !item.matched);
      const statementMinor = lines.reduce((sum, line) => sum + line.amountMinor, 0n);
      const ledgerMinor = ledger.reduce((sum, item) => sum + item.amountMinor, 0n);

      let applied: { booked: number; transactionIds: string[] } | undefined;
      if (input.apply) {
        const contra = await storage.findAccountByRole("suspense", account.currency);
        if (!contra) throw new ExtensionError("NOT_FOUND", `no unreconciled-items account in ${account.currency} to book against`, { field: "accountId" });
        const entries: EntryInput[] = unmatchedLines.map((line) => ({
          date: line.bookingDate,
          description: cleanFreeText(line.description).slice(0, 500),
          status: "booked",
          postings: [
            { accountId: account.id, amountMinor: line.amountMinor, currency: account.currency },
            { accountId: contra.id, amountMinor: -line.amountMinor, currency: account.currency },
          ],
          sourceKind: input.format,
          sourceRef: `reconcile ${input.month}`,
          bankRef: { accountId: account.id, ref: line.bankRef.slice(0, 200) },
        }));
        // Book only while this run still owns the task: a cancelled or superseded run books nothing.
        await context.task?.checkpoint();
        context.signal.throwIfAborted();
        const result = await storage.importEntries(entries);
        applied = { booked: result.imported.length, transactionIds: result.imported.slice(0, 50) };
        await context.audit({ binding: "finance.reconcile.apply", outcome: "ok", detail: { month: input.month, booked: result.imported.length } });
      }
      return {
        accountId: account.id,
        month: input.month,
        statementLines: lines.length,
        ledgerEntries: ledger.length,
        matched: lines.length - unmatchedLines.length,
        statementMovements: money(statementMinor, account.currency),
        ledgerMovements: money(ledgerMinor, account.currency),
        difference: money(statementMinor - ledgerMinor, account.currency),
        unmatchedStatementCount: unmatchedLines.length,
        unmatchedLedgerCount: unmatchedLedger.length,
        unmatchedStatement: unmatchedLines.slice(0, MAX_LISTED).map((line) => ({
          date: line.bookingDate,
          amount: money(line.amountMinor, account.currency),
          bankRef: line.bankRef.slice(0, 200),
          description: fenceUntrustedText(cleanFreeText(line.description).slice(0, 500), "bank statement text"),
        })),
        unmatchedLedger: unmatchedLedger.slice(0, MAX_LISTED).map((item) => ({
          transactionId: item.entry.id,
          date: item.entry.date,
          amount: money(item.amountMinor, account.currency),
          description: fenceUntrustedText(item.entry.description, "ledger text"),
        })),
        ...(applied ? { applied } : {}),
      };
    };
    if (!input.apply) return { ...(await run()), idempotentReplayed: false };
    return idempotent(context, "finance_reconcile_month", input.idempotencyKey, input, run);
  },
});
