import type { BindingContext, CursorCodec, Idempotency, StateStore } from "@mcp-verticals/core";
import type { FinanceStorage } from "./backend/finance-storage.js";
import type { FinanceClientSettings, FinanceEffectiveSettings, FinanceServerSettings } from "./schemas/settings.js";

/** The shared-state log holding the finance audit chain. */
export const FINANCE_AUDIT_LOG = "audit:finance";

/** Services every finance binding receives. */
export interface FinanceServices {
  storage: FinanceStorage;
  idempotency: Idempotency;
  cursors: CursorCodec;
  /** Shared state: approvals ledger, idempotency keys and the audit chain. */
  state: StateStore;
  /** Clock, injectable for tests (limits are per UTC day). */
  now: () => Date;
}

/** The binding context of the finance extension. */
export type FinanceContext = BindingContext<FinanceServerSettings, FinanceClientSettings, FinanceEffectiveSettings, FinanceServices>;
