import { isPostgresUrl } from "./open-storage.js";

/**
 * Where the shared state (approvals, idempotency keys, tasks, the audit chain) lives beside a
 * ledger: `{ postgres }` for the ledger's own PostgreSQL database, `{ file }` for a sibling SQLite
 * file (`finance.db` → `finance.state.sqlite`), `undefined` for an in-memory ledger. Not the same
 * SQLite file: the ledger holds its write lock across awaits, and a second connection in the same
 * process waiting for that lock would stall the event loop the ledger needs to finish.
 *
 * @example
 * ```ts
 * stateBesideLedger("books/finance.db"); // { file: "books/finance.state.sqlite" }
 * stateBesideLedger("postgres://db/ledger"); // { postgres: "postgres://db/ledger" }
 * stateBesideLedger(":memory:"); // undefined
 * ```
 * @category Server
 */
export function stateBesideLedger(database: string | undefined): { postgres: string } | { file: string } | undefined {
  if (database === undefined || database === ":memory:") return undefined;
  if (isPostgresUrl(database)) return { postgres: database };
  return { file: `${database.replace(/\.[A-Za-z0-9]+$/, "")}.state.sqlite` };
}
