import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { z } from "zod";
import { describeAccountIdentifier } from "../money/identifiers.js";

/** `finance_validate_account_identifier`: IBAN and BIC checks without echoing the number. */
export const validateAccountIdentifierTool = defineTool({
  name: "finance_validate_account_identifier",
  title: "Validate IBAN / BIC",
  description:
    "Checks an IBAN (country format and check digits) and/or a BIC, returning validity, country and bank code. The IBAN is returned only masked. Card numbers are not account identifiers and are refused.",
  input: z.object({ iban: z.string().min(1).max(64).optional(), bic: z.string().min(1).max(16).optional() }),
  output: z.object({
    iban: z.object({ valid: z.boolean(), country: z.string().optional(), bankCode: z.string().optional(), masked: z.string().optional() }).optional(),
    bic: z.object({ valid: z.boolean(), country: z.string().optional(), bankCode: z.string().optional(), test: z.boolean().optional() }).optional(),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ iban: "DE89 3704 0044 0532 0130 00", bic: "COBADEFFXXX" }],
  handler: async (input) => {
    if (input.iban === undefined && input.bic === undefined) throw new ExtensionError("INVALID_ARGUMENTS", "give an iban, a bic or both", { field: "iban" });
    if (input.iban !== undefined && /^[\d\s-]+$/.test(input.iban)) {
      throw new ExtensionError("PAN_NOT_ACCEPTED", "that looks like a card or account number without a country code; only IBANs are accepted", { field: "iban" });
    }
    return describeAccountIdentifier(input);
  },
});
