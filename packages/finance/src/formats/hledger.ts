import { currencyInfo } from "../money/currencies.js";
import { fromMinorUnits } from "../money/money.js";
import type { AccountRecord, FinanceStorage } from "../backend/finance-storage.js";

const ROOTS: Record<AccountRecord["type"], string> = { asset: "assets", liability: "liabilities", equity: "equity", income: "revenues", expense: "expenses" };

/** The hledger account name of a ledger account, e.g. `assets:1000`. */
export function hledgerAccountName(account: Pick<AccountRecord, "type" | "code">): string {
  return `${ROOTS[account.type]}:${account.code}`;
}

/**
 * Writes every booked entry as an hledger journal (one transaction per entry, commodity
 * directives fixing each currency's decimals), so `hledger balance` can check the ledger's totals.
 */
export async function exportHledgerJournal(storage: FinanceStorage): Promise<string> {
  const accounts = new Map<string, AccountRecord>();
  for (let offset = 0; ; offset += 500) {
    const page = await storage.listAccounts({}, offset, 500);
    for (const account of page.items) accounts.set(account.id, account);
    if (offset + 500 >= page.total) break;
  }
  const postings = await storage.exportPostings();
  const currencies = new Set(postings.map((posting) => posting.currency));
  const out: string[] = ["; exported by @mcp-verticals/finance", "decimal-mark .", ""];
  for (const currency of [...currencies].sort()) {
    const exponent = currencyInfo(currency)?.exponent ?? 2;
    out.push(`commodity ${currency} 1000${exponent > 0 ? `.${"0".repeat(exponent)}` : ""}`);
  }
  for (const account of [...accounts.values()].sort((a, b) => a.code.localeCompare(b.code))) out.push(`account ${hledgerAccountName(account)}`);
  out.push("");
  let current: string | undefined;
  for (const posting of postings) {
    if (posting.entryId !== current) {
      current = posting.entryId;
      const description = posting.description.replace(/[\r\n;|]/g, " ").slice(0, 200);
      out.push("", `${posting.date} ${description}  ; id:${posting.entryId}`);
    }
    const account = accounts.get(posting.accountId);
    out.push(`    ${account ? hledgerAccountName(account) : `unknown:${posting.accountId}`}  ${posting.currency} ${fromMinorUnits(posting.amountMinor, posting.currency)}`);
  }
  out.push("");
  return out.join("\n");
}
