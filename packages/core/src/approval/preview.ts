import { fenceUntrustedText } from "../safety/untrusted-text.js";

/**
 * What a human is asked to approve, in parts the server can vouch for and parts it cannot.
 *
 * @example
 * ```ts
 * const preview: ApprovalPreview = {
 *   title: "Approve this payment?",
 *   facts: ["Pay 500.00 EUR to ACME Ltd (stored payee, IBAN NO93 **** 7947)", "from Operating account"],
 *   modelSupplied: [{ label: "remittance", text: input.remittance }],
 * };
 * ```
 * @category Approval
 */
export interface ApprovalPreview {
  /** One line, e.g. `Approve this payment?`. */
  title: string;
  /** Lines rendered only from server-verified data (stored records, validated values). */
  facts: readonly string[];
  /** Free text that came from the model (reasons, memos); shown fenced and labelled as unverified. */
  modelSupplied?: readonly { label: string; text: string }[];
}

/** Removes control and bidirectional-formatting characters a preview line could hide text with. */
function plainLine(text: string): string {
  return text.replace(/[\u0000-\u001F\u007F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g, " ").trim();
}

/**
 * Renders a preview as the text a human reads in a form, on the approval page and in the
 * operator command: the verified facts first, then each model-supplied text inside a fence
 * that names it as written by the AI assistant and not verified by the server.
 *
 * @example
 * ```ts
 * renderApprovalPreview({ title: "Approve?", facts: ["Pay 5.00 EUR to ACME Ltd"], modelSupplied: [{ label: "memo", text: "Invoice 7" }] });
 * ```
 * @category Approval
 */
export function renderApprovalPreview(preview: ApprovalPreview): string {
  const lines = [plainLine(preview.title), ...preview.facts.map((fact) => `- ${plainLine(fact)}`)];
  for (const part of preview.modelSupplied ?? []) {
    if (part.text.trim() === "") continue;
    lines.push("", fenceUntrustedText(part.text, `the AI assistant (model-supplied ${plainLine(part.label)}, not verified by the server)`));
  }
  return lines.join("\n");
}
