import { randomBytes } from "node:crypto";
import { ExtensionError } from "@mcp-verticals/core";
import type { AccountType } from "../schemas/account.js";
import type { PaymentStatus } from "../schemas/payment.js";
import type {
  AccountRecord,
  CounterpartyRecord,
  EntryFilter,
  EntryInput,
  EntryRecord,
  FinanceStorage,
  PaymentRecord,
  PostingRecord,
  TrialBalanceRow,
} from "./finance-storage.js";
import type { SqlDriver, SqlExecutor } from "./sql-driver.js";
import { accountListingQueries } from "./account-listing-sql.js";

type Row = Record<string, unknown>;

const text = (value: unknown): string | undefined => (value === null || value === undefined ? undefined : String(value));
const big = (value: unknown): bigint => (value === null || value === undefined ? 0n : BigInt(value as string | number | bigint));
const int = (value: unknown): number => Number(value ?? 0);

/**
 * An exact SUM of minor units on every engine: SQLite's SUM of 64-bit integers fails with
 * "integer overflow" past 2^63 − 1, so the sum is taken in two halves (the quotient and the
 * remainder by 10^9, each far from overflow) and joined in BigInt by {@link summed}.
 */
const SPLIT = 1_000_000_000n;
const exactSum = (expression: string, alias: string): string => `SUM((${expression}) / ${SPLIT}) AS ${alias}_hi, SUM((${expression}) % ${SPLIT}) AS ${alias}_lo`;
const summed = (row: Record<string, unknown> | undefined, alias: string): bigint => (row ? big(row[`${alias}_hi`]) * SPLIT + big(row[`${alias}_lo`]) : 0n);

/** A new entry id: time-ordered, random suffix. */
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36).padStart(9, "0")}${randomBytes(6).toString("hex")}`;
}

function toAccount(row: Row): AccountRecord {
  return {
    id: String(row.id),
    code: String(row.code),
    name: String(row.name),
    type: String(row.type) as AccountType,
    currency: String(row.currency),
    role: text(row.role) as AccountRecord["role"],
    iban: text(row.iban),
    bic: text(row.bic),
    institution: text(row.institution),
  };
}

function toCounterparty(row: Row): CounterpartyRecord {
  return {
    id: String(row.id),
    name: String(row.name),
    iban: text(row.iban),
    bic: text(row.bic),
    country: text(row.country),
    allowlisted: int(row.allowlisted) === 1,
  };
}

function toPayment(row: Row): PaymentRecord {
  return {
    id: String(row.id),
    status: String(row.status) as PaymentStatus,
    debtorAccountId: String(row.debtor_account_id),
    creditorCounterpartyId: text(row.creditor_counterparty_id),
    creditorName: String(row.creditor_name),
    creditorIban: String(row.creditor_iban),
    creditorBic: text(row.creditor_bic),
    amountMinor: big(row.amount_minor),
    currency: String(row.currency),
    endToEndId: String(row.end_to_end_id),
    executionDate: String(row.execution_date),
    remittance: text(row.remittance),
    digest: String(row.digest),
    createdAt: String(row.created_at),
    transactionId: text(row.transaction_id),
  };
}

/** Maps the database's refusal of an unbalanced entry to the typed error. */
function ledgerError(error: unknown): unknown {
  const message = error instanceof Error ? error.message : String(error);
  if (message.includes("UNBALANCED_ENTRY") || message.includes("FOREIGN KEY constraint failed")) {
    return new ExtensionError("UNBALANCED_ENTRY", "the ledger refused the entry: its postings do not sum to zero per currency", { field: "postings" });
  }
  if (message.includes("ENTRY_IMMUTABLE")) return new ExtensionError("ENTRY_IMMUTABLE", "booked entries cannot be changed; post a reversal instead");
  return error;
}

async function insertEntry(sql: SqlExecutor, entry: EntryInput): Promise<EntryRecord> {
  const id = entry.id ?? newId("tx");
  let line = 0;
  // Postings first: inserting the entry row seals them and runs the balance check.
  for (const posting of entry.postings) {
    await sql.run("INSERT INTO postings (entry_id, line, account_id, amount_minor, currency, date, status) VALUES (?, ?, ?, ?, ?, ?, ?)", [
      id,
      line++,
      posting.accountId,
      posting.amountMinor,
      posting.currency,
      entry.date,
      entry.status,
    ]);
  }
  await sql.run(
    `INSERT INTO entries (id, date, description, status, counterparty_id, reference, end_to_end_id, reversal_of, source_kind, source_ref, bank_account_id, bank_ref)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      id,
      entry.date,
      entry.description,
      entry.status,
      entry.counterpartyId,
      entry.reference,
      entry.endToEndId,
      entry.reversalOf,
      entry.sourceKind,
      entry.sourceRef,
      entry.bankRef?.accountId,
      entry.bankRef?.ref,
    ],
  );
  const { id: _ignored, ...rest } = entry;
  return { ...rest, id };
}

async function loadPostings(sql: SqlExecutor, ids: string[]): Promise<Map<string, PostingRecord[]>> {
  const byEntry = new Map<string, PostingRecord[]>();
  for (let start = 0; start < ids.length; start += 500) {
    const chunk = ids.slice(start, start + 500);
    const rows = await sql.all(
      `SELECT entry_id, account_id, amount_minor, currency FROM postings WHERE entry_id IN (${chunk.map(() => "?").join(",")}) ORDER BY entry_id, line`,
      chunk,
    );
    for (const row of rows) {
      const list = byEntry.get(String(row.entry_id)) ?? [];
      list.push({ accountId: String(row.account_id), amountMinor: big(row.amount_minor), currency: String(row.currency) });
      byEntry.set(String(row.entry_id), list);
    }
  }
  return byEntry;
}

function toEntry(row: Row, postings: PostingRecord[]): EntryRecord {
  const bankAccountId = text(row.bank_account_id);
  const bankRef = text(row.bank_ref);
  return {
    id: String(row.id),
    date: String(row.date),
    description: String(row.description),
    status: String(row.status) as EntryRecord["status"],
    postings,
    counterpartyId: text(row.counterparty_id),
    reference: text(row.reference),
    endToEndId: text(row.end_to_end_id),
    reversalOf: text(row.reversal_of),
    sourceKind: String(row.source_kind) as EntryRecord["sourceKind"],
    sourceRef: text(row.source_ref),
    bankRef: bankAccountId !== undefined && bankRef !== undefined ? { accountId: bankAccountId, ref: bankRef } : undefined,
  };
}

/**
 * The storage logic shared by SQLite and PostgreSQL: plain SQL through a small driver, so the
 * same code (and the same test suite) runs on both engines.
 */
export function createSqlStorage(driver: SqlDriver): FinanceStorage {
  const entriesWhere = (filter: EntryFilter): { where: string; params: unknown[] } => {
    const clauses: string[] = [];
    const params: unknown[] = [];
    if (filter.accountId !== undefined) {
      // An uncorrelated IN list, read from the postings_account_dated index: a correlated EXISTS
      // made SQLite rescan every posting of the account once per entry (seconds per page at a few
      // thousand postings, with the event loop blocked throughout).
      let sub = "SELECT p.entry_id FROM postings p WHERE p.account_id = ?";
      params.push(filter.accountId);
      if (filter.minAmountMinor !== undefined) {
        sub += " AND p.amount_minor >= ?";
        params.push(filter.minAmountMinor);
      }
      if (filter.maxAmountMinor !== undefined) {
        sub += " AND p.amount_minor <= ?";
        params.push(filter.maxAmountMinor);
      }
      clauses.push(`e.id IN (${sub})`);
    }
    if (filter.from !== undefined) {
      clauses.push("e.date >= ?");
      params.push(filter.from);
    }
    if (filter.to !== undefined) {
      clauses.push("e.date <= ?");
      params.push(filter.to);
    }
    if (filter.status !== undefined) {
      clauses.push("e.status = ?");
      params.push(filter.status);
    }
    if (filter.counterpartyId !== undefined) {
      clauses.push("e.counterparty_id = ?");
      params.push(filter.counterpartyId);
    }
    if (filter.text !== undefined && filter.text.length > 0) {
      clauses.push("(LOWER(e.description) LIKE ? OR LOWER(COALESCE(e.reference, '')) LIKE ?)");
      const pattern = `%${filter.text.toLowerCase().replace(/[%_]/g, "")}%`;
      params.push(pattern, pattern);
    }
    return { where: clauses.length > 0 ? `WHERE ${clauses.join(" AND ")}` : "", params };
  };

  return {
    engine: driver.engine,

    async listAccounts(filter, offset, limit) {
      const where = filter.type !== undefined ? "WHERE type = ?" : "";
      const params = filter.type !== undefined ? [filter.type] : [];
      const rows = await driver.all(`SELECT * FROM accounts ${where} ORDER BY code LIMIT ? OFFSET ?`, [...params, limit, offset]);
      const [count] = await driver.all(`SELECT COUNT(*) AS n FROM accounts ${where}`, params);
      return { items: rows.map(toAccount), total: int(count?.n) };
    },
    async getAccount(id) {
      const [row] = await driver.all("SELECT * FROM accounts WHERE id = ?", [id]);
      return row ? toAccount(row) : undefined;
    },
    async findAccountByIban(iban) {
      const [row] = await driver.all("SELECT * FROM accounts WHERE iban = ?", [iban]);
      return row ? toAccount(row) : undefined;
    },
    async findAccountByRole(role, currency) {
      const [row] = await driver.all("SELECT * FROM accounts WHERE role = ? AND currency = ? ORDER BY code LIMIT 1", [role, currency]);
      return row ? toAccount(row) : undefined;
    },
    async balances(accountId, asOf) {
      const rows = await driver.all(
        `SELECT status, ${exactSum("amount_minor", "total")} FROM postings WHERE account_id = ?${asOf ? " AND date <= ?" : ""} GROUP BY status`,
        asOf ? [accountId, asOf] : [accountId],
      );
      const total = (status: string) => summed(rows.find((row) => row.status === status), "total");
      return { booked: total("booked"), pending: total("pending") };
    },
    async listEntries(filter, offset, limit) {
      const { where, params } = entriesWhere(filter);
      const queries = accountListingQueries(filter, offset, limit) ?? {
        page: { sql: `SELECT e.* FROM entries e ${where} ORDER BY e.date DESC, e.id DESC LIMIT ? OFFSET ?`, params: [...params, limit, offset] },
        count: { sql: `SELECT COUNT(*) AS n FROM entries e ${where}`, params },
      };
      const rows = await driver.all(queries.page.sql, queries.page.params);
      const [count] = await driver.all(queries.count.sql, queries.count.params);
      const postings = await loadPostings(driver, rows.map((row) => String(row.id)));
      return { items: rows.map((row) => toEntry(row, postings.get(String(row.id)) ?? [])), total: int(count?.n) };
    },
    async getEntry(id) {
      const [row] = await driver.all("SELECT * FROM entries WHERE id = ?", [id]);
      if (!row) return undefined;
      const postings = await loadPostings(driver, [id]);
      return toEntry(row, postings.get(id) ?? []);
    },
    async listCounterparties(search, offset, limit) {
      const where = search ? "WHERE LOWER(name) LIKE ?" : "";
      const params = search ? [`%${search.toLowerCase().replace(/[%_]/g, "")}%`] : [];
      const rows = await driver.all(`SELECT * FROM counterparties ${where} ORDER BY name, id LIMIT ? OFFSET ?`, [...params, limit, offset]);
      const [count] = await driver.all(`SELECT COUNT(*) AS n FROM counterparties ${where}`, params);
      return { items: rows.map(toCounterparty), total: int(count?.n) };
    },
    async getCounterparty(id) {
      const [row] = await driver.all("SELECT * FROM counterparties WHERE id = ?", [id]);
      return row ? toCounterparty(row) : undefined;
    },
    async findCounterpartyByIban(iban) {
      const [row] = await driver.all("SELECT * FROM counterparties WHERE iban = ? ORDER BY id LIMIT 1", [iban]);
      return row ? toCounterparty(row) : undefined;
    },
    async postEntry(entry) {
      try {
        return await driver.transaction((sql) => insertEntry(sql, entry));
      } catch (error) {
        throw ledgerError(error);
      }
    },
    async existingBankRefs(accountId, refs) {
      const found = new Set<string>();
      for (let start = 0; start < refs.length; start += 500) {
        const chunk = refs.slice(start, start + 500);
        if (chunk.length === 0) continue;
        const rows = await driver.all(`SELECT bank_ref FROM entries WHERE bank_account_id = ? AND bank_ref IN (${chunk.map(() => "?").join(",")})`, [accountId, ...chunk]);
        for (const row of rows) found.add(String(row.bank_ref));
      }
      return found;
    },
    async importEntries(entries) {
      try {
        return await driver.transaction(async (sql) => {
          // Look duplicates up in batches inside the transaction, so a concurrent import cannot slip in between.
          const booked = new Set<string>();
          const byAccount = new Map<string, string[]>();
          for (const entry of entries) if (entry.bankRef) byAccount.set(entry.bankRef.accountId, [...(byAccount.get(entry.bankRef.accountId) ?? []), entry.bankRef.ref]);
          for (const [accountId, refs] of byAccount) {
            for (let start = 0; start < refs.length; start += 500) {
              const chunk = refs.slice(start, start + 500);
              const rows = await sql.all(`SELECT bank_ref FROM entries WHERE bank_account_id = ? AND bank_ref IN (${chunk.map(() => "?").join(",")})`, [accountId, ...chunk]);
              for (const row of rows) booked.add(`${accountId}\u0000${String(row.bank_ref)}`);
            }
          }
          const imported: string[] = [];
          let duplicates = 0;
          for (const entry of entries) {
            if (entry.bankRef !== undefined) {
              const refKey = `${entry.bankRef.accountId}\u0000${entry.bankRef.ref}`;
              if (booked.has(refKey)) {
                duplicates++;
                continue;
              }
              booked.add(refKey);
            }
            imported.push((await insertEntry(sql, entry)).id);
          }
          return { imported, duplicates };
        });
      } catch (error) {
        throw ledgerError(error);
      }
    },
    async trialBalance(asOf, currency) {
      const conditions = ["p.status = 'booked'"];
      const params: unknown[] = [];
      if (asOf) {
        conditions.push("p.date <= ?");
        params.push(asOf);
      }
      const accountFilter = currency ? "WHERE a.currency = ?" : "";
      if (currency) params.push(currency);
      const rows = await driver.all(
        `SELECT a.id, a.code, a.name, a.type, a.currency,
                t.debit_hi, t.debit_lo, t.credit_hi, t.credit_lo
         FROM accounts a
         LEFT JOIN (SELECT p.account_id,
                           ${exactSum("CASE WHEN p.amount_minor > 0 THEN p.amount_minor ELSE 0 END", "debit")},
                           ${exactSum("CASE WHEN p.amount_minor < 0 THEN -p.amount_minor ELSE 0 END", "credit")}
                    FROM postings p WHERE ${conditions.join(" AND ")} GROUP BY p.account_id) t ON t.account_id = a.id
         ${accountFilter}
         ORDER BY a.code`,
        params,
      );
      return rows.map(
        (row): TrialBalanceRow => ({
          accountId: String(row.id),
          code: String(row.code),
          name: String(row.name),
          type: String(row.type) as AccountType,
          currency: String(row.currency),
          debitMinor: summed(row, "debit"),
          creditMinor: summed(row, "credit"),
        }),
      );
    },
    async createPayment(payment) {
      await insertPayment(driver, payment);
    },
    async getPayment(id) {
      const [row] = await driver.all("SELECT * FROM payments WHERE id = ?", [id]);
      return row ? toPayment(row) : undefined;
    },
    async listPayments(offset, limit) {
      const rows = await driver.all("SELECT * FROM payments ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?", [limit, offset]);
      const [count] = await driver.all("SELECT COUNT(*) AS n FROM payments");
      return { items: rows.map(toPayment), total: int(count?.n) };
    },
    async transitionPayment(id, from, to) {
      const changed = await driver.run(`UPDATE payments SET status = ? WHERE id = ? AND status IN (${from.map(() => "?").join(",")})`, [to, id, ...from]);
      return changed === 1;
    },
    async settlePayment(id, from, entry, dailyCaps) {
      try {
        return await driver.transaction(async (sql) => {
          if (dailyCaps !== undefined) {
            const [payment] = await sql.all("SELECT currency, amount_minor, creditor_iban FROM payments WHERE id = ?", [id]);
            if (payment === undefined) return undefined;
            const currency = String(payment.currency);
            // SQLite transactions are already exclusive (BEGIN IMMEDIATE); PostgreSQL takes a per-currency lock.
            if (driver.engine === "postgres") await sql.all("SELECT pg_advisory_xact_lock(hashtext(?))", [`finance-limits:${currency}`]);
            const total = async (iban?: string) =>
              summed(
                (
                  await sql.all(
                    `SELECT ${exactSum("amount_minor", "total")} FROM payments WHERE currency = ? AND executed_on = ? AND status IN ('settled', 'submitted')${iban ? " AND creditor_iban = ?" : ""}`,
                    iban ? [currency, entry.date, iban] : [currency, entry.date],
                  )
                )[0],
                "total",
              );
            const amount = big(payment.amount_minor);
            if ((await total()) + amount > dailyCaps.perDayMinor) {
              throw new ExtensionError("LIMIT_EXCEEDED", "the payment would exceed today's limit", { field: "amount" });
            }
            if (dailyCaps.perCounterpartyMinor !== undefined && (await total(String(payment.creditor_iban))) + amount > dailyCaps.perCounterpartyMinor) {
              throw new ExtensionError("LIMIT_EXCEEDED", "the payment would exceed today's limit for this payee", { field: "amount" });
            }
          }
          const changed = await sql.run(
            `UPDATE payments SET status = 'settled', executed_on = ? WHERE id = ? AND status IN (${from.map(() => "?").join(",")})`,
            [entry.date, id, ...from],
          );
          if (changed !== 1) return undefined;
          const booked = await insertEntry(sql, entry);
          await sql.run("UPDATE payments SET transaction_id = ? WHERE id = ?", [booked.id, id]);
          const [row] = await sql.all("SELECT * FROM payments WHERE id = ?", [id]);
          return row ? toPayment(row) : undefined;
        });
      } catch (error) {
        throw ledgerError(error);
      }
    },
    async executedTotal(currency, date, creditorIban) {
      const [row] = await driver.all(
        `SELECT ${exactSum("amount_minor", "total")} FROM payments WHERE currency = ? AND executed_on = ? AND status IN ('settled', 'submitted')${creditorIban ? " AND creditor_iban = ?" : ""}`,
        creditorIban ? [currency, date, creditorIban] : [currency, date],
      );
      return summed(row, "total");
    },
    async exportPostings() {
      const rows = await driver.all(
        `SELECT p.entry_id, p.date, e.description, p.account_id, p.amount_minor, p.currency
         FROM postings p JOIN entries e ON e.id = p.entry_id WHERE p.status = 'booked' ORDER BY p.date, p.entry_id, p.line`,
      );
      return rows.map((row) => ({
        entryId: String(row.entry_id),
        date: String(row.date),
        description: String(row.description),
        accountId: String(row.account_id),
        amountMinor: big(row.amount_minor),
        currency: String(row.currency),
      }));
    },
    async secret() {
      await driver.run("INSERT INTO meta (key, value) VALUES ('secret', ?) ON CONFLICT (key) DO NOTHING", [randomBytes(32).toString("hex")]);
      const [row] = await driver.all("SELECT value FROM meta WHERE key = 'secret'");
      return String(row?.value);
    },
    close: () => driver.close(),
  };
}

/** Inserts one payment row; shared by the storage API and demo seeding (inside its transaction). */
export async function insertPayment(sql: SqlExecutor, payment: PaymentRecord): Promise<void> {
  await sql.run(
    `INSERT INTO payments (id, status, debtor_account_id, creditor_counterparty_id, creditor_name, creditor_iban, creditor_bic, amount_minor, currency,
       end_to_end_id, execution_date, remittance, digest, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      payment.id,
      payment.status,
      payment.debtorAccountId,
      payment.creditorCounterpartyId,
      payment.creditorName,
      payment.creditorIban,
      payment.creditorBic,
      payment.amountMinor,
      payment.currency,
      payment.endToEndId,
      payment.executionDate,
      payment.remittance,
      payment.digest,
      payment.createdAt,
    ],
  );
}
