import { describe, expect, it } from "vitest";
import { HealthcareClientSettings, HealthcareServerSettings, negotiateHealthcare, stricterPhiMode } from "./settings.js";

const server = (input: unknown = {}) => HealthcareServerSettings.parse(input);
const client = (input: unknown = {}) => HealthcareClientSettings.parse(input);

describe("negotiateHealthcare", () => {
  it("lets the stricter PHI mode win in both directions", () => {
    expect(negotiateHealthcare(server({ phi: { mode: "identified" } }), client({ acceptPhi: "limited" })).phiMode).toBe("limited");
    expect(negotiateHealthcare(server({ phi: { mode: "safe-harbor" } }), client({ acceptPhi: "identified" })).phiMode).toBe("safe-harbor");
    expect(negotiateHealthcare(server(), client({ acceptPhi: "identified" })).phiMode).toBe("identified");
    expect(stricterPhiMode("limited", "identified")).toBe("limited");
  });

  it("gives a client that did not declare the extension safe-harbor and read-only", () => {
    const effective = negotiateHealthcare(server({ access: "read-write", phi: { mode: "identified" } }), undefined);
    expect(effective).toMatchObject({ phiMode: "safe-harbor", access: "read", writesEnabled: false, negotiated: false });
  });

  it("enables writes only for a read-write server and a client that can confirm them", () => {
    expect(negotiateHealthcare(server({ access: "read-write" }), client({ canConfirmWrites: true })).writesEnabled).toBe(true);
    expect(negotiateHealthcare(server({ access: "read-write" }), client()).writesEnabled).toBe(false);
    expect(negotiateHealthcare(server(), client({ canConfirmWrites: true })).writesEnabled).toBe(false);
  });

  it("never keeps free text unscrubbed once PHI is filtered", () => {
    expect(negotiateHealthcare(server({ phi: { mode: "identified", freeText: "keep" } }), client({ acceptPhi: "limited" })).freeText).toBe("scrub");
    expect(negotiateHealthcare(server({ phi: { mode: "identified", freeText: "keep" } }), client({ acceptPhi: "identified" })).freeText).toBe("keep");
  });

  it("intersects formats and refuses unknown client settings", () => {
    expect(negotiateHealthcare(server(), client({ formats: ["fhir"] })).formats).toEqual(["fhir"]);
    expect(HealthcareClientSettings.safeParse({ acceptPHI: "identified" }).success).toBe(false);
    expect(HealthcareClientSettings.safeParse({ acceptPhi: "everything" }).success).toBe(false);
  });
});
