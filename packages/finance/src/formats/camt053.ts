import { createHash } from "node:crypto";
import { ExtensionError } from "@mcp-verticals/core";
import { XMLBuilder } from "fast-xml-parser";
import { readXmlStream, XmlSubtreeReader, type XmlNode } from "./xml-stream.js";
import { bankAmountToMinor, fromMinorUnits } from "../money/money.js";
import { maskIbansInText } from "../money/identifiers.js";
import { isoDateOf, type ParsedStatement, type StatementLine } from "./statement.js";

type Node = Record<string, unknown>;

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

/** One statement being read: its header and balances as small trees, its entries already converted. */
interface OpenStatement {
  header: Node;
  balances: Node[];
  currency: string | undefined;
  id: string | undefined;
  lines: StatementLine[];
}

/** Whether `path` starts with Document/BkToCstmrStmt (and Stmt, when `depth` ≥ 3). */
const inStatementRoot = (path: readonly string[], depth: number): boolean =>
  path[0] === "Document" && path[1] === "BkToCstmrStmt" && (depth < 3 || path[2] === "Stmt");

/**
 * The camt.053 reading logic over a streaming XML reader: each `Ntry` is converted to a
 * statement line as soon as it closes and its tree dropped, so memory grows with the lines kept,
 * not with the document.
 */
class Camt053Reader {
  readonly statements: ParsedStatement[] = [];
  readonly xml: XmlSubtreeReader;
  private open: OpenStatement | undefined;
  private sawRoot = false;

  constructor() {
    this.xml = new XmlSubtreeReader({ element: (path, value) => this.element(path, value) }, "STATEMENT_INVALID");
  }

  private element(path: readonly string[], value: string | XmlNode): boolean {
    const depth = path.length;
    if (depth === 2 && inStatementRoot(path, 2)) this.sawRoot = true;
    if (depth === 4 && inStatementRoot(path, 3)) {
      const statement = this.statementInProgress();
      const name = path[3]!;
      if (name === "Ntry") {
        this.withPath(() => statement.lines.push(this.line(statement, value)));
        return true;
      }
      if (name === "Bal") {
        statement.balances.push(value as Node);
        return true;
      }
      // Header elements (Id, Acct, ...) precede the entries in the schema; keep them small and near.
      const existing = statement.header[name];
      statement.header[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
      if (name === "Acct") statement.currency ??= textOf(value, "Ccy");
      if (name === "Id") statement.id ??= textOf(statement.header, "Id");
      return true;
    }
    if (depth === 3 && inStatementRoot(path, 3)) {
      this.withPath(() => this.statements.push(this.finish(this.statementInProgress())));
      this.open = undefined;
      return true;
    }
    // Deeper elements build their entry's or header's tree; outside a statement (GrpHdr) all is small.
    return false;
  }

  private statementInProgress(): OpenStatement {
    this.open ??= { header: {}, balances: [], currency: undefined, id: undefined, lines: [] };
    return this.open;
  }

  /** Re-raises a conversion error with the element path it happened at. */
  private withPath(step: () => void): void {
    try {
      step();
    } catch (error) {
      if (error instanceof ExtensionError) throw this.xml.error(error.message, error.code);
      throw error;
    }
  }

  private balanceOf(statement: OpenStatement, codes: string[]): bigint | undefined {
    for (const balance of statement.balances) {
      const code = textOf(balance, "Tp", "CdOrPrtry", "Cd") ?? textOf(balance, "Tp", "CdOrPrtry", "Prtry");
      if (code && codes.includes(code)) {
        const amount = amountOf(child(balance, "Amt"), statement.currency);
        if (!amount) return undefined;
        statement.currency ??= amount.currency;
        const sign = textOf(balance, "CdtDbtInd") === "DBIT" ? -1n : 1n;
        return amount.minor * sign;
      }
    }
    return undefined;
  }

  private line(statement: OpenStatement, entry: unknown): StatementLine {
    // The currency may come from the account, a balance, or else the first entry.
    if (statement.currency === undefined) this.balanceOf(statement, ["OPBD", "PRCD", "CLBD"]);
    const statementId = statement.id ?? textOf(statement.header, "ElctrncSeqNb") ?? "statement";
    const amount = amountOf(child(entry, "Amt"), statement.currency);
    if (!amount) throw new ExtensionError("STATEMENT_INVALID", "a camt.053 entry has no amount", { field: "content" });
    statement.currency ??= amount.currency;
    if (amount.currency !== statement.currency) {
      throw new ExtensionError("CURRENCY_MISMATCH", "a camt.053 entry is in a different currency than its account", { field: "content" });
    }
    const credit = textOf(entry, "CdtDbtInd") !== "DBIT";
    const status = textOf(entry, "Sts", "Cd") ?? textOf(entry, "Sts");
    const details = child(entry, "NtryDtls", "TxDtls");
    const creditorSide = credit ? "Dbtr" : "Cdtr";
    const party = textOf(details, "RltdPties", creditorSide, "Nm") ?? textOf(details, "RltdPties", creditorSide, "Pty", "Nm") ?? undefined;
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
      `h:${createHash("sha256").update(`${statementId}|${statement.lines.length}|${bookingDate}|${signed}|${description}`).digest("hex").slice(0, 24)}`;
    return {
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
    };
  }

  private finish(statement: OpenStatement): ParsedStatement {
    const openingMinor = this.balanceOf(statement, ["OPBD", "PRCD"]);
    const closingMinor = this.balanceOf(statement, ["CLBD"]);
    const currency = statement.currency;
    if (!currency) throw new ExtensionError("STATEMENT_INVALID", "a camt.053 statement names no currency", { field: "content" });
    return {
      id: statement.id ?? textOf(statement.header, "ElctrncSeqNb") ?? "statement",
      accountIban: textOf(statement.header, "Acct", "Id", "IBAN"),
      accountNumber: textOf(statement.header, "Acct", "Id", "Othr", "Id"),
      currency,
      openingMinor,
      closingMinor,
      lines: statement.lines,
    };
  }

  /** After the document closed: the statements, or why there are none. */
  result(): ParsedStatement[] {
    if (!this.sawRoot) throw new ExtensionError("STATEMENT_INVALID", "the XML is not a camt.053 document (no Document/BkToCstmrStmt)", { field: "content" });
    if (this.statements.length === 0) throw new ExtensionError("STATEMENT_INVALID", "the camt.053 document contains no statement", { field: "content" });
    return this.statements;
  }
}

/**
 * Parses an ISO 20022 camt.053 bank-to-customer statement (versions .001.02 to .001.13; the
 * namespace prefix is ignored). Handles several statements per file and missing optional
 * elements; signs amounts by CdtDbtInd. Reads as a stream (saxes) with well-formedness checks.
 *
 * @throws ExtensionError `STATEMENT_INVALID` when the XML is malformed or not a camt.053 document;
 *   `data.path` names the element and line.
 */
export function parseCamt053(xml: string): ParsedStatement[] {
  const reader = new Camt053Reader();
  reader.xml.write(xml);
  reader.xml.close();
  return reader.result();
}

/**
 * Streaming form of {@link parseCamt053}: reads a file or any stream of UTF-8 chunks without
 * holding the document, e.g. `parseCamt053Stream(createReadStream(path))`.
 *
 * @example
 * ```ts
 * const statements = await parseCamt053Stream(createReadStream("2026-10.camt053.xml"));
 * ```
 */
export async function parseCamt053Stream(source: AsyncIterable<string | Uint8Array>): Promise<ParsedStatement[]> {
  const reader = new Camt053Reader();
  await readXmlStream(source, reader.xml);
  return reader.result();
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@", format: true, suppressEmptyNode: true, processEntities: true });

/** What {@link buildCamt053} needs for one statement. */
export interface Camt053Export {
  messageId: string;
  createdAt: string;
  statementId: string;
  /** The account's identifier: the IBAN itself, or (for every output but a bank's own file) its masked form. */
  account: { iban: string } | { maskedIban: string };
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
          // A masked IBAN is no valid IBAN element: it goes in Othr with a proprietary scheme name.
          Acct: {
            Id: "iban" in input.account ? { IBAN: input.account.iban } : { Othr: { Id: input.account.maskedIban, SchmeNm: { Prtry: "MASKED_IBAN" } } },
            Ccy: input.currency,
          },
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
            NtryDtls: { TxDtls: { Refs: { ...(line.endToEndId ? { EndToEndId: line.endToEndId } : { EndToEndId: "NOTPROVIDED" }) }, RmtInf: { Ustrd: maskIbansInText(line.description).slice(0, 140) } } },
          })),
        },
      },
    },
  };
  return builder.build(document) as string;
}
