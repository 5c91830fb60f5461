import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { z } from "zod";
import { describeAccountIdentifier } from "../money/identifiers.js";

/** `finance_validate_account_identifier`: IBAN and BIC checks without echoing the number. */
export const validateAccountIdentifierTool = defineTool({
  name: "finance_validate_account_identifier",
  title: "Validate IBAN / BIC",
  toolset: "payments",
  description:
    "Checks an IBAN (country format, check digits) and/or a BIC: validity, country, bank code; the IBAN comes back masked. Card numbers are refused.",
  input: z.object({ iban: z.string().min(1).max(64).optional().describe("IBAN, spaces allowed."), bic: z.string().min(1).max(16).optional().describe("BIC (8 or 11 characters).") }),
  output: z.object({
    iban: z
      .object({
        valid: z.boolean().describe("Format and check digits hold"),
        country: z.string().optional().describe("ISO 3166 country"),
        bankCode: z.string().optional().describe("National bank code"),
        masked: z.string().optional().describe("Masked IBAN"),
      })
      .optional()
      .describe("IBAN result"),
    bic: z
      .object({
        valid: z.boolean().describe("Well-formed BIC"),
        country: z.string().optional().describe("ISO 3166 country"),
        bankCode: z.string().optional().describe("Institution code"),
        test: z.boolean().optional().describe("A test BIC"),
      })
      .optional()
      .describe("BIC result"),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ iban: "DE89 3704 0044 0532 0130 00", bic: "COBADEFFXXX" }],
  render: ({ iban, bic }) =>
    [
      ...(iban ? [`IBAN ${iban.masked ?? ""} ${iban.valid ? "valid" : "invalid"}${iban.country ? ` (${iban.country}${iban.bankCode ? `, bank ${iban.bankCode}` : ""})` : ""}`] : []),
      ...(bic ? [`BIC ${bic.valid ? "valid" : "invalid"}${bic.country ? ` (${bic.country})` : ""}${bic.test ? ", test BIC" : ""}`] : []),
    ].join("\n"),
  handler: async (input) => {
    if (input.iban === undefined && input.bic === undefined) throw new ExtensionError("INVALID_ARGUMENTS", "give an iban, a bic or both", { field: "iban" });
    if (input.iban !== undefined && /^[\d\s-]+$/.test(input.iban)) {
      throw new ExtensionError("PAN_NOT_ACCEPTED", "that looks like a card or account number without a country code; only IBANs are accepted", { field: "iban" });
    }
    return describeAccountIdentifier(input);
  },
});
