import { createExtensionClient } from "@mcp-verticals/core";
import type { z } from "zod";
import { financeExtension } from "./extension.js";
import type { FinanceClientSettings } from "./schemas/settings.js";

/**
 * The client side of the finance extension: declare it (with the approval UI the host can show), then bind typed calls.
 *
 * @example
 * ```ts
 * const finance = financeClient({ approvalUi: ["form"] });
 * const client = new Client(info, { capabilities: { extensions: finance.declaration } });
 * await client.connect(transport);
 * const { accounts } = await finance.bind(client).callTool("finance_list_accounts", {});
 * ```
 */
export function financeClient(settings: z.input<typeof FinanceClientSettings> = {}) {
  return createExtensionClient(financeExtension, settings);
}
