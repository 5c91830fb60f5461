import { createHash } from "node:crypto";
import { ExtensionError } from "@mcp-verticals/core";
import { z } from "zod";
import { bankAmountToMinor } from "../money/money.js";
import type { ParsedStatement, StatementLine } from "./statement.js";

/** How the columns of a bank CSV map to statement fields (0-based indexes or header names). */
export const CsvMapping = z.object({
  delimiter: z.enum([",", ";", "\t", "|"]).default(",").describe("Field separator."),
  header: z.boolean().default(true).describe("The first row holds column names."),
  skipRows: z.number().int().min(0).max(50).default(0).describe("Rows to skip before the header (bank preambles)."),
  date: z.union([z.string(), z.number().int().min(0)]).describe("Booking date column."),
  dateFormat: z.enum(["YYYY-MM-DD", "DD.MM.YYYY", "DD/MM/YYYY", "MM/DD/YYYY"]).default("YYYY-MM-DD").describe("How dates are written."),
  amount: z.union([z.string(), z.number().int().min(0)]).optional().describe("Signed amount column (credit positive)."),
  debit: z.union([z.string(), z.number().int().min(0)]).optional().describe("Column of outgoing amounts, when amounts are split."),
  credit: z.union([z.string(), z.number().int().min(0)]).optional().describe("Column of incoming amounts, when amounts are split."),
  description: z.union([z.string(), z.number().int().min(0)]).describe("Booking text column."),
  reference: z.union([z.string(), z.number().int().min(0)]).optional().describe("Bank reference column, used to detect duplicates."),
  counterparty: z.union([z.string(), z.number().int().min(0)]).optional().describe("Counterparty name column."),
  decimalSeparator: z.enum([".", ","]).default(".").describe("Decimal separator of amounts."),
  currency: z.string().regex(/^[A-Z]{3}$/).optional().describe("Currency of all amounts; defaults to the account's."),
});
export type CsvMapping = z.output<typeof CsvMapping>;

/** RFC 4180 rows: quoted fields, doubled quotes, CRLF or LF. */
export function parseCsvRows(content: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let index = 0; index < content.length; index++) {
    const char = content[index]!;
    if (quoted) {
      if (char === '"') {
        if (content[index + 1] === '"') {
          field += '"';
          index++;
        } else quoted = false;
      } else field += char;
    } else if (char === '"' && field.length === 0) quoted = true;
    else if (char === delimiter) {
      row.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && content[index + 1] === "\n") index++;
      row.push(field);
      if (row.some((cell) => cell.trim().length > 0)) rows.push(row);
      row = [];
      field = "";
    } else field += char;
  }
  row.push(field);
  if (row.some((cell) => cell.trim().length > 0)) rows.push(row);
  return rows;
}

function toIsoDate(raw: string, format: CsvMapping["dateFormat"]): string | undefined {
  const value = raw.trim();
  const parts = value.split(/[-./]/);
  if (parts.length !== 3) return undefined;
  const [a, b, c] = parts as [string, string, string];
  const [year, month, day] = format === "YYYY-MM-DD" ? [a, b, c] : format === "MM/DD/YYYY" ? [c, a, b] : [c, b, a];
  if (!/^\d{4}$/.test(year) || !/^\d{1,2}$/.test(month) || !/^\d{1,2}$/.test(day)) return undefined;
  const iso = `${year}-${month.padStart(2, "0")}-${day.padStart(2, "0")}`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
}

/** Parses a bank CSV with a column mapping into one statement in `currency`. */
export function parseCsvStatement(content: string, mapping: CsvMapping, currency: string): ParsedStatement {
  const rows = parseCsvRows(content, mapping.delimiter).slice(mapping.skipRows);
  const header = mapping.header ? rows.shift() ?? [] : [];
  const column = (ref: string | number | undefined, name: string): number | undefined => {
    if (ref === undefined) return undefined;
    if (typeof ref === "number") return ref;
    const at = header.findIndex((cell) => cell.trim().toLowerCase() === ref.toLowerCase());
    if (at < 0) throw new ExtensionError("CSV_MAPPING_INVALID", `the CSV has no column named in csvMapping.${name}`, { field: `csvMapping.${name}` });
    return at;
  };
  const dateColumn = column(mapping.date, "date")!;
  const amountColumn = column(mapping.amount, "amount");
  const debitColumn = column(mapping.debit, "debit");
  const creditColumn = column(mapping.credit, "credit");
  const descriptionColumn = column(mapping.description, "description")!;
  const referenceColumn = column(mapping.reference, "reference");
  const counterpartyColumn = column(mapping.counterparty, "counterparty");
  if (amountColumn === undefined && debitColumn === undefined && creditColumn === undefined) {
    throw new ExtensionError("CSV_MAPPING_INVALID", "csvMapping needs either amount or debit/credit columns", { field: "csvMapping.amount" });
  }
  const normalize = (raw: string): string => {
    const trimmed = raw.trim();
    return mapping.decimalSeparator === "," ? trimmed.replace(/\./g, "").replace(",", ".") : trimmed.replace(/,/g, "");
  };
  const lines: StatementLine[] = rows.map((row, index) => {
    const cell = (at: number | undefined) => (at === undefined ? "" : (row[at] ?? "").trim());
    const date = toIsoDate(cell(dateColumn), mapping.dateFormat);
    if (!date) throw new ExtensionError("STATEMENT_INVALID", `CSV row ${index + 1} has a date that does not match csvMapping.dateFormat`, { field: "csvMapping.dateFormat" });
    let amountMinor: bigint;
    if (amountColumn !== undefined) amountMinor = bankAmountToMinor(normalize(cell(amountColumn)), currency);
    else {
      const credit = cell(creditColumn);
      const debit = cell(debitColumn);
      amountMinor = (credit ? bankAmountToMinor(normalize(credit), currency) : 0n) - (debit ? bankAmountToMinor(normalize(debit).replace(/^-/, ""), currency) : 0n);
    }
    const description = cell(descriptionColumn) || "(no description)";
    const reference = cell(referenceColumn);
    return {
      amountMinor,
      bookingDate: date,
      status: "booked" as const,
      bankRef: reference || `c:${createHash("sha256").update(`${date}|${amountMinor}|${description}|${index}`).digest("hex").slice(0, 24)}`,
      counterpartyName: cell(counterpartyColumn) || undefined,
      description,
    };
  });
  return { id: "csv", currency, lines };
}
