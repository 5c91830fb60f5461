import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@modelcontextprotocol/client";
import { connectInProcess } from "@mcp-verticals/core/testing";
import { call, TEST_SECRET } from "../__fixtures__/harness.js";
import { createEmbeddedFhirStore } from "../backend/embedded-store.js";
import type { FhirBackend } from "../backend/fhir-backend.js";
import { HEALTHCARE_EXTENSION_ID } from "../extension.js";
import { createHealthcareServer, createHealthcareServices } from "../server.js";
import { ageBandCutoffYear, checkSearchParameter, searchParameterAllowed, type SearchPolicyContext } from "./search-policy.js";

const policy = (phiMode: SearchPolicyContext["phiMode"]): SearchPolicyContext => ({ phiMode, fingerprint: (value) => `fp${value.length}`, currentYear: 2026 });
const outcome = (mode: SearchPolicyContext["phiMode"], type: string, name: string, value: string): string => {
  try {
    checkSearchParameter(policy(mode), type, name, [value]);
    return "ok";
  } catch (error) {
    return (error as { code: string }).code;
  }
};

describe("search policy, per parameter and mode (45 CFR 164.514)", () => {
  // [resourceType, parameter, value, limited, safe-harbor]
  const table: [string, string, string, string, string][] = [
    ["Patient", "name", "smi", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Patient", "family", "smith", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Patient", "given", "ann", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Patient", "phonetic", "smyth", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Patient", "identifier", "urn:oid:1.2.36|123", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Patient", "telecom", "555-0100", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Patient", "phone", "555-0100", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Patient", "email", "a@b.example", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Patient", "address", "main street", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Patient", "address-line", "12", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Patient", "address-city", "Boston", "ok", "PHI_FILTER_NOT_ALLOWED"],
    ["Patient", "address-postalcode", "02115", "ok", "PHI_FILTER_NOT_ALLOWED"],
    ["Patient", "address-state", "MA", "ok", "ok"],
    ["Patient", "address-country", "US", "ok", "ok"],
    ["Patient", "address-state:exact", "MA", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Patient", "birthdate", "1960-05-03", "ok", "PHI_FILTER_NOT_ALLOWED"],
    ["Patient", "birthdate", "1960", "ok", "ok"],
    ["Patient", "birthdate", "1932", "ok", "PHI_FILTER_NOT_ALLOWED"],
    ["Patient", "birthdate", "le1936", "ok", "ok"],
    ["Patient", "birthdate:missing", "true", "ok", "ok"],
    ["Patient", "gender", "female", "ok", "ok"],
    ["Patient", "gender:not", "female", "ok", "ok"],
    ["Patient", "gender:text", "fem", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Patient", "general-practitioner", "Practitioner/abc", "ok", "ok"],
    ["Patient", "general-practitioner", "http://other.example/Practitioner/1", "INVALID_SEARCH_VALUE", "INVALID_SEARCH_VALUE"],
    ["Patient", "general-practitioner.name", "smith", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Patient", "_has:Observation:patient:code", "4548-4", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Patient", "_filter", "name eq smith", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Patient", "_text", "smith", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Patient", "_content", "smith", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Patient", "_list", "list-1", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Patient", "_lastUpdated", "ge2026", "UNSUPPORTED_SEARCH_PARAMETER", "UNSUPPORTED_SEARCH_PARAMETER"],
    ["Patient", "_tag", "x", "UNSUPPORTED_SEARCH_PARAMETER", "UNSUPPORTED_SEARCH_PARAMETER"],
    ["Patient", "death-date", "2020", "UNSUPPORTED_SEARCH_PARAMETER", "UNSUPPORTED_SEARCH_PARAMETER"],
    ["Patient", "_id", "abc", "ok", "ok"],
    ["Patient", "_summary", "count", "UNSUPPORTED_SEARCH_PARAMETER", "UNSUPPORTED_SEARCH_PARAMETER"],
    ["Patient", "_total", "accurate", "UNSUPPORTED_SEARCH_PARAMETER", "UNSUPPORTED_SEARCH_PARAMETER"],
    ["Patient", "_count", "1000", "UNSUPPORTED_SEARCH_PARAMETER", "UNSUPPORTED_SEARCH_PARAMETER"],
    ["Patient", "_include:iterate", "*", "UNSUPPORTED_SEARCH_PARAMETER", "UNSUPPORTED_SEARCH_PARAMETER"],
    ["Practitioner", "name", "smith", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Practitioner", "identifier", "1234567890", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Organization", "name", "General Hospital", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Observation", "code", "http://loinc.org|4548-4", "ok", "ok"],
    ["Observation", "code:not", "http://loinc.org|4548-4", "ok", "ok"],
    ["Observation", "code:text", "smith", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Observation", "code:below", "http://loinc.org|4548", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Observation", "date", "ge2024-03-01", "ok", "PHI_FILTER_NOT_ALLOWED"],
    ["Observation", "date", "ge2024", "ok", "ok"],
    ["Observation", "date", "2024-03", "ok", "PHI_FILTER_NOT_ALLOWED"],
    ["Observation", "date", "ap2024", "ok", "PHI_FILTER_NOT_ALLOWED"],
    ["Observation", "patient", "Patient/abc", "ok", "ok"],
    ["Observation", "patient:Patient", "abc", "ok", "ok"],
    ["Observation", "subject:Patient.birthdate", "1932", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Observation", "subject.name", "smith", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Observation", "patient.identifier", "MRN1", "PHI_FILTER_NOT_ALLOWED", "PHI_FILTER_NOT_ALLOWED"],
    ["Observation", "value-quantity", "gt7", "UNSUPPORTED_SEARCH_PARAMETER", "UNSUPPORTED_SEARCH_PARAMETER"],
    ["Encounter", "date", "2023", "ok", "ok"],
    ["Encounter", "date", "2023-01-05", "ok", "PHI_FILTER_NOT_ALLOWED"],
    ["Condition", "onset-date", "le2020-12-31", "ok", "PHI_FILTER_NOT_ALLOWED"],
    ["Condition", "recorded-date", "2020", "ok", "ok"],
    ["MedicationRequest", "authoredon", "2022-02-02", "ok", "PHI_FILTER_NOT_ALLOWED"],
    ["AllergyIntolerance", "date", "2019", "ok", "ok"],
    ["Immunization", "date", "2021-10-01", "ok", "PHI_FILTER_NOT_ALLOWED"],
    ["Procedure", "date", "eq2018", "ok", "ok"],
  ];
  it.each(table)("%s %s=%s: limited %s, safe-harbor %s", (type, name, value, limited, safeHarbor) => {
    expect(outcome("limited", type, name, value)).toBe(limited);
    expect(outcome("safe-harbor", type, name, value)).toBe(safeHarbor);
    // Identified mode only refuses result parameters smuggled into params.
    expect(outcome("identified", type, name, value)).toBe(name.startsWith("_summary") || name.startsWith("_total") || name.startsWith("_count") || name.startsWith("_include") ? "UNSUPPORTED_SEARCH_PARAMETER" : "ok");
  });

  it("never lets a Safe Harbor birth-date filter split the 90+ band (cutoff 1936 in 2026)", () => {
    expect(ageBandCutoffYear(2026)).toBe(1936);
    const cases: [string, boolean][] = [
      ["1936", false], ["1937", true], ["eq1900", false], ["ge1930", false], ["ge1937", true], ["gt1936", true], ["gt1935", false], ["sa1936", true],
      ["le1936", true], ["le1935", false], ["le2000", true], ["lt1937", true], ["lt1936", false], ["eb1937", true], ["eb1936", false],
      ["ne1936", false], ["ne1950", true], ["1950-01", false], ["ap1950", false], ["ge1937,eq1930", false], ["ge1937,le1936", true],
    ];
    for (const [value, allowed] of cases) expect(outcome("safe-harbor", "Patient", "birthdate", value), value).toBe(allowed ? "ok" : "PHI_FILTER_NOT_ALLOWED");
  });

  it("names unknown parameters by a fingerprint, never by the client's text, outside identified mode", () => {
    const field = (mode: SearchPolicyContext["phiMode"], name: string) => {
      try {
        checkSearchParameter(policy(mode), "Patient", name, ["x"]);
      } catch (error) {
        return (error as { field?: string }).field;
      }
      return "accepted";
    };
    expect(field("safe-harbor", "Smith-1932")).toBe("params.~fp10");
    expect(field("limited", "name:exact")).toBe("params.name");
    expect(field("safe-harbor", "subject.name")).toBe("params.~fp12");
    expect(field("identified", "_summary")).toBe("params._summary");
  });

  it("lists in capabilities only what the mode may search", () => {
    expect(searchParameterAllowed("safe-harbor", "Patient", "birthdate")).toBe(true);
    expect(searchParameterAllowed("safe-harbor", "Patient", "address-city")).toBe(false);
    expect(searchParameterAllowed("limited", "Patient", "address-city")).toBe(true);
    expect(searchParameterAllowed("limited", "Patient", "name")).toBe(false);
    expect(searchParameterAllowed("identified", "Patient", "name")).toBe(true);
  });
});

/** The embedded store behind a recorder, so a test can prove a refused search never reached the backend. */
function recordingStore() {
  const store = createEmbeddedFhirStore();
  const calls: string[] = [];
  const backend: FhirBackend = {
    kind: "embedded",
    capabilities: () => store.capabilities(),
    read: (type, id) => (calls.push(`read ${type}`), store.read(type, id)),
    search: (type, params, options) => (calls.push(`search ${type} ${Object.keys(params).join("&")}`), store.search(type, params, options)),
    everything: (id, options) => (calls.push("everything"), store.everything(id, options)),
    create: (resource) => store.create(resource),
    update: (resource) => store.update(resource),
  };
  return { store, backend, calls };
}

describe.each(["legacy", "modern"] as const)("de-identified searches over MCP (%s era)", (era) => {
  const { store, backend, calls } = recordingStore();
  const services = createHealthcareServices({ secret: TEST_SECRET, fhir: backend });
  const closers: (() => Promise<void>)[] = [];
  const connect = async (settings: Record<string, unknown>, connectorTools = false): Promise<Client> => {
    const connection = await connectInProcess(() => createHealthcareServer({ services, connectorTools, toolsets: ["all"] }), { era, extensions: { [HEALTHCARE_EXTENSION_ID]: settings } });
    closers.push(connection.close);
    return connection.client;
  };
  let safeHarbor: Client;
  let limited: Client;
  beforeAll(async () => {
    safeHarbor = await connect({ acceptPhi: "safe-harbor" }, true);
    limited = await connect({ acceptPhi: "limited" });
  });
  afterAll(async () => {
    for (const close of closers) await close();
  });
  const old = store.all("Patient").find((patient: any) => new Date().getUTCFullYear() - Number(patient.birthDate.slice(0, 4)) > 89) as any;

  it("refuses the birth year of a patient over 89 before the backend is asked (fhir_search, patient_find, connector search)", async () => {
    expect(old).toBeDefined();
    const year = old.birthDate.slice(0, 4);
    const before = calls.length;
    const search = await call(safeHarbor, "fhir_search", { resourceType: "Patient", params: { birthdate: year } });
    expect(search.error).toMatchObject({ code: "PHI_FILTER_NOT_ALLOWED", field: "params.birthdate" });
    const find = await call(safeHarbor, "patient_find", { birthDate: year });
    expect(find.error).toMatchObject({ code: "PHI_FILTER_NOT_ALLOWED", field: "birthDate" });
    for (const value of [`ge${year}`, `le${Number(year)}`, `eq${year}`]) expect((await call(safeHarbor, "patient_find", { birthDate: value })).error?.code, value).toBe("PHI_FILTER_NOT_ALLOWED");
    const connector = await safeHarbor.callTool({ name: "search", arguments: { query: `Patient?birthdate=${year}` } });
    expect(connector.isError).toBe(true);
    expect(JSON.stringify(connector)).toContain("PHI_FILTER_NOT_ALLOWED");
    expect(calls.slice(before)).toEqual([]);
  });

  it("refuses chains, _has, _filter, modifiers, result parameters and sorting patients, before the backend", async () => {
    const before = calls.length;
    const refused: [string, Record<string, unknown>, string][] = [
      ["Observation", { "subject:Patient.birthdate": old.birthDate.slice(0, 4) }, "PHI_FILTER_NOT_ALLOWED"],
      ["Observation", { "patient.name": old.name[0].family }, "PHI_FILTER_NOT_ALLOWED"],
      ["Patient", { "_has:Observation:patient:code": "4548-4" }, "PHI_FILTER_NOT_ALLOWED"],
      ["Patient", { _filter: `family eq ${old.name[0].family}` }, "PHI_FILTER_NOT_ALLOWED"],
      ["Patient", { "family:exact": old.name[0].family }, "PHI_FILTER_NOT_ALLOWED"],
      ["Patient", { "address-postalcode": old.address[0].postalCode }, "PHI_FILTER_NOT_ALLOWED"],
      ["Patient", { _summary: "count", gender: old.gender }, "UNSUPPORTED_SEARCH_PARAMETER"],
      ["Patient", { _total: "accurate" }, "UNSUPPORTED_SEARCH_PARAMETER"],
      ["Encounter", { date: "ge2024-01-01" }, "PHI_FILTER_NOT_ALLOWED"],
    ];
    for (const [resourceType, params, code] of refused) expect((await call(safeHarbor, "fhir_search", { resourceType, params })).error?.code, JSON.stringify(params)).toBe(code);
    expect((await call(safeHarbor, "fhir_search", { resourceType: "Patient", params: { gender: "male" }, sort: "-date" })).error).toMatchObject({ code: "PHI_FILTER_NOT_ALLOWED", field: "sort" });
    expect((await call(safeHarbor, "patient_everything", { patientId: old.id, start: "2024-01-01" })).error).toMatchObject({ code: "PHI_FILTER_NOT_ALLOWED", field: "start" });
    expect(calls.slice(before)).toEqual([]);
  });

  it("answers a search at the mode's own granularity with a total the de-identified outputs already show", async () => {
    const cutoff = ageBandCutoffYear();
    const banded = await call(safeHarbor, "fhir_search", { resourceType: "Patient", params: { birthdate: `le${cutoff}`, "address-state": old.address[0].state }, count: 100, format: "fhir" });
    expect(banded.error).toBeUndefined();
    // Count the same thing from the plain de-identified listing: age band 90+ and the state.
    const all: any[] = [];
    let cursor: string | undefined;
    do {
      const page = await call(safeHarbor, "fhir_search", { resourceType: "Patient", params: { "address-state": old.address[0].state }, count: 10, format: "fhir", ...(cursor ? { cursor } : {}) });
      expect(page.truncated).toBe(false);
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    const expected = all.filter((patient: any) => patient.extension?.some((extension: any) => extension.valueString === "90+"));
    expect(banded.total).toBe(expected.length);
    expect(banded.items.map((item: any) => item.id).sort()).toEqual(expected.map((item: any) => item.id).sort());
    expect(JSON.stringify(banded.raw)).not.toContain(old.birthDate.slice(0, 4));
  });

  it("lets a limited data set filter on dates, city and ZIP, but not on names or street lines", async () => {
    const byDate = await call(limited, "fhir_search", { resourceType: "Patient", params: { birthdate: old.birthDate, "address-city": old.address[0].city } });
    expect(byDate.error).toBeUndefined();
    expect(byDate.items.length).toBeGreaterThanOrEqual(1);
    expect((await call(limited, "fhir_search", { resourceType: "Patient", params: { "address-postalcode": old.address[0].postalCode } })).total).toBeGreaterThanOrEqual(1);
    expect((await call(limited, "fhir_search", { resourceType: "Patient", params: { name: old.name[0].family } })).error?.code).toBe("PHI_FILTER_NOT_ALLOWED");
    expect((await call(limited, "fhir_search", { resourceType: "Patient", params: { address: old.address[0].line[0] } })).error?.code).toBe("PHI_FILTER_NOT_ALLOWED");
    expect((await call(limited, "fhir_search", { resourceType: "Patient", params: { gender: "male" }, sort: "-date" })).error).toBeUndefined();
  });

  it("never echoes a parameter name the client made up", async () => {
    const name = `${old.name[0].family}-${old.birthDate}`;
    const unknown = await call(safeHarbor, "fhir_search", { resourceType: "Patient", params: { [name]: "x" } });
    expect(unknown.error.code).toBe("UNSUPPORTED_SEARCH_PARAMETER");
    expect(unknown.error.field).toMatch(/^params\.~[0-9a-f]{12}$/);
    expect(JSON.stringify(unknown.raw)).not.toContain(old.name[0].family);
    // A name the schema rejects is reported at `params`, not at the name.
    const malformed = await call(safeHarbor, "fhir_search", { resourceType: "Patient", params: { [`${old.name[0].family} ${old.name[0].given[0]}`]: "x" } });
    expect(malformed.error).toMatchObject({ code: "INVALID_ARGUMENTS", field: "params" });
    expect(JSON.stringify(malformed.raw)).not.toContain(old.name[0].family);
    const badValue = await call(safeHarbor, "fhir_search", { resourceType: "Patient", params: { [old.name[0].family]: 5 } });
    expect(badValue.error).toMatchObject({ code: "INVALID_ARGUMENTS", field: "params" });
    expect(JSON.stringify(badValue.raw)).not.toContain(old.name[0].family);
    // Unknown elements in a resource to validate are fingerprinted too.
    const validated = await call(safeHarbor, "fhir_validate", { resource: { resourceType: "Patient", [old.name[0].family]: true } });
    expect(validated.issues[0].paths[0]).toMatch(/^Patient\.~[0-9a-f]{12}$/);
    expect(JSON.stringify(validated.raw)).not.toContain(old.name[0].family);
  });

  it("shows only the searches the session may run in fhir_capabilities", async () => {
    const capabilities = await call(safeHarbor, "fhir_capabilities", { resourceType: "Patient" });
    const names = Object.keys(capabilities.resourceTypes[0].searchParams);
    expect(names).toEqual(expect.arrayContaining(["birthdate", "gender", "address-state"]));
    for (const name of ["name", "family", "given", "identifier", "address-city", "address-postalcode"]) expect(names).not.toContain(name);
  });
});
