import { digestOf } from "@mcp-verticals/core";
import { fromMinorUnits } from "../money/money.js";

/** The fields a payment approval covers (PSD2 dynamic linking: amount and payee, plus debtor, id and date). */
export interface PaymentCore {
  debtorAccountId: string;
  debtorIban: string;
  creditorName: string;
  creditorIban: string;
  amountMinor: bigint;
  currency: string;
  endToEndId: string;
  executionDate: string;
}

/** SHA-256 over the canonical payment core; any change to these fields needs a new approval. */
export function paymentDigest(core: PaymentCore): string {
  return digestOf({
    debtor: { accountId: core.debtorAccountId, iban: core.debtorIban },
    creditor: { name: core.creditorName, iban: core.creditorIban },
    amount: fromMinorUnits(core.amountMinor, core.currency),
    currency: core.currency,
    endToEndId: core.endToEndId,
    executionDate: core.executionDate,
  });
}
