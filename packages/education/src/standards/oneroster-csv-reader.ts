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

/**
 * A CSV file indexed by row, read one row at a time: opening it checks the whole text (the same
 * rules and errors as {@link readCsvTable}) but keeps only each row's offset and line, so a
 * district's export is not held as millions of cell strings while it is checked.
 *
 * @example
 * ```ts
 * const rows = CsvRows.open("sourcedId,title\ncat1,Homework\n", "categories.csv");
 * rows.read(0, []); // ["cat1", "Homework"]
 * ```
 * @category OneRoster
 */
export class CsvRows {
  /** The header's cells. */
  readonly header: string[];
  /** Data rows (blank lines are not rows). */
  readonly count: number;
  private readonly text: string;
  private readonly starts: Int32Array;
  private readonly lines: Int32Array;

  private constructor(text: string, header: string[], starts: Int32Array, lines: Int32Array, count: number) {
    this.text = text;
    this.header = header;
    this.starts = starts;
    this.lines = lines;
    this.count = count;
  }

  /**
   * Indexes CSV text, checking its quoting.
   * @throws ExtensionError `CSV_INVALID` naming the file (and the line) for an unterminated quote or text after a closing quote, or no header.
   */
  static open(text: string, file: string): CsvRows {
    let starts = new Int32Array(1024);
    let lines = new Int32Array(1024);
    let rows = 0;
    let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    let line = 1;
    const n = text.length;
    while (i < n) {
      const start = i;
      const startLine = line;
      let cells = 0;
      // The first cell's text, read only when it may be the row's only cell (a blank line).
      let first = "";
      for (;;) {
        cells++;
        if (text.charCodeAt(i) === 34) {
          let from = ++i;
          for (;;) {
            const quote = text.indexOf('"', i);
            if (quote < 0) throw csvError(`${file} is not valid CSV (unterminated quote starting near line ${startLine})`, file);
            for (let k = text.indexOf("\n", i); k >= 0 && k < quote; k = text.indexOf("\n", k + 1)) line++;
            if (text.charCodeAt(quote + 1) === 34) {
              if (cells === 1) first += text.slice(from, quote + 1);
              i = from = quote + 2;
              continue;
            }
            if (cells === 1) first += text.slice(from, quote);
            i = quote + 1;
            break;
          }
          const next = text.charCodeAt(i);
          if (i < n && next !== 44 && next !== 10 && next !== 13) throw csvError(`${file} is not valid CSV (text after a closing quote near line ${line})`, file);
        } else {
          let end = i;
          while (end < n) {
            const c = text.charCodeAt(end);
            if (c === 44 || c === 10 || c === 13) break;
            end++;
          }
          if (cells === 1) first = text.slice(i, end);
          i = end;
        }
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
      // Blank lines are skipped (a single empty cell), as readCsvTable does.
      if (cells === 1 && first.trim() === "") continue;
      if (rows === starts.length) {
        const grown = new Int32Array(rows * 2);
        grown.set(starts);
        starts = grown;
        const grownLines = new Int32Array(rows * 2);
        grownLines.set(lines);
        lines = grownLines;
      }
      starts[rows] = start;
      lines[rows] = startLine;
      rows++;
    }
    if (rows === 0) throw csvError(`${file} has no header line`, file);
    const table = new CsvRows(text, [], starts, lines, rows - 1);
    const header = table.readAt(0, []);
    return Object.assign(table, { header });
  }

  /** The 1-based line data row `r` starts on. */
  line(r: number): number {
    return this.lines[r + 1]!;
  }

  /** Reads data row `r`'s trimmed cells into `into` (emptied first) and returns it. */
  read(r: number, into: string[]): string[] {
    return this.readAt(r + 1, into);
  }

  private readAt(index: number, into: string[]): string[] {
    const text = this.text;
    const n = text.length;
    let i = this.starts[index]!;
    into.length = 0;
    for (;;) {
      let cell: string;
      if (text.charCodeAt(i) === 34) {
        let out = "";
        let from = ++i;
        for (;;) {
          // Opening checked the quoting, so the closing quote exists.
          const quote = text.indexOf('"', i);
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
      into.push(cell.trim());
      if (text.charCodeAt(i) !== 44) return into;
      i++;
    }
  }
}
