import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { z } from "zod";
import type { FinanceContext } from "../context.js";
import { refusePan } from "../money/identifiers.js";
import { IdempotencyKey, IsoDate, Money } from "../schemas/money.js";
import { Transaction } from "../schemas/transaction.js";
import { idempotent, minorOf, requestRecordId, requireWrites, transactionLine, transactionOut } from "./shared.js";

/** `finance_post_entry`: books one balanced journal entry. */
export const postEntryTool = defineTool({
  name: "finance_post_entry",
  title: "Post a journal entry",
  toolset: "bookkeeping",
  description:
    "Books one journal entry: two or more postings (debit positive, credit negative) summing to zero per currency, each in its account's currency. Booked entries never change: correct with a new entry and reversalOf. Fails with UNBALANCED_ENTRY, CURRENCY_MISMATCH, AMOUNT_PRECISION, NOT_FOUND.",
  input: z.object({
    idempotencyKey: IdempotencyKey,
    date: IsoDate.describe("Booking date, YYYY-MM-DD"),
    description: z.string().min(1).max(500).describe("What the entry records."),
    postings: z
      .array(z.object({ accountId: z.string().min(1).max(64).describe("Account id."), amount: Money.describe("Debit positive, credit negative, in the account's currency.") }))
      .min(2)
      .max(100)
      .describe("The legs of the entry."),
    reference: z.string().max(140).optional().describe("Document reference, e.g. an invoice number."),
    counterpartyId: z.string().max(64).optional().describe("Counterparty id."),
    reversalOf: z.string().max(64).optional().describe("Id of the entry this one reverses."),
  }),
  output: z.object({ transaction: Transaction.describe("The booked entry"), idempotentReplayed: z.boolean().describe("A replay of an earlier call with this key") }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  requiresClientExtension: true,
  render: ({ transaction, idempotentReplayed }) => `${idempotentReplayed ? "Already booked" : "Booked"} ${transactionLine(transaction)}`,
  examples: [
    {
      idempotencyKey: "example-post-entry-0001",
      date: "2026-11-20",
      description: "Reclassify software subscription as travel",
      postings: [
        { accountId: "acc_travel", amount: { amount: "49.00", currency: "EUR" } },
        { accountId: "acc_software", amount: { amount: "-49.00", currency: "EUR" } },
      ],
    },
  ],
  handler: async (input, context: FinanceContext) => {
    requireWrites(context);
    refusePan(input.description, "description");
    refusePan(input.reference, "reference");
    return idempotent(context, "finance_post_entry", input.idempotencyKey, input, async ({ resumed }) => {
      const storage = context.services.storage;
      const id = requestRecordId(context, "finance_post_entry", input.idempotencyKey, "tx");
      const booked = await storage.getEntry(id);
      if (booked !== undefined) {
        // Resuming after a crash past the booking: report that entry. Otherwise the key outlived its retention.
        if (resumed) return { transaction: transactionOut(booked) };
        throw new ExtensionError("IDEMPOTENCY_CONFLICT", "this idempotency key already booked an entry; use a new key for a new entry", { field: "idempotencyKey" });
      }
      const postings = [];
      const sums = new Map<string, bigint>();
      for (const [index, posting] of input.postings.entries()) {
        const field = `postings.${index}`;
        const account = await storage.getAccount(posting.accountId);
        if (!account) throw new ExtensionError("NOT_FOUND", "no account with that id", { field: `${field}.accountId` });
        const amountMinor = minorOf(context, posting.amount, `${field}.amount`);
        if (posting.amount.currency !== account.currency) {
          throw new ExtensionError("CURRENCY_MISMATCH", `the account is kept in ${account.currency}`, { field: `${field}.amount.currency` });
        }
        sums.set(account.currency, (sums.get(account.currency) ?? 0n) + amountMinor);
        postings.push({ accountId: account.id, amountMinor, currency: account.currency });
      }
      for (const [currency, sum] of sums) {
        if (sum !== 0n) throw new ExtensionError("UNBALANCED_ENTRY", `the ${currency} postings do not sum to zero`, { field: "postings" });
      }
      if (input.counterpartyId !== undefined && !(await storage.getCounterparty(input.counterpartyId))) {
        throw new ExtensionError("NOT_FOUND", "no counterparty with that id", { field: "counterpartyId" });
      }
      if (input.reversalOf !== undefined && !(await storage.getEntry(input.reversalOf))) {
        throw new ExtensionError("NOT_FOUND", "no transaction with that id to reverse", { field: "reversalOf" });
      }
      const entry = await storage.postEntry({
        id,
        date: input.date,
        description: input.description,
        status: "booked",
        postings,
        reference: input.reference,
        counterpartyId: input.counterpartyId,
        reversalOf: input.reversalOf,
        sourceKind: "manual",
      });
      await context.audit({ binding: "finance.ledger.post", outcome: "ok", subjects: [entry.id], detail: { postings: postings.length, date: input.date } });
      return { transaction: transactionOut(entry) };
    });
  },
});
