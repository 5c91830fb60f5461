import { ExtensionError } from "@mcp-verticals/core";
import { XMLBuilder, XMLParser } from "fast-xml-parser";
import { bankAmountToMinor, fromMinorUnits } from "../money/money.js";
import { currencyInfo } from "../money/currencies.js";

/** The fields of one credit transfer in a pain.001 message. */
export interface CreditTransfer {
  messageId: string;
  createdAt: string;
  paymentInfoId: string;
  executionDate: string;
  debtorName: string;
  debtorIban: string;
  debtorBic?: string | undefined;
  endToEndId: string;
  /** The amount in minor units of `currency`: the instructed amount, or the equivalent amount (`Amt/EqvtAmt/Amt`). */
  amountMinor: bigint;
  currency: string;
  /**
   * Only for an equivalent amount (`Amt/EqvtAmt`): the currency the transfer is made in (`CcyOfTrf`),
   * while `amountMinor`/`currency` are what the debtor's account is charged.
   */
  transferCurrency?: string | undefined;
  creditorName: string;
  creditorIban: string;
  creditorBic?: string | undefined;
  remittance?: string | undefined;
}

/** The ISO 20022 namespace of customer credit transfer initiation, version 09. */
export const PAIN_001_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09";

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@", format: true, suppressEmptyNode: true, processEntities: true });

/** ISO 20022 text is limited to the Latin character set banks accept; keep names within 70 characters. */
const latin = (text: string, max: number): string => text.replace(/[^A-Za-z0-9/\-?:().,'+ ]/g, " ").replace(/\s+/g, " ").trim().slice(0, max);

/**
 * Builds a pain.001.001.09 customer credit transfer initiation with one payment.
 *
 * @example
 * ```ts
 * const xml = buildPain001({ messageId: "M1", createdAt: "2026-11-24T10:00:00", ... });
 * ```
 */
export function buildPain001(transfer: CreditTransfer): string {
  const amount = fromMinorUnits(transfer.amountMinor, transfer.currency);
  const document = {
    "?xml": { "@version": "1.0", "@encoding": "UTF-8" },
    Document: {
      "@xmlns": PAIN_001_NAMESPACE,
      CstmrCdtTrfInitn: {
        GrpHdr: {
          MsgId: transfer.messageId,
          CreDtTm: transfer.createdAt,
          NbOfTxs: "1",
          CtrlSum: amount,
          InitgPty: { Nm: latin(transfer.debtorName, 70) },
        },
        PmtInf: {
          PmtInfId: transfer.paymentInfoId,
          PmtMtd: "TRF",
          NbOfTxs: "1",
          CtrlSum: amount,
          PmtTpInf: { SvcLvl: { Cd: transfer.currency === "EUR" ? "SEPA" : "NURG" } },
          ReqdExctnDt: { Dt: transfer.executionDate },
          Dbtr: { Nm: latin(transfer.debtorName, 70) },
          DbtrAcct: { Id: { IBAN: transfer.debtorIban } },
          DbtrAgt: { FinInstnId: transfer.debtorBic ? { BICFI: transfer.debtorBic } : { Othr: { Id: "NOTPROVIDED" } } },
          ChrgBr: "SLEV",
          CdtTrfTxInf: {
            PmtId: { EndToEndId: transfer.endToEndId },
            Amt: { InstdAmt: { "@Ccy": transfer.currency, "#text": amount } },
            ...(transfer.creditorBic ? { CdtrAgt: { FinInstnId: { BICFI: transfer.creditorBic } } } : {}),
            Cdtr: { Nm: latin(transfer.creditorName, 70) },
            CdtrAcct: { Id: { IBAN: transfer.creditorIban } },
            ...(transfer.remittance ? { RmtInf: { Ustrd: latin(transfer.remittance, 140) } } : {}),
          },
        },
      },
    },
  };
  return builder.build(document) as string;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  removeNSPrefix: true,
  parseTagValue: false,
  isArray: (name) => name === "PmtInf" || name === "CdtTrfTxInf",
});

/** Parses the credit transfers of a pain.001 message (versions 03 and 09 share these paths, BIC vs BICFI aside). */
export function parsePain001(xml: string): CreditTransfer[] {
  let document: Record<string, any>;
  try {
    document = parser.parse(xml, true) as Record<string, any>;
  } catch {
    throw new ExtensionError("PAYMENT_FILE_INVALID", "the content is not well-formed XML", { field: "content" });
  }
  const root = document.Document?.CstmrCdtTrfInitn;
  if (!root) throw new ExtensionError("PAYMENT_FILE_INVALID", "the XML is not a pain.001 document", { field: "content" });
  const transfers: CreditTransfer[] = [];
  for (const [infoIndex, info] of ((root.PmtInf ?? []) as Record<string, any>[]).entries()) {
    const dateNode = info.ReqdExctnDt;
    const executionDate = typeof dateNode === "object" ? String(dateNode.Dt ?? dateNode.DtTm ?? "") : String(dateNode ?? "");
    for (const [txIndex, tx] of ((info.CdtTrfTxInf ?? []) as Record<string, any>[]).entries()) {
      const amount = amountOf(tx, `PmtInf[${infoIndex}]/CdtTrfTxInf[${txIndex}]/Amt`);
      transfers.push({
        messageId: String(root.GrpHdr?.MsgId ?? ""),
        createdAt: String(root.GrpHdr?.CreDtTm ?? ""),
        paymentInfoId: String(info.PmtInfId ?? ""),
        executionDate: executionDate.slice(0, 10),
        debtorName: String(info.Dbtr?.Nm ?? ""),
        debtorIban: String(info.DbtrAcct?.Id?.IBAN ?? ""),
        debtorBic: info.DbtrAgt?.FinInstnId?.BICFI ?? info.DbtrAgt?.FinInstnId?.BIC,
        endToEndId: String(tx.PmtId?.EndToEndId ?? ""),
        amountMinor: amount.minor,
        currency: amount.currency,
        ...(amount.transferCurrency === undefined ? {} : { transferCurrency: amount.transferCurrency }),
        creditorName: String(tx.Cdtr?.Nm ?? ""),
        creditorIban: String(tx.CdtrAcct?.Id?.IBAN ?? ""),
        creditorBic: tx.CdtrAgt?.FinInstnId?.BICFI ?? tx.CdtrAgt?.FinInstnId?.BIC,
        remittance: tx.RmtInf?.Ustrd === undefined ? undefined : String(tx.RmtInf.Ustrd),
      });
    }
  }
  return transfers;
}

/**
 * The amount of one credit transfer. ISO 20022 pain.001.001.09 `AmountType4Choice` is either
 * `InstdAmt` (the amount to move, in its currency) or `EqvtAmt` (`Amt` in the currency of the
 * debtor's account, plus `CcyOfTrf`, the currency to move it in); exactly one MUST be present.
 */
function amountOf(tx: Record<string, any>, path: string): { minor: bigint; currency: string; transferCurrency?: string } {
  const node = tx.Amt;
  const instructed = node?.InstdAmt;
  const equivalent = node?.EqvtAmt;
  if (instructed !== undefined && equivalent !== undefined) {
    throw new ExtensionError("PAYMENT_FILE_INVALID", `${path} holds both InstdAmt and EqvtAmt; exactly one is allowed`, { field: "content", data: { path } });
  }
  if (instructed === undefined && equivalent === undefined) {
    throw new ExtensionError("PAYMENT_FILE_INVALID", `${path} holds neither InstdAmt nor EqvtAmt`, { field: "content", data: { path } });
  }
  const amountNode = instructed ?? equivalent?.Amt;
  const amountPath = instructed !== undefined ? `${path}/InstdAmt` : `${path}/EqvtAmt/Amt`;
  if (amountNode === undefined || typeof amountNode !== "object") {
    throw new ExtensionError("PAYMENT_FILE_INVALID", `${amountPath} is missing or has no Ccy attribute`, { field: "content", data: { path: amountPath } });
  }
  const currency = requireFileCurrency(amountNode["@Ccy"], `${amountPath}/@Ccy`);
  const minor = bankAmountToMinor(String(amountNode["#text"] ?? ""), currency);
  if (instructed !== undefined) return { minor, currency };
  const transferCurrency = requireFileCurrency(equivalent.CcyOfTrf, `${path}/EqvtAmt/CcyOfTrf`);
  return { minor, currency, transferCurrency };
}

function requireFileCurrency(raw: unknown, path: string): string {
  const code = typeof raw === "string" ? raw.trim() : "";
  if (!/^[A-Z]{3}$/.test(code) || currencyInfo(code) === undefined) {
    throw new ExtensionError("CURRENCY_NOT_SUPPORTED", `${path} is not an active ISO 4217 currency code`, { field: "content", data: { path } });
  }
  return code;
}
