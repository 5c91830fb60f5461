import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { TASKS_EXTENSION_ID } from "@mcp-verticals/core";
import { FINANCE_EXTENSION_ID } from "../extension.js";

/** A CSV statement of `count` lines in one month, references `<prefix>-<n>`. */
export function csvStatement(count: number, options: { prefix?: string; month?: string; skip?: (n: number) => boolean } = {}): string {
  const prefix = options.prefix ?? "LINE";
  const month = options.month ?? "2027-03";
  const rows = ["Date,Amount,Text,Ref"];
  for (let n = 0; n < count; n++) {
    if (options.skip?.(n)) continue;
    const day = String((n % 28) + 1).padStart(2, "0");
    const cents = (n % 2 === 0 ? 1 : -1) * (100 + (n % 997));
    rows.push(`${month}-${day},${(cents / 100).toFixed(2)},Item ${n},${prefix}-${n}`);
  }
  return rows.join("\n") + "\n";
}

/** The mapping of {@link csvStatement}. */
export const CSV_MAPPING = { date: "Date", amount: "Amount", description: "Text", reference: "Ref" };

/** A modern-era client over HTTP declaring finance (and, by default, tasks). */
export async function connectFinance(url: string, options: { tasks?: boolean } = {}): Promise<Client> {
  const extensions: Record<string, unknown> = { [FINANCE_EXTENSION_ID]: {} };
  if (options.tasks !== false) extensions[TASKS_EXTENSION_ID] = {};
  const client = new Client({ name: "t", version: "1" }, { capabilities: { extensions: extensions as never }, versionNegotiation: { mode: { pin: "2026-07-28" } } });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}
