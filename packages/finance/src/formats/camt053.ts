import { createHash } from "node:crypto";
import { ExtensionError } from "@mcp-verticals/core";
import { XMLBuilder, XMLParser } from "fast-xml-parser";
import { bankAmountToMinor, fromMinorUnits } from "../money/money.js";
import { isoDateOf, type ParsedStatement, type StatementLine } from "./statement.js";

type Node = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  // No isArray: `list` and `child` accept one element or many, which keeps the parse fast.
});

const child = (node: unknown, ...path: string[]): unknown => {
  let current = node;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Node)[key];
    if (Array.isArray(current)) current = current[0];
  }
  return current;
};
const textOf = (node: unknown, ...path: string[]): string | undefined => {
  const value = child(node, ...path);
  if (value === undefined || value === null) return undefined;
  if (typeof value === "object") {
    const inner = (value as Node)["#text"];
    return inner === undefined ? undefined : String(inner);
  }
  return String(value);
};
const list = (node: unknown, key: string): Node[] => {
  if (node === null || typeof node !== "object") return [];
  const value = (node as Node)[key];
  return Array.isArray(value) ? (value as Node[]) : value === undefined ? [] : [value as Node];
};

/** Amount node `<Amt Ccy="EUR">12.30</Amt>` in minor units with its currency. */
function amountOf(node: unknown, fallbackCurrency: string | undefined): { minor: bigint; currency: string } | undefined {
  if (node === undefined || node === null) return undefined;
  const raw = typeof node === "object" ? String((node as Node)["#text"] ?? "") : String(node);
  const currency = (typeof node === "object" ? ((node as Node)["@Ccy"] as string | undefined) : undefined) ?? fallbackCurrency;
  if (!currency) throw new ExtensionError("STATEMENT_INVALID", "a camt.053 amount has no currency", { field: "content" });
  return { minor: bankAmountToMinor(raw, currency), currency };
}

/**
 * Parses an ISO 20022 camt.053 bank-to-customer statement (versions .001.02 to .001.13; the
 * namespace prefix is ignored). Handles several statements per file and missing optional
 * elements; signs amounts by CdtDbtInd.
 *
 * @throws ExtensionError `STATEMENT_INVALID` when the XML is malformed or not a camt.053 document.
 */
export function parseCamt053(xml: string): ParsedStatement[] {
  let document: Node;
  try {
    document = parser.parse(xml, true) as Node;
  } catch {
    throw new ExtensionError("STATEMENT_INVALID", "the content is not well-formed XML", { field: "content" });
  }
  const root = child(document, "Document", "BkToCstmrStmt");
  if (root === undefined) throw new ExtensionError("STATEMENT_INVALID", "the XML is not a camt.053 document (no BkToCstmrStmt)", { field: "content" });
  const statements: ParsedStatement[] = [];
  for (const statement of list(root, "Stmt")) {
    const accountIban = textOf(statement, "Acct", "Id", "IBAN");
    const accountOther = textOf(statement, "Acct", "Id", "Othr", "Id");
    let currency = textOf(statement, "Acct", "Ccy");
    const balances = list(statement, "Bal");
    const balanceOf = (codes: string[]): bigint | undefined => {
      for (const balance of balances) {
        const code = textOf(balance, "Tp", "CdOrPrtry", "Cd") ?? textOf(balance, "Tp", "CdOrPrtry", "Prtry");
        if (code && codes.includes(code)) {
          const amount = amountOf(child(balance, "Amt"), currency);
          if (!amount) return undefined;
          currency ??= amount.currency;
          const sign = textOf(balance, "CdtDbtInd") === "DBIT" ? -1n : 1n;
          return amount.minor * sign;
        }
      }
      return undefined;
    };
    const openingMinor = balanceOf(["OPBD", "PRCD"]);
    const closingMinor = balanceOf(["CLBD"]);
    const statementId = textOf(statement, "Id") ?? textOf(statement, "ElctrncSeqNb") ?? "statement";
    const lines: StatementLine[] = [];
    for (const entry of list(statement, "Ntry")) {
      const amount = amountOf(child(entry, "Amt"), currency);
      if (!amount) throw new ExtensionError("STATEMENT_INVALID", "a camt.053 entry has no amount", { field: "content" });
      currency ??= amount.currency;
      if (amount.currency !== currency) {
        throw new ExtensionError("CURRENCY_MISMATCH", "a camt.053 entry is in a different currency than its account", { field: "content" });
      }
      const credit = textOf(entry, "CdtDbtInd") !== "DBIT";
      const status = textOf(entry, "Sts", "Cd") ?? textOf(entry, "Sts");
      const details = child(entry, "NtryDtls", "TxDtls");
      const creditorSide = credit ? "Dbtr" : "Cdtr";
      const party =
        textOf(details, "RltdPties", creditorSide, "Nm") ??
        textOf(details, "RltdPties", creditorSide, "Pty", "Nm") ??
        undefined;
      const partyIban = textOf(details, "RltdPties", `${creditorSide}Acct`, "Id", "IBAN");
      const remittance = details ? list(child(details, "RmtInf") as Node, "Ustrd").map((u) => (typeof u === "object" ? String((u as Node)["#text"] ?? "") : String(u))) : [];
      const info = textOf(entry, "AddtlNtryInf");
      const bookingDate = isoDateOf(textOf(entry, "BookgDt", "Dt") ?? textOf(entry, "BookgDt", "DtTm") ?? textOf(entry, "ValDt", "Dt") ?? "");
      if (!bookingDate) throw new ExtensionError("STATEMENT_INVALID", "a camt.053 entry has no booking or value date", { field: "content" });
      const valueDate = isoDateOf(textOf(entry, "ValDt", "Dt") ?? textOf(entry, "ValDt", "DtTm") ?? "");
      const description = [party, ...remittance, info].filter((part): part is string => !!part && part.length > 0).join(" / ") || "(no description)";
      const signed = credit ? amount.minor : -amount.minor;
      const bankRef =
        textOf(entry, "AcctSvcrRef") ??
        textOf(entry, "NtryRef") ??
        textOf(details, "Refs", "AcctSvcrRef") ??
        `h:${createHash("sha256").update(`${statementId}|${lines.length}|${bookingDate}|${signed}|${description}`).digest("hex").slice(0, 24)}`;
      lines.push({
        amountMinor: signed,
        bookingDate,
        valueDate,
        status: status === "PDNG" ? "pending" : "booked",
        bankRef,
        endToEndId: textOf(details, "Refs", "EndToEndId"),
        counterpartyName: party,
        counterpartyIban: partyIban,
        description,
        bankCode: textOf(entry, "BkTxCd", "Domn", "Cd") ?? textOf(entry, "BkTxCd", "Prtry", "Cd"),
      });
    }
    if (!currency) throw new ExtensionError("STATEMENT_INVALID", "a camt.053 statement names no currency", { field: "content" });
    statements.push({ id: statementId, accountIban, accountNumber: accountOther, currency, openingMinor, closingMinor, lines });
  }
  if (statements.length === 0) throw new ExtensionError("STATEMENT_INVALID", "the camt.053 document contains no statement", { field: "content" });
  return statements;
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@", format: true, suppressEmptyNode: true, processEntities: true });

/** What {@link buildCamt053} needs for one statement. */
export interface Camt053Export {
  messageId: string;
  createdAt: string;
  statementId: string;
  iban: string;
  currency: string;
  from: string;
  to: string;
  openingMinor: bigint;
  lines: Array<{ amountMinor: bigint; bookingDate: string; ref: string; description: string; endToEndId?: string | undefined }>;
}

/** Builds a camt.053.001.08 statement (opening and closing booked balances, one Ntry per line). */
export function buildCamt053(input: Camt053Export): string {
  const amount = (minor: bigint) => ({ "@Ccy": input.currency, "#text": fromMinorUnits(minor < 0n ? -minor : minor, input.currency) });
  const balance = (code: string, minor: bigint, date: string) => ({
    Tp: { CdOrPrtry: { Cd: code } },
    Amt: amount(minor),
    CdtDbtInd: minor < 0n ? "DBIT" : "CRDT",
    Dt: { Dt: date },
  });
  const closing = input.lines.reduce((sum, line) => sum + line.amountMinor, input.openingMinor);
  const credits = input.lines.filter((line) => line.amountMinor >= 0n);
  const debits = input.lines.filter((line) => line.amountMinor < 0n);
  const sum = (lines: typeof input.lines) => lines.reduce((total, line) => total + (line.amountMinor < 0n ? -line.amountMinor : line.amountMinor), 0n);
  const document = {
    "?xml": { "@version": "1.0", "@encoding": "UTF-8" },
    Document: {
      "@xmlns": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08",
      BkToCstmrStmt: {
        GrpHdr: { MsgId: input.messageId, CreDtTm: input.createdAt },
        Stmt: {
          Id: input.statementId,
          CreDtTm: input.createdAt,
          FrToDt: { FrDtTm: `${input.from}T00:00:00`, ToDtTm: `${input.to}T23:59:59` },
          Acct: { Id: { IBAN: input.iban }, Ccy: input.currency },
          Bal: [balance("OPBD", input.openingMinor, input.from), balance("CLBD", closing, input.to)],
          TxsSummry: {
            TtlNtries: { NbOfNtries: String(input.lines.length) },
            TtlCdtNtries: { NbOfNtries: String(credits.length), Sum: fromMinorUnits(sum(credits), input.currency) },
            TtlDbtNtries: { NbOfNtries: String(debits.length), Sum: fromMinorUnits(sum(debits), input.currency) },
          },
          Ntry: input.lines.map((line) => ({
            NtryRef: line.ref,
            Amt: amount(line.amountMinor),
            CdtDbtInd: line.amountMinor < 0n ? "DBIT" : "CRDT",
            Sts: { Cd: "BOOK" },
            BookgDt: { Dt: line.bookingDate },
            ValDt: { Dt: line.bookingDate },
            AcctSvcrRef: line.ref,
            BkTxCd: { Domn: { Cd: "PMNT", Fmly: { Cd: line.amountMinor < 0n ? "ICDT" : "RCDT", SubFmlyCd: "OTHR" } } },
            NtryDtls: { TxDtls: { Refs: { ...(line.endToEndId ? { EndToEndId: line.endToEndId } : { EndToEndId: "NOTPROVIDED" }) }, RmtInf: { Ustrd: line.description.slice(0, 140) } } },
          })),
        },
      },
    },
  };
  return builder.build(document) as string;
}
