/**
 * The finance vertical of mcp-verticals: exact decimal money (ISO 4217), a double-entry ledger on
 * SQLite or PostgreSQL whose balance invariant the database enforces, bank statement import
 * (camt.053, OFX/QFX, CSV), pain.001 and camt.053 export, and payments with required idempotency,
 * limits, a payee allowlist, approvals bound to the payment's content and a hash-chained audit trail.
 *
 * @packageDocumentation
 */

// The extension definition
export { financeExtension, FINANCE_EXTENSION_ID } from "./extension.js";

// Schemas
export { FinanceServerSettings, FinanceClientSettings, FinanceEffectiveSettings, PaymentMode, ApprovalUi, CurrencyLimits } from "./schemas/settings.js";
export { Money, CurrencyCode, DecimalAmount, IdempotencyKey, IsoDate } from "./schemas/money.js";
export { Account, AccountType, Balance, Counterparty } from "./schemas/account.js";
export { Transaction, Posting } from "./schemas/transaction.js";
export { Payment, PaymentStatus, PaymentChecks, ApprovalRequest } from "./schemas/payment.js";

// Money and identifiers
export { CURRENCIES, currencyInfo, type CurrencyInfo } from "./money/currencies.js";
export { toMinorUnits, fromMinorUnits, money, totalMoney, bankAmountToMinor, AMOUNT_PATTERN, MAX_AMOUNT_MINOR, MAX_TOTAL_MINOR, type MoneyValue } from "./money/money.js";
export { normalizeIban, maskIban, maskIbansInText, luhnValid, containsPan, redactPans, cleanFreeText, normalizeFreeText, describeAccountIdentifier } from "./money/identifiers.js";

// Formats
export { parseCamt053, parseCamt053Stream, buildCamt053, type Camt053Export } from "./formats/camt053.js";
export { parseOfx } from "./formats/ofx.js";
export { parseCsvStatement, parseCsvRows, CsvMapping } from "./formats/csv.js";
export { buildPain001, parsePain001, PAIN_001_NAMESPACE, type CreditTransfer } from "./formats/pain001.js";
export { exportHledgerJournal, hledgerAccountName } from "./formats/hledger.js";
export type { ParsedStatement, StatementLine } from "./formats/statement.js";
export { paymentDigest, type PaymentCore } from "./payments/digest.js";

// Server
export {
  createFinanceServer,
  createFinanceRuntime,
  FINANCE_SERVER_INFO,
  type FinanceServerOptions,
  type FinanceRuntime,
  type FinanceRuntimeOptions,
} from "./server.js";
export { FINANCE_AUDIT_LOG, type FinanceContext, type FinanceServices } from "./context.js";

// Storage
export type {
  FinanceStorage,
  AccountRecord,
  CounterpartyRecord,
  EntryInput,
  EntryRecord,
  PaymentRecord,
  PostingRecord,
  TrialBalanceRow,
  EntryFilter,
  Paged,
} from "./backend/finance-storage.js";
export { openFinanceStorage, isPostgresUrl, type OpenStorageOptions } from "./backend/open-storage.js";
export { stateBesideLedger } from "./backend/state-location.js";
export { DEMO_ACCOUNTS, DEMO_COUNTERPARTIES } from "./backend/demo-company.js";

// Client
export { financeClient } from "./client.js";
