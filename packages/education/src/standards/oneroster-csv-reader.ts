import { ExtensionError } from "@mcp-verticals/core";

const csvError = (message: string, field: string) => new ExtensionError("CSV_INVALID", message, { field });

/** A CSV file read as rows of cells (RFC 4180: quotes, doubled quotes, CRLF or LF, optional BOM). */
export interface CsvTable {
  header: string[];
  rows: string[][];
  /** The 1-based line each row starts on. */
  lines: number[];
}

/**
 * Reads CSV text in one pass into a header and rows of trimmed cells; blank lines are skipped.
 *
 * @example
 * ```ts
 * readCsvTable("sourcedId,title\ncat1,Homework\n", "categories.csv").rows; // [["cat1", "Homework"]]
 * ```
 * @throws ExtensionError `CSV_INVALID` naming the file (and the line) for an unterminated quote or text after a closing quote.
 * @category OneRoster
 */
export function readCsvTable(text: string, file: string): CsvTable {
  const rows: string[][] = [];
  const lines: number[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const start = line;
    const row: string[] = [];
    for (;;) {
      let cell: string;
      if (text.charCodeAt(i) === 34) {
        let out = "";
        let from = ++i;
        for (;;) {
          const quote = text.indexOf('"', i);
          if (quote < 0) throw csvError(`${file} is not valid CSV (unterminated quote starting near line ${start})`, file);
          for (let k = text.indexOf("\n", i); k >= 0 && k < quote; k = text.indexOf("\n", k + 1)) line++;
          if (text.charCodeAt(quote + 1) === 34) {
            out += text.slice(from, quote + 1);
            i = from = quote + 2;
            continue;
          }
          out += text.slice(from, quote);
          i = quote + 1;
          break;
        }
        cell = out;
        const next = text.charCodeAt(i);
        if (i < n && next !== 44 && next !== 10 && next !== 13) throw csvError(`${file} is not valid CSV (text after a closing quote near line ${line})`, file);
      } else {
        let end = i;
        while (end < n) {
          const c = text.charCodeAt(end);
          if (c === 44 || c === 10 || c === 13) break;
          end++;
        }
        cell = text.slice(i, end);
        i = end;
      }
      row.push(cell.trim());
      const c = text.charCodeAt(i);
      if (c === 44) {
        i++;
        continue;
      }
      if (c === 13) i++;
      if (text.charCodeAt(i) === 10) i++;
      line++;
      break;
    }
    // Blank lines are skipped (csv-parse skip_empty_lines).
    if (row.length === 1 && row[0] === "") continue;
    rows.push(row);
    lines.push(start);
  }
  if (rows.length === 0) throw csvError(`${file} has no header line`, file);
  return { header: rows[0]!, rows: rows.slice(1), lines: lines.slice(1) };
}
