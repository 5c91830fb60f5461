import type { BindingContext, CursorCodec, Idempotency } from "@mcp-verticals/core";
import type { FinanceStorage } from "./backend/finance-storage.js";
import type { FinanceClientSettings, FinanceEffectiveSettings, FinanceServerSettings } from "./schemas/settings.js";

/** Services every finance binding receives. */
export interface FinanceServices {
  storage: FinanceStorage;
  idempotency: Idempotency;
  cursors: CursorCodec;
  /** Clock, injectable for tests (limits are per UTC day). */
  now: () => Date;
}

/** The binding context of the finance extension. */
export type FinanceContext = BindingContext<FinanceServerSettings, FinanceClientSettings, FinanceEffectiveSettings, FinanceServices>;
