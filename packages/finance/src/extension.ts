import { defineExtension, verticalExtensionId } from "@mcp-verticals/core";
import { FinanceClientSettings, FinanceServerSettings, type FinanceEffectiveSettings } from "./schemas/settings.js";
import { listAccountsTool } from "./tools/list-accounts.js";
import { getBalancesTool } from "./tools/get-balances.js";
import { listTransactionsTool } from "./tools/list-transactions.js";
import { getTransactionTool } from "./tools/get-transaction.js";
import { listCounterpartiesTool } from "./tools/list-counterparties.js";
import { postEntryTool } from "./tools/post-entry.js";
import { trialBalanceTool } from "./tools/trial-balance.js";
import { importStatementTool } from "./tools/import-statement.js";
import { reconcileMonthTool } from "./tools/reconcile-month.js";
import { preparePaymentTool } from "./tools/prepare-payment.js";
import { executePaymentTool } from "./tools/execute-payment.js";
import { cancelPaymentTool } from "./tools/cancel-payment.js";
import { validateAccountIdentifierTool } from "./tools/validate-account-identifier.js";
import {
  accountsResource,
  accountTransactionsResource,
  auditResource,
  currenciesResource,
  painResource,
  paymentResource,
  policyResource,
  statementResource,
} from "./resources/finance-resources.js";
import {
  categorizeTransactionsPrompt,
  explainBalanceChangePrompt,
  monthEndClosePrompt,
  prepareSupplierPaymentPrompt,
  reconcileStatementPrompt,
} from "./prompts/finance-prompts.js";

/** The id of the finance extension. */
export const FINANCE_EXTENSION_ID = verticalExtensionId("finance");

/**
 * The finance extension: exact money, a double-entry ledger, statement import and safe payments.
 *
 * Fallback: a client that did not negotiate gets the read-only tools only; payments also need a
 * client that declares an approval UI the server offers.
 */
export const financeExtension = defineExtension({
  id: FINANCE_EXTENSION_ID,
  title: "Finance",
  description: "Exact decimal money, a double-entry ledger, bank statement import and payments with idempotency, limits, allowlists, bound approvals and an audit trail.",
  versions: ["2026-11-24"],
  serverSettings: FinanceServerSettings,
  clientSettings: FinanceClientSettings,
  negotiate: ({ server, client }): FinanceEffectiveSettings => {
    const approvalUi = (client?.approvalUi ?? []).filter((mode) => server.approval.modes.includes(mode));
    return {
      writes: client !== undefined,
      payments: client !== undefined && approvalUi.length > 0 ? server.features.payments : "disabled",
      approvalUi,
      locale: client?.locale ?? "en",
      defaultLimit: Math.min(server.pagination.defaultLimit, server.pagination.maxLimit),
      maxLimit: server.pagination.maxLimit,
    };
  },
  // Only `read` is served by default: its tools/list stays within 12 KB, what a model can afford
  // before its first call. Operators turn the others on (`--toolsets all`, `--toolsets read,payments`).
  toolsets: {
    read: { description: "Read the books: accounts, balances, transactions, trial balance.", default: true },
    import: { description: "Import bank statements and reconcile a month (tasks for clients with Tasks)." },
    bookkeeping: { description: "Post journal entries." },
    payments: { description: "Counterparties, IBAN/BIC checks, and payments behind human approval." },
  },
  tools: [
    listAccountsTool,
    getBalancesTool,
    listTransactionsTool,
    getTransactionTool,
    listCounterpartiesTool,
    trialBalanceTool,
    validateAccountIdentifierTool,
    postEntryTool,
    importStatementTool,
    reconcileMonthTool,
    preparePaymentTool,
    executePaymentTool,
    cancelPaymentTool,
  ],
  resources: [accountsResource, accountTransactionsResource, statementResource, paymentResource, painResource, currenciesResource, policyResource, auditResource],
  prompts: [reconcileStatementPrompt, categorizeTransactionsPrompt, explainBalanceChangePrompt, prepareSupplierPaymentPrompt, monthEndClosePrompt],
});
