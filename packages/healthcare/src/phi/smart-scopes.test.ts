import { describe, expect, it } from "vitest";
import { parseSmartScopes, requireScope, resourceWithinScopes } from "./smart-scopes.js";

describe("SMART scopes", () => {
  it("parses v2 scopes with granular constraints and upgrades v1 scopes", () => {
    const [lab, v1, all] = parseSmartScopes(["patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory", "user/Patient.read", "system/*.cruds", "openid", "launch/patient"]);
    expect(lab).toMatchObject({ context: "patient", resourceType: "Observation", constraints: { category: "http://terminology.hl7.org/CodeSystem/observation-category|laboratory" } });
    expect([...lab!.interactions].sort()).toEqual(["r", "s"]);
    expect([...v1!.interactions].sort()).toEqual(["r", "s"]);
    expect([...all!.interactions].sort()).toEqual(["c", "d", "r", "s", "u"]);
    expect(parseSmartScopes(["openid", "fhirUser", "patient/Observation.xyz"])).toEqual([]);
  });

  it("requires a granting scope for each interaction", () => {
    const scopes = parseSmartScopes(["patient/Observation.rs", "patient/Condition.r"]);
    expect(() => requireScope(scopes, "Observation", "s")).not.toThrow();
    expect(() => requireScope(scopes, "Condition", "s")).toThrowError(expect.objectContaining({ code: "SCOPE_DENIED" }));
    expect(() => requireScope(scopes, "Observation", "c")).toThrowError(expect.objectContaining({ code: "SCOPE_DENIED" }));
    expect(() => requireScope(scopes, "MedicationRequest", "r")).toThrowError(expect.objectContaining({ code: "SCOPE_DENIED" }));
  });

  it("enforces category constraints on resources", () => {
    const granting = parseSmartScopes(["patient/Observation.rs?category=laboratory"]);
    const lab = { resourceType: "Observation", category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "laboratory" }] }] };
    const vital = { resourceType: "Observation", category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: "vital-signs" }] }] };
    expect(resourceWithinScopes(granting, lab)).toBe(true);
    expect(resourceWithinScopes(granting, vital)).toBe(false);
    const systemScoped = parseSmartScopes(["patient/Observation.rs?category=http://example.org/other|laboratory"]);
    expect(resourceWithinScopes(systemScoped, lab)).toBe(false);
  });
});
