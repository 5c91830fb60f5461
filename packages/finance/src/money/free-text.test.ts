import { describe, expect, it } from "vitest";
import { cleanFreeText, containsPan, maskIbansInText, normalizeFreeText, redactPans, refusePan } from "./identifiers.js";
import { MAX_AMOUNT_MINOR, bankAmountToMinor, toMinorUnits } from "./money.js";

// 4111 1111 1111 1111 (Visa test number) and 5555 5555 5555 4444 (Mastercard test number) pass Luhn.
const VISA = "4111111111111111";

describe("card numbers in free text", () => {
  it.each([
    ["dots", "4111.1111.1111.1111"],
    ["spaces", "4111 1111 1111 1111"],
    ["dashes", "4111-1111-1111-1111"],
    ["slashes", "4111/1111/1111/1111"],
    ["underscores", "4111_1111_1111_1111"],
    ["no-break spaces", "4111\u00a01111\u00a01111\u00a01111"],
    ["thin spaces", "4111\u20091111\u20091111\u20091111"],
    ["en dashes with spaces", "4111 – 1111 – 1111 – 1111"],
    ["full-width digits", "４１１１１１１１１１１１１１１１"],
    ["full-width digits and ideographic spaces", "４１１１　１１１１　１１１１　１１１１"],
    ["zero-width spaces", "4111\u200b1111\u200b1111\u200b1111"],
    ["Arabic-Indic digits", "٤١١١١١١١١١١١١١١١"],
    ["mixed separators", "5555.5555 5555-4444"],
  ])("detects and redacts a card number written with %s", (_label, written) => {
    const text = `paid ${written} at kiosk`;
    expect(containsPan(text)).toBe(true);
    const redacted = redactPans(text);
    expect(redacted).toMatch(/\[card ••••(1111|4444)\]/);
    expect(normalizeFreeText(redacted).replace(/\D/g, "")).not.toContain("11111111");
    expect(() => refusePan(text, "memo")).toThrow(expect.objectContaining({ code: "PAN_NOT_ACCEPTED", field: "memo" }));
  });

  it("finds a card number glued to other digit groups, and leaves non-cards alone", () => {
    expect(redactPans(`order 12 ${VISA.replace(/(\d{4})/g, "$1.").slice(0, -1)}`)).toBe("order 12 [card ••••1111]");
    for (const harmless of ["invoice 2026.11.24 total 1.234,50", "IBAN DE89 3704 0044 0532 0130 00", "4111 1111 1111 1112", "phone +49 30 1234 5678"]) {
      expect(containsPan(harmless), harmless).toBe(false);
    }
  });
});

describe("IBANs in free text", () => {
  it("masks spaced and compact IBANs, keeps the words after them, and leaves invalid ones", () => {
    expect(maskIbansInText("SEPA from DE89 3704 0044 0532 0130 00 ref 7")).toBe("SEPA from DE** **** **** **** **30 00 ref 7");
    expect(maskIbansInText("to NL91ABNA0417164300.")).toBe("to NL** **** **** **43 00.");
    expect(maskIbansInText("DE00 1234 5678 9012 3456 78 is not valid")).toBe("DE00 1234 5678 9012 3456 78 is not valid");
    expect(cleanFreeText("Card ４１１１ １１１１ １１１１ １１１１ from FR1420041010050500013M02606")).toBe("Card [card ••••1111] from FR** **** **** **** **** ***2 606");
  });
});

describe("amount range", () => {
  it("accepts ±MAX_AMOUNT_MINOR and refuses one more with a typed error naming the field", () => {
    expect(toMinorUnits("9999999999999.99", "EUR")).toBe(MAX_AMOUNT_MINOR);
    expect(toMinorUnits("-9999999999999.99", "EUR")).toBe(-MAX_AMOUNT_MINOR);
    expect(toMinorUnits("999999999999999", "JPY")).toBe(MAX_AMOUNT_MINOR);
    for (const [amount, currency] of [["10000000000000.00", "EUR"], ["999999999999999999.99", "EUR"], ["-999999999999999999.99", "EUR"], ["1000000000000000", "JPY"], ["999999999999999999.999", "KWD"]] as const) {
      expect(() => toMinorUnits(amount, currency, "postings.0.amount")).toThrow(
        expect.objectContaining({ code: "AMOUNT_OUT_OF_RANGE", field: "postings.0.amount.amount" }),
      );
    }
    expect(() => bankAmountToMinor("999999999999999999,99", "EUR")).toThrow(expect.objectContaining({ code: "AMOUNT_OUT_OF_RANGE" }));
  });
});
