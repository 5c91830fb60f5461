import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { z } from "zod";
import type { EntryInput } from "../backend/finance-storage.js";
import type { FinanceContext } from "../context.js";
import { parseCamt053 } from "../formats/camt053.js";
import { CsvMapping, parseCsvStatement } from "../formats/csv.js";
import { parseOfx } from "../formats/ofx.js";
import type { ParsedStatement } from "../formats/statement.js";
import { cleanFreeText, normalizeIban, redactPans } from "../money/identifiers.js";
import { fromMinorUnits } from "../money/money.js";
import { Count, IdempotencyKey } from "../schemas/money.js";
import { idempotent, requireCurrency, requireWrites } from "./shared.js";

const StatementSummary = z.object({
  statementId: z.string().describe("The statement's id in the file"),
  accountId: z.string().describe("Ledger account booked into"),
  currency: z.string().describe("ISO 4217 code"),
  lines: Count.describe("Lines in the statement"),
  duplicates: Count.describe("Lines already booked (same bank reference)"),
  newLines: Count.describe("Lines to book"),
  opening: z.string().optional().describe("Opening balance, as stated"),
  movements: z.string().describe("Sum of booked lines"),
  closing: z.string().optional().describe("Closing balance, as stated"),
  balanceCheck: z.enum(["ok", "mismatch", "unavailable"]).describe("opening + movements = closing, when both are stated"),
});

/** Largest statement file accepted, in characters. */
export const MAX_STATEMENT_CHARS = 32_000_000;

/** `finance_import_statement`: camt.053, OFX/QFX or CSV into the ledger; dry run by default. */
export const importStatementTool = defineTool({
  name: "finance_import_statement",
  title: "Import a bank statement",
  toolset: "import",
  description:
    "Imports a bank statement (camt.053, OFX/QFX, or CSV with csvMapping): each line is booked against the bank account and the unreconciled-items account. dryRun (default true) only reports lines, duplicates (by bank reference) and the balance check; dryRun false books the whole file in one transaction, refused if the balance check fails. A task for clients with tasks (progress in lines; cancelling books nothing).",
  input: z.object({
    idempotencyKey: IdempotencyKey,
    format: z.enum(["camt.053", "ofx", "csv"]).describe("File format."),
    content: z.string().min(1).max(MAX_STATEMENT_CHARS).describe("The file's text."),
    accountId: z.string().max(64).optional().describe("Ledger account to book into; default: the account whose IBAN the statement names."),
    csvMapping: CsvMapping.optional().describe("Columns of a CSV file (required for csv)."),
    dryRun: z.boolean().default(true).describe("Only report; book nothing (default true)."),
  }),
  output: z.object({
    dryRun: z.boolean().describe("Nothing was booked"),
    statements: z.array(StatementSummary).describe("Per statement in the file"),
    imported: Count.describe("Lines booked"),
    duplicates: Count.describe("Lines skipped as already booked"),
    transactionIds: z.array(z.string()).describe("Up to 50 booked transaction ids"),
    idempotentReplayed: z.boolean().describe("A replay of an earlier call with this key"),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  requiresClientExtension: true,
  // A year of statements takes a while: a task for clients that support tasks; the booking is atomic and keyed by idempotencyKey, so a restart books once.
  task: "optional",
  taskResume: "restart",
  maxOutputBytes: 256 * 1024,
  render: (out) =>
    [
      `${out.dryRun ? "Dry run: would book" : out.idempotentReplayed ? "Already imported:" : "Imported"} ${out.dryRun ? out.statements.reduce((sum, s) => sum + s.newLines, 0) : out.imported} line(s), ${out.duplicates} duplicate(s) skipped.`,
      ...out.statements.map((s) => `${s.statementId} on ${s.accountId}: ${s.lines} line(s), movements ${s.movements} ${s.currency}, balance check ${s.balanceCheck}`),
    ].join("\n"),
  examples: [
    {
      idempotencyKey: "example-import-csv-0001",
      format: "csv",
      accountId: "acc_operating",
      content: "Date,Amount,Text,Ref\n2026-11-21,-12.90,Coffee supplies,BANK-REF-1\n2026-11-22,250.00,Refund Globex,BANK-REF-2\n",
      csvMapping: { date: "Date", amount: "Amount", description: "Text", reference: "Ref" },
      dryRun: true,
    },
  ],
  handler: async (input, context: FinanceContext) => {
    requireWrites(context);
    if (!context.serverSettings.features.import.includes(input.format)) {
      throw new ExtensionError("FORMAT_NOT_ENABLED", "this server does not import that format", { field: "format" });
    }
    const storage = context.services.storage;
    const run = async () => {
      const fixedAccount = input.accountId !== undefined ? await storage.getAccount(input.accountId) : undefined;
      if (input.accountId !== undefined && !fixedAccount) throw new ExtensionError("NOT_FOUND", "no account with that id", { field: "accountId" });
      let statements: ParsedStatement[];
      if (input.format === "camt.053") statements = parseCamt053(input.content);
      else if (input.format === "ofx") statements = parseOfx(input.content);
      else {
        if (!input.csvMapping) throw new ExtensionError("CSV_MAPPING_INVALID", "CSV imports need a csvMapping", { field: "csvMapping" });
        if (!fixedAccount) throw new ExtensionError("NOT_FOUND", "CSV imports need accountId", { field: "accountId" });
        statements = [parseCsvStatement(input.content, input.csvMapping, input.csvMapping.currency ?? fixedAccount.currency)];
      }
      const totalLines = statements.reduce((sum, statement) => sum + statement.lines.length, 0);
      let linesDone = 0;
      await context.progress(0, totalLines, "statement lines");
      const summaries: Array<z.output<typeof StatementSummary>> = [];
      const entries: EntryInput[] = [];
      let duplicates = 0;
      let balanceFailure = false;
      for (const statement of statements) {
        requireCurrency(context, statement.currency, "content");
        const iban = statement.accountIban ? normalizeIban(statement.accountIban) : undefined;
        const account = fixedAccount ?? (iban ? await storage.findAccountByIban(iban) : undefined);
        if (!account) throw new ExtensionError("NOT_FOUND", "no ledger account has the statement's IBAN; pass accountId", { field: "accountId" });
        if (account.currency !== statement.currency) {
          throw new ExtensionError("CURRENCY_MISMATCH", `the statement is in ${statement.currency} but the account is kept in ${account.currency}`, { field: "accountId" });
        }
        const contra = await storage.findAccountByRole("suspense", account.currency);
        if (!contra) throw new ExtensionError("NOT_FOUND", `no unreconciled-items account in ${account.currency} to book against`, { field: "accountId" });
        const seen = new Set<string>();
        // References are stored redacted, so duplicates are found by the redacted form too.
        const refs = statement.lines.map((line) => redactPans(line.bankRef).slice(0, 200));
        const existing = await storage.existingBankRefs(account.id, refs);
        let statementDuplicates = 0;
        let movements = 0n;
        for (const [index, line] of statement.lines.entries()) {
          const ref = refs[index]!;
          context.signal.throwIfAborted();
          await context.progress(++linesDone, totalLines, "statement lines");
          if (line.status === "booked") movements += line.amountMinor;
          if (existing.has(ref) || seen.has(ref)) {
            statementDuplicates++;
            continue;
          }
          seen.add(ref);
          const counterparty = line.counterpartyIban ? await storage.findCounterpartyByIban(normalizeIban(line.counterpartyIban) ?? "") : undefined;
          entries.push({
            date: line.bookingDate,
            // Statement text is free text from outside: normalized, card numbers redacted, IBANs masked before storage.
            description: cleanFreeText(line.description).slice(0, 500),
            status: line.status,
            postings: [
              { accountId: account.id, amountMinor: line.amountMinor, currency: account.currency },
              { accountId: contra.id, amountMinor: -line.amountMinor, currency: account.currency },
            ],
            counterpartyId: counterparty?.id,
            endToEndId: line.endToEndId && line.endToEndId !== "NOTPROVIDED" ? redactPans(line.endToEndId).slice(0, 64) : undefined,
            sourceKind: input.format,
            sourceRef: redactPans(statement.id).slice(0, 100),
            bankRef: { accountId: account.id, ref },
          });
        }
        duplicates += statementDuplicates;
        const check =
          statement.openingMinor !== undefined && statement.closingMinor !== undefined
            ? statement.openingMinor + movements === statement.closingMinor
              ? "ok"
              : "mismatch"
            : "unavailable";
        if (check === "mismatch") balanceFailure = true;
        summaries.push({
          statementId: redactPans(statement.id).slice(0, 100),
          accountId: account.id,
          currency: statement.currency,
          lines: statement.lines.length,
          duplicates: statementDuplicates,
          newLines: statement.lines.length - statementDuplicates,
          ...(statement.openingMinor !== undefined ? { opening: fromMinorUnits(statement.openingMinor, statement.currency) } : {}),
          movements: fromMinorUnits(movements, statement.currency),
          ...(statement.closingMinor !== undefined ? { closing: fromMinorUnits(statement.closingMinor, statement.currency) } : {}),
          balanceCheck: check,
        });
      }
      if (input.dryRun) return { dryRun: true, statements: summaries, imported: 0, duplicates, transactionIds: [] };
      if (balanceFailure) {
        throw new ExtensionError("STATEMENT_UNBALANCED", "opening balance plus movements does not equal the closing balance; the file is incomplete or altered", { field: "content" });
      }
      // Book only while this run still owns its task: a cancelled or superseded run books nothing.
      await context.task?.checkpoint();
      context.signal.throwIfAborted();
      const result = await storage.importEntries(entries);
      await context.audit({
        binding: "finance.statement.import",
        outcome: "ok",
        detail: { format: input.format, statements: summaries.length, imported: result.imported.length, duplicates: duplicates + result.duplicates },
      });
      return { dryRun: false, statements: summaries, imported: result.imported.length, duplicates: duplicates + result.duplicates, transactionIds: result.imported.slice(0, 50) };
    };
    if (input.dryRun) return { ...(await run()), idempotentReplayed: false };
    return idempotent(context, "finance_import_statement", input.idempotencyKey, input, run);
  },
});
