import { describe, expect, it } from "vitest";
import { compareVersions, negotiateVersion } from "./versions.js";

describe("negotiateVersion", () => {
  it("picks the highest common version", () => {
    expect(negotiateVersion(["1.0", "1.1", "1.10"], ["1.9", "1.10", "1.1"])).toBe("1.10");
    expect(negotiateVersion(["2026-01-01", "2026-11-24"], ["2026-11-24", "2027-01-01"])).toBe("2026-11-24");
  });
  it("returns undefined when nothing is shared", () => {
    expect(negotiateVersion(["1.0"], ["2.0"])).toBeUndefined();
    expect(negotiateVersion(["1.0"], [])).toBeUndefined();
  });
  it("orders dotted numbers numerically", () => {
    expect(["1.10", "1.9", "1.2.3"].sort(compareVersions)).toEqual(["1.2.3", "1.9", "1.10"]);
  });
});
