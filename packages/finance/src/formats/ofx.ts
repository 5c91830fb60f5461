import { ExtensionError } from "@mcp-verticals/core";
import { XMLParser } from "fast-xml-parser";
import { bankAmountToMinor } from "../money/money.js";
import { redactPans } from "../money/identifiers.js";
import { isoDateOf, type ParsedStatement, type StatementLine } from "./statement.js";

/** An OFX element: its children by (upper-case) tag, or a text value for leaf elements. */
interface OfxElement {
  tag: string;
  text?: string;
  children: OfxElement[];
}

/**
 * Parses OFX 1.x SGML, where leaf elements have no closing tag (`<TRNAMT>-12.30`), into a tree.
 * A tokenizer over `<TAG>`, `</TAG>` and text; an open element with text and no children is a
 * leaf and closes at the next tag. Aggregates (elements holding other elements) MUST have end
 * tags (OFX 1.6 §2.3.1): an end tag that would implicitly close an inner aggregate, or an
 * aggregate still open at the end of the file, is refused rather than guessed at, because
 * guessing moves elements (a LEDGERBAL after an unclosed BANKTRANLIST) and loses data silently.
 */
function parseSgml(body: string): OfxElement {
  const root: OfxElement = { tag: "#root", children: [] };
  const stack: OfxElement[] = [root];
  let index = 0;
  while (index < body.length) {
    const open = body.indexOf("<", index);
    if (open < 0) break;
    const close = body.indexOf(">", open);
    if (close < 0) throw new ExtensionError("STATEMENT_INVALID", "the OFX content has an unterminated tag", { field: "content" });
    const tag = body.slice(open + 1, close).trim().toUpperCase();
    const nextOpen = body.indexOf("<", close + 1);
    const textValue = body.slice(close + 1, nextOpen < 0 ? body.length : nextOpen).trim();
    index = close + 1;
    if (tag.startsWith("?") || tag.startsWith("!")) continue;
    if (tag.startsWith("/")) {
      const name = tag.slice(1);
      const at = stack.map((element) => element.tag).lastIndexOf(name);
      if (at > 0) {
        if (at < stack.length - 1) throw unclosedAggregate(stack.slice(1), stack[at + 1]!.tag, `before </${safeTag(name)}>`);
        stack.length = at;
      }
      continue;
    }
    const element: OfxElement = { tag, children: [] };
    stack[stack.length - 1]!.children.push(element);
    if (textValue.length > 0) {
      element.text = textValue;
      // Leaf: SGML omits its end tag; XML's explicit end tag is then ignored by the matcher above.
    } else {
      stack.push(element);
    }
  }
  if (stack.length > 1) throw unclosedAggregate(stack.slice(1), stack[stack.length - 1]!.tag, "at the end of the file");
  return root;
}

const safeTag = (tag: string): string => (/^[A-Z0-9.]{1,32}$/.test(tag) ? tag : "?");

function unclosedAggregate(open: OfxElement[], tag: string, where: string): ExtensionError {
  const path = open.map((element) => safeTag(element.tag)).join("/");
  return new ExtensionError(
    "STATEMENT_INVALID",
    `the OFX aggregate <${safeTag(tag)}> is not closed ${where} (path ${path}); OFX requires end tags on aggregates, so the file is refused rather than read with elements misplaced`,
    { field: "content", data: { path } },
  );
}

/** Converts fast-xml-parser output (OFX 2.x) to the same tree shape. */
function fromXml(value: unknown, tag: string): OfxElement {
  if (value === null || typeof value !== "object") return { tag, text: String(value ?? ""), children: [] };
  const element: OfxElement = { tag, children: [] };
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const items = Array.isArray(child) ? child : [child];
    for (const item of items) element.children.push(fromXml(item, key.toUpperCase()));
  }
  return element;
}

const find = (element: OfxElement | undefined, tag: string): OfxElement | undefined => element?.children.find((child) => child.tag === tag);
const findAll = (element: OfxElement, tag: string): OfxElement[] => {
  const found: OfxElement[] = [];
  const walk = (node: OfxElement) => {
    for (const child of node.children) {
      if (child.tag === tag) found.push(child);
      else walk(child);
    }
  };
  walk(element);
  return found;
};
const value = (element: OfxElement | undefined, ...path: string[]): string | undefined => {
  let current = element;
  for (const tag of path) current = find(current, tag);
  return current?.text;
};

/** Keeps only the last four characters of an account or card number. */
const maskNumber = (raw: string): string => (raw.length <= 4 ? "****" : `****${raw.slice(-4)}`);

/**
 * Parses OFX/QFX: 1.x SGML (with the `OFXHEADER:100` key-value header) and 2.x XML. Handles
 * several statements per file (bank and credit-card), missing optional elements, and decimal
 * commas. OFX has no opening balance, so only the closing (LEDGERBAL) is reported.
 */
export function parseOfx(content: string): ParsedStatement[] {
  const start = content.search(/<OFX>/i);
  if (start < 0) throw new ExtensionError("STATEMENT_INVALID", "the content is not OFX (no <OFX> element)", { field: "content" });
  const header = content.slice(0, start);
  let root: OfxElement;
  if (/<\?xml/i.test(header) || /OFXHEADER="200"/i.test(header)) {
    try {
      const parsed = new XMLParser({ parseTagValue: false, trimValues: true }).parse(content.slice(start), true) as Record<string, unknown>;
      root = fromXml(parsed, "#root");
    } catch {
      throw new ExtensionError("STATEMENT_INVALID", "the OFX 2.x content is not well-formed XML", { field: "content" });
    }
  } else {
    root = parseSgml(content.slice(start));
  }
  const statements: ParsedStatement[] = [];
  const responses = [...findAll(root, "STMTRS"), ...findAll(root, "CCSTMTRS")];
  for (const response of responses) {
    const currency = value(response, "CURDEF")?.toUpperCase();
    if (!currency) throw new ExtensionError("STATEMENT_INVALID", "an OFX statement has no CURDEF", { field: "content" });
    const accountId = value(response, "BANKACCTFROM", "ACCTID") ?? value(response, "CCACCTFROM", "ACCTID");
    const lines: StatementLine[] = [];
    for (const transaction of findAll(find(response, "BANKTRANLIST") ?? { tag: "", children: [] }, "STMTTRN")) {
      const amountText = value(transaction, "TRNAMT");
      const date = isoDateOf(value(transaction, "DTPOSTED") ?? "");
      if (amountText === undefined || date === undefined) {
        throw new ExtensionError("STATEMENT_INVALID", "an OFX transaction lacks TRNAMT or DTPOSTED", { field: "content" });
      }
      const name = value(transaction, "NAME") ?? value(transaction, "PAYEE", "NAME");
      const memo = value(transaction, "MEMO");
      const fitId = value(transaction, "FITID");
      const amountMinor = bankAmountToMinor(amountText, currency);
      lines.push({
        amountMinor,
        bookingDate: date,
        valueDate: isoDateOf(value(transaction, "DTUSER") ?? "") ?? undefined,
        status: "booked",
        bankRef: fitId ?? `o:${date}:${amountMinor}:${lines.length}`,
        counterpartyName: name,
        description: redactPans([name, memo].filter((part): part is string => !!part).join(" / ") || value(transaction, "TRNTYPE") || "(no description)"),
        bankCode: value(transaction, "TRNTYPE"),
      });
    }
    const ledger = value(response, "LEDGERBAL", "BALAMT");
    statements.push({
      id: `${value(response, "BANKTRANLIST", "DTSTART") ?? ""}-${value(response, "BANKTRANLIST", "DTEND") ?? ""}`,
      accountNumber: accountId ? maskNumber(accountId) : undefined,
      currency,
      closingMinor: ledger !== undefined ? bankAmountToMinor(ledger, currency) : undefined,
      lines,
    });
  }
  if (statements.length === 0) throw new ExtensionError("STATEMENT_INVALID", "the OFX content contains no bank or card statement", { field: "content" });
  return statements;
}
