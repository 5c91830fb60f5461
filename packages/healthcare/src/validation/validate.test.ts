import { describe, expect, it } from "vitest";
import { HL7_R4_EXAMPLES } from "../__fixtures__/hl7-r4-examples.js";
import { groupIssues, validateResource } from "./validate.js";

describe("validateResource", () => {
  it("accepts the official HL7 R4 examples", () => {
    for (const example of HL7_R4_EXAMPLES) expect(validateResource(example), `${example.resourceType}/${example.id}`).toEqual([]);
  });

  it("catches the required gender binding, bad calendar dates and unknown elements", () => {
    const issues = validateResource({ resourceType: "Patient", gender: "banana", foo: 1, birthDate: "1990-13-45" });
    expect(issues.map((issue) => [issue.code, issue.path])).toEqual(
      expect.arrayContaining([
        ["code-invalid", "Patient.gender"],
        ["structure", "Patient.foo"],
        ["value", "Patient.birthDate"],
      ]),
    );
  });

  it("catches missing required elements, wrong cardinality, double choices and bad narrative", () => {
    const issues = validateResource({
      resourceType: "Observation",
      code: [{ text: "x" }],
      valueString: "a",
      valueQuantity: { value: 1 },
      text: { status: "generated", div: "<p>no div</p>" },
    });
    const codes = issues.map((issue) => `${issue.code} ${issue.path}`);
    expect(codes).toEqual(expect.arrayContaining(["required Observation.status", "structure Observation.code", "structure Observation.value[x]", "value Observation.text.div"]));
  });

  it("checks February 29 against leap years and required CodeableConcept bindings", () => {
    expect(validateResource({ resourceType: "Patient", birthDate: "2024-02-29" })).toEqual([]);
    expect(validateResource({ resourceType: "Patient", birthDate: "2023-02-29" })).toHaveLength(1);
    const condition = validateResource({ resourceType: "Condition", subject: { reference: "Patient/1" }, clinicalStatus: { coding: [{ code: "sort-of" }] } });
    expect(condition).toEqual([expect.objectContaining({ code: "code-invalid", path: "Condition.clinicalStatus" })]);
  });

  it("groups repeated issues and caps the groups", () => {
    const issues = validateResource({ resourceType: "Patient", telecom: Array.from({ length: 5 }, () => ({ system: "pigeon" })), a: 1, b: 2 });
    const { groups, truncated } = groupIssues(issues, 1);
    expect(truncated).toBe(true);
    expect(groups[0]).toMatchObject({ count: 5, message: "the code is not in the required value set" });
    expect(groups[0]!.paths).toHaveLength(3);
  });

  it("reads the _x sibling of a repeating primitive as an aligned array with nulls (R4 JSON §2.6.2)", () => {
    const qualifier = { extension: [{ url: "http://hl7.org/fhir/StructureDefinition/iso21090-EN-qualifier", valueCode: "MID" }] };
    const houseNumber = { extension: [{ url: "http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-houseNumber", valueString: "534" }] };
    // Accepted: values with nulls where only the sibling has content, siblings with nulls where only the value has.
    expect(validateResource({ resourceType: "Patient", name: [{ family: "Chalmers", given: ["Peter", "James"], _given: [null, qualifier] }] })).toEqual([]);
    expect(validateResource({ resourceType: "Patient", name: [{ family: "Chalmers", given: ["Peter", null], _given: [null, qualifier] }] })).toEqual([]);
    expect(validateResource({ resourceType: "Patient", name: [{ family: "Chalmers", _given: [qualifier] }] })).toEqual([]);
    expect(validateResource({ resourceType: "Patient", address: [{ line: ["534 Erewhon St"], _line: [houseNumber], city: "PleasantVille" }] })).toEqual([]);
    expect(validateResource({ resourceType: "AllergyIntolerance", patient: { reference: "Patient/1" }, category: ["food", "medication"], _category: [qualifier, null] })).toEqual([]);
    // Rejected: an object for a repeating primitive, an array for a single one, misaligned arrays, empty positions.
    const paths = (resource: unknown) => validateResource(resource).map((issue) => `${issue.path}: ${issue.message}`);
    expect(paths({ resourceType: "Patient", name: [{ given: ["Peter"], _given: qualifier }] })).toEqual(["Patient.name[0]._given: the _ sibling of a repeating primitive must be an array aligned with its values"]);
    expect(paths({ resourceType: "Patient", birthDate: "1974-12-25", _birthDate: [qualifier] })).toEqual(["Patient._birthDate: the _ sibling of a single primitive must be an object"]);
    expect(paths({ resourceType: "Patient", name: [{ given: ["Peter", "James"], _given: [qualifier] }] })).toEqual(["Patient.name[0]._given: the _ sibling of a repeating primitive must have as many items as its values"]);
    expect(paths({ resourceType: "Patient", name: [{ given: ["Peter", null], _given: [qualifier, null] }] })).toEqual(expect.arrayContaining(["Patient.name[0]._given[1]: a repeating primitive needs a value or an _ sibling at each position", "Patient.name[0].given[1]: null is not allowed"]));
    expect(paths({ resourceType: "Patient", name: [{ given: [null] }] })).toEqual(["Patient.name[0].given[0]: null is not allowed"]);
    expect(paths({ resourceType: "Patient", name: [{ _given: [{ foo: 1 }] }] })).toEqual(["Patient.name[0]._given[0].foo: unknown element"]);
  });

  it("checks every required choice element of the served types", () => {
    const request = { resourceType: "MedicationRequest", status: "active", intent: "order", subject: { reference: "Patient/1" } };
    expect(validateResource(request)).toEqual([expect.objectContaining({ code: "required", path: "MedicationRequest.medication[x]" })]);
    expect(validateResource({ ...request, medicationReference: { reference: "Medication/1" } })).toEqual([]);
    expect(validateResource({ ...request, medicationCodeableConcept: { text: "x" }, substitution: { reason: { text: "x" } } })).toEqual([expect.objectContaining({ path: "MedicationRequest.substitution.allowed[x]" })]);
    expect(validateResource({ ...request, medicationCodeableConcept: { text: "x" }, substitution: { allowedBoolean: true } })).toEqual([]);
    const immunization = { resourceType: "Immunization", status: "completed", vaccineCode: { text: "x" }, patient: { reference: "Patient/1" } };
    expect(validateResource(immunization)).toEqual([expect.objectContaining({ code: "required", path: "Immunization.occurrence[x]" })]);
    expect(validateResource({ ...immunization, occurrenceString: "last spring" })).toEqual([]);
    const absent = { extension: [{ url: "http://hl7.org/fhir/StructureDefinition/data-absent-reason", valueCode: "unknown" }] };
    expect(validateResource({ ...immunization, _occurrenceDateTime: absent })).toEqual([]);
    expect(validateResource({ ...immunization, occurrenceString: "x", protocolApplied: [{ series: "2-dose" }] })).toEqual([expect.objectContaining({ path: "Immunization.protocolApplied[0].doseNumber[x]" })]);
    expect(validateResource({ ...immunization, occurrenceString: "x", protocolApplied: [{ doseNumberPositiveInt: 1, doseNumberString: "one" }] })).toEqual([expect.objectContaining({ path: "Immunization.protocolApplied[0].doseNumber[x]", message: "only one choice of this element is allowed" })]);
    expect(validateResource({ resourceType: "Condition", subject: { reference: "Patient/1" }, note: [{ text: "x", authorString: "a", authorReference: { reference: "Practitioner/1" } }] })).toEqual([expect.objectContaining({ path: "Condition.note[0].author[x]" })]);
  });
});
