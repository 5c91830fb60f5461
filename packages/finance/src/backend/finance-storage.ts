import type { AccountType } from "../schemas/account.js";
import type { PaymentStatus } from "../schemas/payment.js";

/** A ledger account as stored (full IBAN kept server-side only). */
export interface AccountRecord {
  id: string;
  code: string;
  name: string;
  type: AccountType;
  currency: string;
  /** `bank` accounts can pay and receive statements; `payables` and `suspense` receive counter-postings. */
  role?: "bank" | "payables" | "suspense" | undefined;
  iban?: string | undefined;
  bic?: string | undefined;
  institution?: string | undefined;
}

/** One leg of an entry in minor units (debit positive, credit negative). */
export interface PostingRecord {
  accountId: string;
  amountMinor: bigint;
  currency: string;
}

/** What a writer hands to the storage to book one entry. */
export interface EntryInput {
  id?: string;
  date: string;
  description: string;
  status: "booked" | "pending";
  postings: PostingRecord[];
  counterpartyId?: string | undefined;
  reference?: string | undefined;
  endToEndId?: string | undefined;
  reversalOf?: string | undefined;
  sourceKind: "manual" | "camt.053" | "ofx" | "csv" | "payment" | "seed";
  sourceRef?: string | undefined;
  /** The bank's own reference for the line (camt AcctSvcrRef, OFX FITID); unique per bank account. */
  bankRef?: { accountId: string; ref: string } | undefined;
}

/** A stored entry. */
export interface EntryRecord extends Omit<EntryInput, "id"> {
  id: string;
}

/** A payee or payer. */
export interface CounterpartyRecord {
  id: string;
  name: string;
  iban?: string | undefined;
  bic?: string | undefined;
  country?: string | undefined;
  allowlisted: boolean;
}

/** A payment as stored. */
export interface PaymentRecord {
  id: string;
  status: PaymentStatus;
  debtorAccountId: string;
  creditorCounterpartyId?: string | undefined;
  creditorName: string;
  creditorIban: string;
  creditorBic?: string | undefined;
  amountMinor: bigint;
  currency: string;
  endToEndId: string;
  executionDate: string;
  remittance?: string | undefined;
  digest: string;
  createdAt: string;
  transactionId?: string | undefined;
}

/** One row of a trial balance. */
export interface TrialBalanceRow {
  accountId: string;
  code: string;
  name: string;
  type: AccountType;
  currency: string;
  debitMinor: bigint;
  creditMinor: bigint;
}

/** Filters for listing entries. */
export interface EntryFilter {
  accountId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  status?: "booked" | "pending" | undefined;
  text?: string | undefined;
  counterpartyId?: string | undefined;
  minAmountMinor?: bigint | undefined;
  maxAmountMinor?: bigint | undefined;
}

/** A page of rows with the total count. */
export interface Paged<T> {
  items: T[];
  total: number;
}

/**
 * The one storage interface of the finance extension, implemented on SQLite (embedded) and
 * PostgreSQL. Every write runs in one database transaction, and the database itself refuses an
 * entry whose postings do not sum to zero per currency.
 */
export interface FinanceStorage {
  readonly engine: "sqlite" | "postgres";
  listAccounts(filter: { type?: AccountType | undefined }, offset: number, limit: number): Promise<Paged<AccountRecord>>;
  getAccount(id: string): Promise<AccountRecord | undefined>;
  findAccountByIban(iban: string): Promise<AccountRecord | undefined>;
  findAccountByRole(role: "bank" | "payables" | "suspense", currency: string): Promise<AccountRecord | undefined>;
  /** Sums of booked and pending postings on the account up to `asOf` (inclusive). */
  balances(accountId: string, asOf?: string): Promise<{ booked: bigint; pending: bigint }>;
  listEntries(filter: EntryFilter, offset: number, limit: number): Promise<Paged<EntryRecord>>;
  getEntry(id: string): Promise<EntryRecord | undefined>;
  listCounterparties(text: string | undefined, offset: number, limit: number): Promise<Paged<CounterpartyRecord>>;
  getCounterparty(id: string): Promise<CounterpartyRecord | undefined>;
  findCounterpartyByIban(iban: string): Promise<CounterpartyRecord | undefined>;
  /** Books one entry atomically; `UNBALANCED_ENTRY` when the database refuses it. */
  postEntry(entry: EntryInput): Promise<EntryRecord>;
  /** Which of these bank references are already booked on the account. */
  existingBankRefs(accountId: string, refs: string[]): Promise<Set<string>>;
  /** Books all new entries in one transaction, skipping bank references already present. */
  importEntries(entries: EntryInput[]): Promise<{ imported: string[]; duplicates: number }>;
  trialBalance(asOf?: string, currency?: string): Promise<TrialBalanceRow[]>;
  createPayment(payment: PaymentRecord): Promise<void>;
  getPayment(id: string): Promise<PaymentRecord | undefined>;
  listPayments(offset: number, limit: number): Promise<Paged<PaymentRecord>>;
  /** Moves a payment from one of `from` to `to`; false when its state had already changed. */
  transitionPayment(id: string, from: PaymentStatus[], to: PaymentStatus): Promise<boolean>;
  /**
   * Atomically marks the payment settled and books its entry; undefined when its state had changed.
   * With `dailyCaps`, the day's executed totals are re-checked inside the same transaction (under a
   * per-currency lock), so concurrent payments cannot overrun a limit; `LIMIT_EXCEEDED` otherwise.
   */
  settlePayment(id: string, from: PaymentStatus[], entry: EntryInput, dailyCaps?: { perDayMinor: bigint; perCounterpartyMinor?: bigint | undefined }): Promise<PaymentRecord | undefined>;
  /** Sum of executed (settled or submitted) payments on a date, optionally to one payee IBAN. */
  executedTotal(currency: string, date: string, creditorIban?: string): Promise<bigint>;
  /** All booked postings with their entry, for journal export. */
  exportPostings(): Promise<Array<{ entryId: string; date: string; description: string; accountId: string; amountMinor: bigint; currency: string }>>;
  /** A random secret made once per database, shared by every process that serves it. */
  secret(): Promise<string>;
  close(): Promise<void>;
}
