// The vertical pages' field tables, rendered by the markdown parser TypeDoc uses (markdown-it):
// every cell stays in its column and shows its text exactly, whatever characters a schema holds.
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./repo.js";

const catalogue = await import(join(repoRoot, "scripts", "docs", "generate-catalogue.mjs"));
// markdown-it is TypeDoc's own dependency: load the copy TypeDoc renders with.
const fromTypedoc = createRequire(createRequire(join(repoRoot, "package.json")).resolve("typedoc"));
const markdown = fromTypedoc("markdown-it")();

/** Rendered body rows of a markdown table, as the text content of each cell. */
function cells(table: string): string[][] {
  const html: string = markdown.render(table);
  const body = /<tbody>([\s\S]*)<\/tbody>/.exec(html)?.[1] ?? "";
  const decode = (text: string) => text.replace(/<[^>]+>/g, "").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((cell) => decode(cell[1]!)));
}

describe("vertical page field tables", () => {
  const pattern = String.raw`^(?:[A-Z]{3}|\d+(\.\d{1,2})?)\|x$`;
  const schema = {
    type: "object",
    required: ["amount", "lines"],
    properties: {
      amount: { type: "string", pattern, description: "Decimal *string*, e.g. `12.50`; <b>never</b> a float | [link](x) &amp; more" },
      kind: { enum: ["a|b", "c"], description: "Pick one" },
      lines: {
        type: "array",
        description: "Statement lines",
        items: { type: "object", required: ["ref"], properties: { ref: { type: "string", description: "Line reference" }, note: { type: ["string", "null"], description: "Free text" } } },
      },
      tick: { type: "string", default: "a`b", description: "Backtick in a default" },
    },
  };
  const rows = cells(catalogue.propertiesTable(schema));

  it("keeps a regex pattern with | and backslashes in its cell, unchanged", () => {
    const amount = rows.find((row) => row[0] === "amount")!;
    expect(amount).toHaveLength(5);
    expect(amount[1]).toBe(`string (pattern ${pattern})`);
  });

  it("shows descriptions literally: no emphasis, HTML, links or entities, and the | kept", () => {
    const amount = rows.find((row) => row[0] === "amount")!;
    expect(amount[4]).toBe("Decimal *string*, e.g. 12.50; <b>never</b> a float | [link](x) &amp; more");
  });

  it("lists enum values and unions with | inside their cells", () => {
    expect(rows.find((row) => row[0] === "kind")![1]).toBe(`"a|b" | "c"`);
    expect(rows.find((row) => row[0] === "lines[].note")![1]).toBe("string | null");
  });

  it("lists the fields of an array of objects as path[].field", () => {
    expect(rows.map((row) => row[0])).toEqual(["amount", "kind", "lines", "lines[].ref", "lines[].note", "tick"]);
    expect(rows.find((row) => row[0] === "lines[].ref")![2]).toBe("yes");
  });

  it("quotes a default that contains a backtick", () => {
    expect(rows.find((row) => row[0] === "tick")![3]).toBe('"a`b"');
  });

  it("has five cells in every row", () => {
    for (const row of rows) expect(row, row[0]).toHaveLength(5);
  });
});
