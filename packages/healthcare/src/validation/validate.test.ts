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
});
