import { describe, expect, it } from "vitest";
import { CURRENCIES, currencyInfo } from "./currencies.js";
import { bankAmountToMinor, fromMinorUnits, toMinorUnits } from "./money.js";
import { containsPan, describeAccountIdentifier, luhnValid, maskIban, normalizeIban, redactPans } from "./identifiers.js";

describe("ISO 4217 table", () => {
  it("has current codes with exponents 0, 2, 3 and 4, and no withdrawn ones", () => {
    expect(currencyInfo("XCG")).toMatchObject({ numeric: "532", exponent: 2 });
    expect(currencyInfo("ZWG")?.exponent).toBe(2);
    expect(currencyInfo("JPY")?.exponent).toBe(0);
    expect(currencyInfo("KWD")?.exponent).toBe(3);
    expect(currencyInfo("CLF")?.exponent).toBe(4);
    expect(currencyInfo("UYW")?.exponent).toBe(4);
    for (const withdrawn of ["ANG", "HRK", "SLL", "ZWL", "VEF", "MRO", "STD"]) expect(currencyInfo(withdrawn)).toBeUndefined();
    expect(new Set(CURRENCIES.map((c) => c.code)).size).toBe(CURRENCIES.length);
    expect(new Set(CURRENCIES.map((c) => c.numeric)).size).toBe(CURRENCIES.length);
    expect(CURRENCIES.length).toBeGreaterThan(150);
  });
});

describe("decimal money", () => {
  it("converts between decimal strings and minor units for every exponent", () => {
    expect(toMinorUnits("12.30", "EUR")).toBe(1230n);
    expect(toMinorUnits("-0.01", "EUR")).toBe(-1n);
    expect(toMinorUnits("1500", "JPY")).toBe(1500n);
    expect(toMinorUnits("1.005", "KWD")).toBe(1005n);
    expect(toMinorUnits("0.0001", "CLF")).toBe(1n);
    expect(toMinorUnits("12.300000", "EUR")).toBe(1230n);
    expect(fromMinorUnits(5n, "KWD")).toBe("0.005");
    expect(fromMinorUnits(-1230n, "EUR")).toBe("-12.30");
    expect(fromMinorUnits(7n, "JPY")).toBe("7");
    expect(fromMinorUnits(123456789012345678901n, "EUR")).toBe("1234567890123456789.01");
  });

  it("refuses more decimals than the currency allows with AMOUNT_PRECISION", () => {
    expect(() => toMinorUnits("1.5", "JPY")).toThrow(expect.objectContaining({ code: "AMOUNT_PRECISION", field: "amount.amount" }));
    expect(() => toMinorUnits("0.001", "EUR")).toThrow(expect.objectContaining({ code: "AMOUNT_PRECISION" }));
    expect(() => toMinorUnits("0.00001", "CLF")).toThrow(expect.objectContaining({ code: "AMOUNT_PRECISION" }));
  });

  it("refuses malformed amounts and unknown currencies", () => {
    for (const bad of ["1e3", "12,30", " 1", "+1", "0x10", "NaN", "1.", ".5", "01"]) {
      expect(() => toMinorUnits(bad, "EUR"), bad).toThrow(expect.objectContaining({ code: "AMOUNT_INVALID" }));
    }
    expect(() => toMinorUnits("1", "ANG")).toThrow(expect.objectContaining({ code: "CURRENCY_NOT_SUPPORTED" }));
  });

  it("round-trips random amounts exactly in every currency (property)", () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let i = 0; i < 2000; i++) {
      const currency = CURRENCIES[Math.floor(random() * CURRENCIES.length)]!;
      const minor = BigInt(Math.floor(random() * 1e15)) * (random() < 0.5 ? -1n : 1n);
      const text = fromMinorUnits(minor, currency.code);
      expect(toMinorUnits(text, currency.code)).toBe(minor);
    }
  });

  it("reads bank-file amounts with decimal commas and plus signs", () => {
    expect(bankAmountToMinor("+1.234,50", "EUR")).toBe(123450n);
    expect(bankAmountToMinor("-12.3", "EUR")).toBe(-1230n);
    expect(bankAmountToMinor("100.00000", "EUR")).toBe(10000n);
    expect(() => bankAmountToMinor("abc", "EUR")).toThrow(expect.objectContaining({ code: "STATEMENT_INVALID" }));
  });
});

describe("account identifiers and card numbers", () => {
  it("validates IBANs and BICs with ibantools and masks IBANs", () => {
    expect(normalizeIban("de89 3704 0044 0532 0130 00")).toBe("DE89370400440532013000");
    expect(normalizeIban("DE89370400440532013001")).toBeUndefined();
    expect(maskIban("DE89370400440532013000")).toBe("DE** **** **** **** **30 00");
    expect(maskIban("DE89370400440532013000")).not.toContain("3704");
    expect(describeAccountIdentifier({ iban: "GB29NWBK60161331926819", bic: "NWBKGB2L" })).toEqual({
      iban: { valid: true, country: "GB", bankCode: "NWBK", masked: "GB** **** **** **** **68 19" },
      bic: { valid: true, country: "GB", bankCode: "NWBK", test: false },
    });
    expect(describeAccountIdentifier({ bic: "NOTABIC!" }).bic?.valid).toBe(false);
  });

  it("detects Luhn-valid card numbers and redacts them, but not IBANs", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("4111111111111112")).toBe(false);
    expect(containsPan("card 4111 1111 1111 1111 thanks")).toBe(true);
    expect(containsPan("card 4111-1111-1111-1112")).toBe(false);
    expect(containsPan("IBAN DE89 3704 0044 0532 0130 00")).toBe(false);
    expect(redactPans("paid with 5500 0000 0000 0004.")).toBe("paid with [card ••••0004].");
  });
});
