import type { EntryFilter } from "./finance-storage.js";

/** A page query and its count query, with their parameters. */
export interface ListingQueries {
  page: { sql: string; params: unknown[] };
  count: { sql: string; params: unknown[] };
}

/**
 * The listing of one account's entries when every other condition is on a posting's own columns
 * (date, status, amount), which postings copy from their entry and never change: the page walks
 * the postings_account_dated index newest first and stops after `offset + limit` distinct entries,
 * so a page costs the same at 100 or 100,000 postings on the account; only then are the entry
 * rows read. `undefined` when the filter needs entry columns (text, counterparty).
 */
export function accountListingQueries(filter: EntryFilter, offset: number, limit: number): ListingQueries | undefined {
  if (filter.accountId === undefined || (filter.text !== undefined && filter.text.length > 0) || filter.counterpartyId !== undefined) return undefined;
  const clauses = ["p.account_id = ?"];
  const params: unknown[] = [filter.accountId];
  const add = (clause: string, value: unknown) => {
    clauses.push(clause);
    params.push(value);
  };
  if (filter.from !== undefined) add("p.date >= ?", filter.from);
  if (filter.to !== undefined) add("p.date <= ?", filter.to);
  if (filter.status !== undefined) add("p.status = ?", filter.status);
  if (filter.minAmountMinor !== undefined) add("p.amount_minor >= ?", filter.minAmountMinor);
  if (filter.maxAmountMinor !== undefined) add("p.amount_minor <= ?", filter.maxAmountMinor);
  // DISTINCT: an entry with two postings on the account is one entry.
  const keys = `SELECT DISTINCT p.date, p.entry_id FROM postings p WHERE ${clauses.join(" AND ")}`;
  return {
    page: {
      sql: `SELECT e.* FROM (${keys} ORDER BY p.date DESC, p.entry_id DESC LIMIT ? OFFSET ?) k JOIN entries e ON e.id = k.entry_id ORDER BY e.date DESC, e.id DESC`,
      params: [...params, limit, offset],
    },
    count: { sql: `SELECT COUNT(*) AS n FROM (${keys}) k`, params },
  };
}
