import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildCamt053, parseCamt053, parseCamt053Stream } from "./camt053.js";
import { parseOfx } from "./ofx.js";
import { buildPain001, parsePain001 } from "./pain001.js";

const fixture = (name: string) => readFileSync(new URL(`../__fixtures__/${name}`, import.meta.url), "utf8");
const dir = mkdtempSync(join(tmpdir(), "finance-formats-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function* chunked(text: string, size: number): AsyncIterable<Uint8Array> {
  const bytes = Buffer.from(text, "utf8");
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

describe("camt.053 as a stream", () => {
  it("gives the same statements from a string, from 7-byte chunks (splitting UTF-8 and tags) and from a file", async () => {
    const xml = fixture("camt053-multi.xml").replace("Lumen Studio SARL", "Lümen Stüdio SARL — €");
    const whole = parseCamt053(xml);
    expect(whole).toHaveLength(2);
    expect(await parseCamt053Stream(chunked(xml, 7))).toEqual(whole);
    const file = join(dir, "multi.xml");
    writeFileSync(file, xml);
    expect(await parseCamt053Stream(createReadStream(file, { highWaterMark: 1024 }))).toEqual(whole);
    expect(whole[0]!.lines[0]!.description).toContain("Lümen Stüdio SARL — €");
  });

  it("keeps well-formedness checks, with typed errors naming the element path and line", () => {
    const xml = fixture("camt053-multi.xml");
    const broken = xml.replace("<CdtDbtInd>DBIT</CdtDbtInd>", "<CdtDbtInd>DBIT</CdtDbtIn>");
    expect(() => parseCamt053(broken)).toThrow(
      expect.objectContaining({ code: "STATEMENT_INVALID", field: "content", data: expect.objectContaining({ path: expect.stringContaining("Document/BkToCstmrStmt/Stmt/Ntry") }) }),
    );
    const truncated = xml.slice(0, xml.indexOf("</Stmt>"));
    expect(() => parseCamt053(truncated)).toThrow(expect.objectContaining({ code: "STATEMENT_INVALID" }));
    expect(() => parseCamt053(xml.replace("<Sts>BOOK</Sts>", "<Sts>BOOK</Sts>&undefined;"))).toThrow(expect.objectContaining({ code: "STATEMENT_INVALID" }));
    const badAmount = xml.replace('<Amt Ccy="EUR">306.50</Amt>', '<Amt Ccy="EUR">30x6.50</Amt>');
    expect(() => parseCamt053(badAmount)).toThrow(expect.objectContaining({ code: "STATEMENT_INVALID", data: expect.objectContaining({ path: "Document/BkToCstmrStmt/Stmt/Ntry" }) }));
  });

  it("refuses a DOCTYPE (no entity expansion, no external entities) and invalid UTF-8", async () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><Document><BkToCstmrStmt><Stmt><Id>&b;</Id></Stmt></BkToCstmrStmt></Document>`;
    expect(() => parseCamt053(bomb)).toThrow(expect.objectContaining({ code: "STATEMENT_INVALID", message: expect.stringContaining("DOCTYPE") }));
    async function* latin1() {
      yield Buffer.concat([Buffer.from("<Document><BkToCstmrStmt><Stmt><Id>"), Buffer.from([0xe9, 0x41]), Buffer.from("</Id></Stmt></BkToCstmrStmt></Document>")]);
    }
    await expect(parseCamt053Stream(latin1())).rejects.toMatchObject({ code: "STATEMENT_INVALID", message: expect.stringContaining("UTF-8") });
  });

  it("reads a built 2,000-entry statement whose balances agree", () => {
    const lines = Array.from({ length: 2000 }, (_, index) => ({ amountMinor: BigInt((index % 7) - 3) || 5n, bookingDate: "2026-10-02", ref: `R${index}`, description: `line ${index}` }));
    const xml = buildCamt053({ messageId: "M", createdAt: "2026-10-31T00:00:00", statementId: "S", account: { iban: "DE89370400440532013000" }, currency: "EUR", from: "2026-10-01", to: "2026-10-31", openingMinor: 100n, lines });
    const [statement] = parseCamt053(xml);
    expect(statement!.lines).toHaveLength(2000);
    expect(statement!.openingMinor! + statement!.lines.reduce((sum, line) => sum + line.amountMinor, 0n)).toBe(statement!.closingMinor);
  });
});

describe("OFX aggregates that are never closed", () => {
  const sgml = fixture("ofx-sgml.ofx");

  it("reads the sample with every aggregate closed, closing balance included", () => {
    const statements = parseOfx(sgml);
    expect(statements[0]!.closingMinor).toBeDefined();
  });

  it("refuses a statement whose BANKTRANLIST is never closed, instead of losing its LEDGERBAL", () => {
    const unclosed = sgml.replace("</BANKTRANLIST>", "");
    expect(unclosed).not.toBe(sgml);
    expect(() => parseOfx(unclosed)).toThrow(
      expect.objectContaining({ code: "STATEMENT_INVALID", field: "content", message: expect.stringContaining("<BANKTRANLIST> is not closed"), data: expect.objectContaining({ path: expect.stringContaining("STMTRS/BANKTRANLIST") }) }),
    );
  });

  it("refuses a file that ends with aggregates open (truncated download)", () => {
    const cut = sgml.slice(0, sgml.indexOf("</BANKTRANLIST>"));
    expect(() => parseOfx(cut)).toThrow(expect.objectContaining({ code: "STATEMENT_INVALID", message: expect.stringContaining("at the end of the file") }));
  });

  it("still accepts SGML leaves without end tags and leaves with explicit ones", () => {
    const explicit = sgml.replace("<TRNAMT>+2500.00", "<TRNAMT>+2500.00</TRNAMT>").replace("<CODE>0", "<CODE>0</CODE>");
    expect(parseOfx(explicit)[0]!.lines[0]!.amountMinor).toBe(250000n);
  });
});

/** A pain.001.001.09 file as a bank's customer would send it, written from the ISO 20022 message definition. */
function painWithAmount(amount: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">
  <CstmrCdtTrfInitn>
    <GrpHdr><MsgId>MSG-EQVT-1</MsgId><CreDtTm>2026-11-24T10:00:00</CreDtTm><NbOfTxs>1</NbOfTxs><CtrlSum>1000.00</CtrlSum><InitgPty><Nm>Nordlicht Design GmbH</Nm></InitgPty></GrpHdr>
    <PmtInf>
      <PmtInfId>PMT-1</PmtInfId><PmtMtd>TRF</PmtMtd>
      <ReqdExctnDt><Dt>2026-11-25</Dt></ReqdExctnDt>
      <Dbtr><Nm>Nordlicht Design GmbH</Nm></Dbtr>
      <DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct>
      <DbtrAgt><FinInstnId><BICFI>COBADEFFXXX</BICFI></FinInstnId></DbtrAgt>
      <CdtTrfTxInf>
        <PmtId><EndToEndId>E2E-EQVT-1</EndToEndId></PmtId>
        <Amt>${amount}</Amt>
        <Cdtr><Nm>Tokyo Supplies KK</Nm></Cdtr>
        <CdtrAcct><Id><Othr><Id>1234567</Id></Othr></Id></CdtrAcct>
      </CdtTrfTxInf>
    </PmtInf>
  </CstmrCdtTrfInitn>
</Document>`;
}

describe("pain.001.001.09 amounts (AmountType4Choice)", () => {
  it("reads an equivalent amount: EqvtAmt/Amt in the debtor's currency, CcyOfTrf the currency to move", () => {
    const [transfer] = parsePain001(painWithAmount('<EqvtAmt><Amt Ccy="EUR">1000.00</Amt><CcyOfTrf>JPY</CcyOfTrf></EqvtAmt>'));
    expect(transfer).toMatchObject({ amountMinor: 100000n, currency: "EUR", transferCurrency: "JPY", endToEndId: "E2E-EQVT-1" });
  });

  it("reads an instructed amount as before, without a transfer currency", () => {
    const [transfer] = parsePain001(painWithAmount('<InstdAmt Ccy="JPY">150000</InstdAmt>'));
    expect(transfer).toMatchObject({ amountMinor: 150000n, currency: "JPY" });
    expect(transfer!.transferCurrency).toBeUndefined();
  });

  it("refuses both, neither, or a bad currency with typed errors naming the element", () => {
    expect(() => parsePain001(painWithAmount('<InstdAmt Ccy="EUR">1.00</InstdAmt><EqvtAmt><Amt Ccy="EUR">1.00</Amt><CcyOfTrf>JPY</CcyOfTrf></EqvtAmt>'))).toThrow(
      expect.objectContaining({ code: "PAYMENT_FILE_INVALID", data: { path: "PmtInf[0]/CdtTrfTxInf[0]/Amt" } }),
    );
    expect(() => parsePain001(painWithAmount(""))).toThrow(expect.objectContaining({ code: "PAYMENT_FILE_INVALID" }));
    expect(() => parsePain001(painWithAmount('<EqvtAmt><Amt Ccy="EUR">1.00</Amt><CcyOfTrf>XYZ</CcyOfTrf></EqvtAmt>'))).toThrow(
      expect.objectContaining({ code: "CURRENCY_NOT_SUPPORTED", data: { path: "PmtInf[0]/CdtTrfTxInf[0]/Amt/EqvtAmt/CcyOfTrf" } }),
    );
    expect(() => parsePain001(painWithAmount('<EqvtAmt><Amt Ccy="EUR">1.001</Amt><CcyOfTrf>JPY</CcyOfTrf></EqvtAmt>'))).toThrow(expect.objectContaining({ code: "AMOUNT_PRECISION" }));
  });

  it("round-trips the file the server builds", () => {
    const transfer = { messageId: "M", createdAt: "2026-11-24T10:00:00", paymentInfoId: "P", executionDate: "2026-11-25", debtorName: "A", debtorIban: "DE89370400440532013000", endToEndId: "E", amountMinor: 12345n, currency: "EUR", creditorName: "B", creditorIban: "NL91ABNA0417164300" };
    expect(parsePain001(buildPain001(transfer))[0]).toMatchObject(transfer);
  });
});
