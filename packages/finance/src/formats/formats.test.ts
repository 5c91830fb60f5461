import { readFileSync } from "node:fs";
import { XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { buildCamt053, parseCamt053 } from "./camt053.js";
import { parseCsvStatement } from "./csv.js";
import { parseOfx } from "./ofx.js";
import { buildPain001, parsePain001, PAIN_001_NAMESPACE } from "./pain001.js";

const fixture = (name: string) => readFileSync(new URL(`../__fixtures__/${name}`, import.meta.url), "utf8");

describe("camt.053", () => {
  it("parses several statements per file, missing optional elements and pending entries", () => {
    const statements = parseCamt053(fixture("camt053-multi.xml"));
    expect(statements).toHaveLength(2);
    const [first, second] = statements as [(typeof statements)[0], (typeof statements)[0]];
    expect(first).toMatchObject({ id: "2026-11-01-DE89", accountIban: "DE89370400440532013000", currency: "EUR", openingMinor: 100000n, closingMinor: 188350n });
    expect(first.lines.map((line) => line.amountMinor)).toEqual([119000n, -30650n]);
    expect(first.lines[0]).toMatchObject({ bankRef: "BANKREF-0001", endToEndId: "INV-2026-77", counterpartyName: "Lumen Studio SARL", counterpartyIban: "FR1420041010050500013M02606" });
    // Opening + booked movements = closing, in both statements.
    for (const statement of statements) {
      const movements = statement.lines.filter((line) => line.status === "booked").reduce((sum, line) => sum + line.amountMinor, 0n);
      expect(statement.openingMinor! + movements).toBe(statement.closingMinor);
    }
    // The second statement has no Acct/Ccy: the currency comes from the amounts.
    expect(second.currency).toBe("EUR");
    expect(second.lines[1]).toMatchObject({ status: "pending", amountMinor: 5000n });
  });

  it("refuses malformed or foreign XML with a typed error", () => {
    expect(() => parseCamt053("<Document><BkToCstmrStmt>")).toThrow(expect.objectContaining({ code: "STATEMENT_INVALID" }));
    expect(() => parseCamt053("<Document><Other/></Document>")).toThrow(expect.objectContaining({ code: "STATEMENT_INVALID" }));
  });

  it("round-trips a built statement through the parser", () => {
    const xml = buildCamt053({
      messageId: "M1",
      createdAt: "2026-11-30T23:59:59",
      statementId: "S1",
      account: { iban: "DE89370400440532013000" },
      currency: "KWD",
      from: "2026-11-01",
      to: "2026-11-30",
      openingMinor: 1000n,
      lines: [
        { amountMinor: 1005n, bookingDate: "2026-11-02", ref: "A", description: "in <&> out" },
        { amountMinor: -3n, bookingDate: "2026-11-03", ref: "B", description: "fee" },
      ],
    });
    expect(XMLValidator.validate(xml)).toBe(true);
    const [statement] = parseCamt053(xml);
    expect(statement).toMatchObject({ currency: "KWD", openingMinor: 1000n, closingMinor: 2002n });
    expect(statement!.lines.map((line) => [line.bankRef, line.amountMinor, line.description])).toEqual([
      ["A", 1005n, "in <&> out"],
      ["B", -3n, "fee"],
    ]);
  });
});

describe("OFX / QFX", () => {
  it("parses OFX 1.x SGML with its header, several statements (bank and card) and decimal commas", () => {
    const statements = parseOfx(fixture("ofx-sgml.ofx"));
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatchObject({ currency: "USD", accountNumber: "****6789", closingMinor: 244450n });
    expect(statements[0]!.lines.map((line) => [line.bankRef, line.amountMinor, line.bookingDate])).toEqual([
      ["OFX-FIT-1", 250000n, "2026-11-01"],
      ["OFX-FIT-2", -5400n, "2026-11-02"],
      ["OFX-FIT-3", -150n, "2026-11-03"],
    ]);
    expect(statements[0]!.lines[2]!.description).toBe("FEE");
    // A card statement's account number is a PAN: only the last four digits survive.
    expect(statements[1]!.accountNumber).toBe("****1111");
    expect(JSON.stringify(statements, (_key, value) => (typeof value === "bigint" ? String(value) : value))).not.toContain("4111111111111111");
  });

  it("parses OFX 2.x XML with entities", () => {
    const [statement] = parseOfx(fixture("ofx-xml.qfx"));
    expect(statement!.lines.map((line) => [line.amountMinor, line.description])).toEqual([
      [10000n, "Client & Co"],
      [-99n, "Fee"],
    ]);
  });

  it("refuses content that is not OFX", () => {
    expect(() => parseOfx("hello")).toThrow(expect.objectContaining({ code: "STATEMENT_INVALID" }));
    expect(() => parseOfx("<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><BANKTRANLIST><STMTTRN><TRNAMT>1</STMTTRN>")).toThrow(expect.objectContaining({ code: "STATEMENT_INVALID" }));
  });
});

describe("CSV with a column mapping", () => {
  it("maps quoted fields, split debit/credit columns, decimal commas and day-first dates", () => {
    const csv = 'Bank export\nDatum;Text;Soll;Haben;Ref\n01.11.2026;"Miete; November";1.200,00;;R1\n02.11.2026;"Kunde ""A""";;99,95;R2\n';
    const statement = parseCsvStatement(
      csv,
      { delimiter: ";", header: true, skipRows: 1, date: "Datum", dateFormat: "DD.MM.YYYY", debit: "Soll", credit: "Haben", description: "Text", reference: "Ref", decimalSeparator: "," },
      "EUR",
    );
    expect(statement.lines.map((line) => [line.bookingDate, line.amountMinor, line.description, line.bankRef])).toEqual([
      ["2026-11-01", -120000n, "Miete; November", "R1"],
      ["2026-11-02", 9995n, 'Kunde "A"', "R2"],
    ]);
  });

  it("names the mapping field that does not fit", () => {
    expect(() =>
      parseCsvStatement("a,b\n1,2\n", { delimiter: ",", header: true, skipRows: 0, date: "Date", dateFormat: "YYYY-MM-DD", amount: "b", description: "a", decimalSeparator: "." }, "EUR"),
    ).toThrow(expect.objectContaining({ code: "CSV_MAPPING_INVALID", field: "csvMapping.date" }));
  });
});

describe("pain.001.001.09", () => {
  it("is well-formed, in the version 09 namespace, and round-trips through the parser", () => {
    const transfer = {
      messageId: "MSG-1",
      createdAt: "2026-11-24T10:00:00",
      paymentInfoId: "PMT-1",
      executionDate: "2026-11-25",
      debtorName: "Nordlicht Design GmbH",
      debtorIban: "DE89370400440532013000",
      debtorBic: "COBADEFFXXX",
      endToEndId: "E2E-1",
      amountMinor: 125000n,
      currency: "EUR",
      creditorName: "ACME Supplies GmbH",
      creditorIban: "DE75512108001245126199",
      creditorBic: "SOGEDEFFXXX",
      remittance: "Invoice ACME-2026-118",
    };
    const xml = buildPain001(transfer);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain(`xmlns="${PAIN_001_NAMESPACE}"`);
    expect(xml).toContain("<BICFI>COBADEFFXXX</BICFI>");
    expect(xml).toContain('<InstdAmt Ccy="EUR">1250.00</InstdAmt>');
    expect(parsePain001(xml)).toEqual([transfer]);
  });
});
