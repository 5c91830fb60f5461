import { describe, expect, it } from "vitest";
import { createEmbeddedFhirStore } from "./embedded-store.js";
import { generateSyntheticCorpus } from "./synthetic-data.js";
import { createBundledTerminology } from "./terminology.js";
import { validateResource } from "../validation/validate.js";

const store = createEmbeddedFhirStore();

describe("synthetic corpus", () => {
  it("is deterministic for a seed and differs across seeds", () => {
    const a = generateSyntheticCorpus({ seed: 7, patients: 5 });
    const b = generateSyntheticCorpus({ seed: 7, patients: 5 });
    const c = generateSyntheticCorpus({ seed: 8, patients: 5 });
    expect(JSON.stringify(a.resources)).toBe(JSON.stringify(b.resources));
    expect(JSON.stringify(a.resources)).not.toBe(JSON.stringify(c.resources));
  });

  it("has at least 50 patients with linked clinical resources of every kind", () => {
    const patients = store.all("Patient");
    expect(patients.length).toBeGreaterThanOrEqual(50);
    for (const type of ["Encounter", "Condition", "Observation", "MedicationRequest", "AllergyIntolerance", "Immunization", "Procedure"]) {
      const resources = store.all(type);
      expect(resources.length, type).toBeGreaterThan(0);
      for (const resource of resources.slice(0, 50)) {
        const reference = ((resource as any).subject ?? (resource as any).patient).reference as string;
        expect(store.get("Patient", reference.split("/")[1]!), `${type} → ${reference}`).toBeDefined();
      }
    }
    const labs = store.all("Observation").filter((o: any) => o.category[0].coding[0].code === "laboratory");
    expect(labs.length).toBeGreaterThan(100);
  });

  it("uses only codes the bundled terminology knows, and every resource validates", () => {
    const terminology = createBundledTerminology();
    const systems = new Set(["http://loinc.org", "http://snomed.info/sct", "http://www.nlm.nih.gov/research/umls/rxnorm", "http://hl7.org/fhir/sid/cvx"]);
    for (const type of ["Condition", "Observation", "MedicationRequest", "AllergyIntolerance", "Immunization", "Procedure", "Encounter"]) {
      for (const resource of store.all(type) as any[]) {
        const concept = resource.code ?? resource.vaccineCode ?? resource.medicationCodeableConcept ?? resource.type[0];
        for (const coding of concept.coding) if (systems.has(coding.system)) expect(terminology.lookup(coding.system, coding.code)?.display).toBe(coding.display);
      }
    }
    const invalid = store.types().flatMap((type) => store.all(type)).filter((resource) => validateResource(resource).some((issue) => issue.severity === "error"));
    expect(invalid.map((resource) => `${resource.resourceType}/${resource.id}: ${JSON.stringify(validateResource(resource)[0])}`)).toEqual([]);
  });
});

describe("embedded search", () => {
  it("filters by patient, code, category and date range, and sorts", async () => {
    const page = await store.search("Observation", { patient: "Patient/patient-002", code: "http://loinc.org|8867-4", date: ["ge2019-01-01", "le2025-12-31"], _sort: "-date" }, { count: 100 });
    expect(page.resources.length).toBeGreaterThan(0);
    const dates = page.resources.map((o: any) => o.effectiveDateTime as string);
    expect([...dates].sort().reverse()).toEqual(dates);
    expect(page.resources.every((o: any) => o.subject.reference === "Patient/patient-002" && o.code.coding[0].code === "8867-4")).toBe(true);
    const vitals = await store.search("Observation", { subject: "patient-002", category: "laboratory" }, { count: 100 });
    expect(vitals.resources.every((o: any) => o.category[0].coding[0].code === "laboratory")).toBe(true);
  });

  it("pages with a next position until the total is reached", async () => {
    const seen = new Set<string>();
    let page: string | undefined;
    let total = 0;
    do {
      const result = await store.search("Condition", {}, { count: 25, ...(page ? { page } : {}) });
      total = result.total ?? 0;
      for (const resource of result.resources) seen.add(resource.id!);
      page = result.next;
    } while (page);
    expect(seen.size).toBe(total);
    expect(total).toBe(store.all("Condition").length);
  });

  it("adds _include and _revinclude resources", async () => {
    const included = await store.search("Observation", { patient: "patient-003", _include: "Observation:encounter" }, { count: 5 });
    expect(included.included.length).toBeGreaterThan(0);
    expect(included.included.every((resource) => resource.resourceType === "Encounter")).toBe(true);
    const reverse = await store.search("Patient", { _id: "patient-003", _revinclude: "Condition:patient" }, { count: 1 });
    expect(reverse.included.every((resource) => resource.resourceType === "Condition")).toBe(true);
  });

  it("refuses unknown search parameters naming the field", async () => {
    await expect(store.search("Observation", { colour: "blue" }, { count: 5 })).rejects.toMatchObject({ code: "UNSUPPORTED_SEARCH_PARAMETER", field: "params.colour" });
  });

  it("returns a patient's compartment from $everything, filtered by type and date", async () => {
    const all = await store.everything("patient-004", { count: 500 });
    expect(all.resources[0]?.resourceType).toBe("Patient");
    expect(new Set(all.resources.map((resource) => resource.resourceType)).size).toBeGreaterThan(3);
    const conditions = await store.everything("patient-004", { types: ["Condition"], count: 500 });
    expect(conditions.resources.every((resource) => resource.resourceType === "Condition")).toBe(true);
    const recent = await store.everything("patient-004", { types: ["Observation"], start: "2024-01-01", count: 500 });
    expect(recent.resources.every((resource: any) => resource.effectiveDateTime >= "2024-01-01")).toBe(true);
  });
});
