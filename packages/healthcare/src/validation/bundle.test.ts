import { describe, expect, it } from "vitest";
import { BUNDLE_DOCUMENT, BUNDLE_MESSAGE, BUNDLE_REFERENCES, BUNDLE_SEARCHSET, BUNDLE_TRANSACTION, BUNDLE_TRANSACTION_RESPONSE } from "../__fixtures__/hl7-r4-bundles.js";
import { validateResource } from "./validate.js";

const errors = (resource: unknown) => validateResource(resource).filter((issue) => issue.severity === "error");
const found = (resource: unknown) => errors(resource).map((issue) => `${issue.path}: ${issue.message.split(":")[0]}`);
const clone = <T>(value: T): T => structuredClone(value);

describe("Bundle validation (R4 bundle.html)", () => {
  it.each([
    ["searchset", BUNDLE_SEARCHSET],
    ["transaction", BUNDLE_TRANSACTION],
    ["transaction-response", BUNDLE_TRANSACTION_RESPONSE],
    ["collection with every reference-resolution path", BUNDLE_REFERENCES],
    ["document", BUNDLE_DOCUMENT],
    ["message", BUNDLE_MESSAGE],
  ])("accepts the R4 %s example", (_label, bundle) => {
    expect(errors(bundle)).toEqual([]);
    // Types the server does not validate in depth are said so, never silently passed.
    for (const issue of validateResource(bundle)) expect(issue).toMatchObject({ severity: "warning", code: "not-supported" });
  });

  it("no longer reports a Bundle as not supported, and validates each entry by its own type", () => {
    const bundle = clone(BUNDLE_SEARCHSET) as any;
    bundle.entry[0].resource.status = "maybe";
    delete bundle.entry[0].resource.medicationReference;
    bundle.entry[0].resource.foo = 1;
    expect(found(bundle)).toEqual(
      expect.arrayContaining([
        "Bundle.entry[0].resource.MedicationRequest.status: the code is not in the required value set",
        "Bundle.entry[0].resource.MedicationRequest.medication[x]: required choice element is missing",
        "Bundle.entry[0].resource.MedicationRequest.foo: unknown element",
      ]),
    );
    expect(validateResource({ resourceType: "Bundle" })).toEqual([expect.objectContaining({ code: "required", path: "Bundle.type" })]);
    expect(found({ resourceType: "Bundle", type: "bag" })).toEqual(["Bundle.type: the code is not in the required value set"]);
    // Bundle is a Resource, not a DomainResource: no narrative, extensions or contained resources.
    expect(found({ resourceType: "Bundle", type: "collection", text: { status: "generated", div: "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>" } })).toEqual(["Bundle.text: unknown element"]);
  });

  it("checks the bdl invariants", () => {
    expect(found({ ...clone(BUNDLE_REFERENCES), total: 6 })).toContain("Bundle.total: bdl-1");
    const searchInCollection = clone(BUNDLE_REFERENCES) as any;
    searchInCollection.entry[0].search = { mode: "match" };
    expect(found(searchInCollection)).toContain("Bundle.entry[0].search: bdl-2");
    const transaction = clone(BUNDLE_TRANSACTION) as any;
    delete transaction.entry[2].request;
    expect(found(transaction)).toContain("Bundle.entry[2].request: bdl-3");
    const requestInCollection = clone(BUNDLE_REFERENCES) as any;
    requestInCollection.entry[0].request = { method: "GET", url: "Patient/23" };
    expect(found(requestInCollection)).toContain("Bundle.entry[0].request: bdl-3");
    const response = clone(BUNDLE_TRANSACTION_RESPONSE) as any;
    delete response.entry[1].response;
    expect(found(response)).toEqual(expect.arrayContaining(["Bundle.entry[1].response: bdl-4", "Bundle.entry[1].resource: bdl-5"]));
    const duplicate = clone(BUNDLE_REFERENCES) as any;
    duplicate.entry.push(clone(duplicate.entry[0]));
    expect(found(duplicate)).toContain("Bundle.entry[6].fullUrl: bdl-7");
    // Same fullUrl with different versions is allowed.
    const versions = clone(BUNDLE_REFERENCES) as any;
    versions.entry[0].resource.meta = { versionId: "1" };
    versions.entry.push({ ...clone(versions.entry[0]), resource: { ...clone(versions.entry[0].resource), meta: { versionId: "2" } } });
    expect(errors(versions)).toEqual([]);
    const versioned = clone(BUNDLE_REFERENCES) as any;
    versioned.entry[2].fullUrl = "http://example.org/fhir/Observation/123/_history/2";
    expect(found(versioned)).toContain("Bundle.entry[2].fullUrl: bdl-8");
    const document = clone(BUNDLE_DOCUMENT) as any;
    delete document.identifier.system;
    delete document.timestamp;
    document.entry.reverse();
    expect(found(document)).toEqual(expect.arrayContaining(["Bundle.identifier: bdl-9", "Bundle.timestamp: bdl-10", "Bundle.entry[0]: bdl-11"]));
    const message = clone(BUNDLE_MESSAGE) as any;
    message.entry.unshift({ fullUrl: "urn:uuid:0a4dcd2b-3c08-4a49-a3e4-29c1b2c4b1fe", resource: { resourceType: "Patient", gender: "male" } });
    expect(found(message)).toContain("Bundle.entry[0]: bdl-12");
  });

  it("checks fullUrl: absolute, well-formed urn:uuid / urn:oid, and agreeing with the resource id", () => {
    const bundle = clone(BUNDLE_REFERENCES) as any;
    bundle.entry[0].fullUrl = "Patient/23";
    bundle.entry[1].fullUrl = "urn:uuid:04121321-4AF5-424C-A0E1-ED3AAB1C349D";
    bundle.entry[2].fullUrl = "http://example.org/fhir/Observation/999";
    bundle.entry[3].fullUrl = "urn:oid:1.2.x";
    expect(found(bundle)).toEqual(
      expect.arrayContaining([
        "Bundle.entry[0].fullUrl: fullUrl must be an absolute URL, a urn",
        "Bundle.entry[1].fullUrl: a urn",
        "Bundle.entry[2].fullUrl: fullUrl disagrees with the resource's type and id",
        "Bundle.entry[3].fullUrl: a urn",
      ]),
    );
    expect(errors({ resourceType: "Bundle", type: "collection", entry: [{ fullUrl: "urn:oid:2.16.840.1.113883.3.72.5.9.1", resource: { resourceType: "Patient", gender: "other" } }] })).toEqual([]);
  });

  it("checks entry.request in transactions and batches", () => {
    const bundle = clone(BUNDLE_TRANSACTION) as any;
    delete bundle.entry[0].resource; // POST without a resource
    bundle.entry[1].request.url = "Observation"; // POST url names another type
    bundle.entry[2].request.url = "Patient/999"; // PUT url disagrees with the id
    bundle.entry[5].resource = { resourceType: "Patient", gender: "male" }; // DELETE with a resource
    bundle.entry[8].request.url = "http://other.example/fhir/Patient?name=peter"; // absolute url
    bundle.entry[9].request.method = "FETCH";
    expect(found(bundle)).toEqual(
      expect.arrayContaining([
        "Bundle.entry[0].resource: a POST entry needs a resource",
        "Bundle.entry[1].request.url: a POST entry's url is the resource type it creates",
        "Bundle.entry[2].request.url: a PUT entry's url must name the resource's type (and id)",
        "Bundle.entry[5].resource: a DELETE entry carries no resource",
        "Bundle.entry[8].request.url: request.url is relative to the server base (e.g. Patient or Patient/123)",
        "Bundle.entry[9].request.method: the code is not in the required value set",
      ]),
    );
    const batch = { ...clone(BUNDLE_TRANSACTION), type: "batch" } as any;
    delete batch.entry[3].request.url;
    expect(found(batch)).toEqual(["Bundle.entry[3].request.url: required element is missing"]);
  });

  it("requires urn references, and a document Composition's references, to resolve inside the bundle", () => {
    const bundle = clone(BUNDLE_REFERENCES) as any;
    bundle.entry[4].resource.subject.reference = "urn:uuid:11111111-2222-4333-8444-555555555555";
    expect(found(bundle)).toEqual(["Bundle.entry[4].resource.subject.reference: a urn reference must resolve to an entry's fullUrl in the bundle"]);
    const transaction = clone(BUNDLE_TRANSACTION) as any;
    transaction.entry.push({ fullUrl: "urn:uuid:5a7f1b0e-7f4c-4e0b-9f3e-2b8f6c1d2e3a", resource: { resourceType: "Observation", status: "final", code: { text: "x" }, subject: { reference: "urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a" } }, request: { method: "POST", url: "Observation" } });
    expect(errors(transaction)).toEqual([]);
    transaction.entry.at(-1).resource.subject.reference = "urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0b";
    expect(found(transaction)).toEqual([`Bundle.entry[${transaction.entry.length - 1}].resource.subject.reference: a urn reference must resolve to an entry's fullUrl in the bundle`]);
    const document = clone(BUNDLE_DOCUMENT) as any;
    document.entry[0].resource.encounter = { reference: "Encounter/visit-1" };
    expect(found(document)).toEqual(["Bundle.entry[0].resource.encounter.reference: a reference of the document's Composition must resolve to an entry of the bundle"]);
  });

  it("bounds nesting so a hostile bundle cannot exhaust the stack", () => {
    let bundle: any = { resourceType: "Patient" };
    for (let depth = 0; depth < 5000; depth++) bundle = { resourceType: "Bundle", type: "collection", entry: [{ resource: bundle }] };
    expect(errors(bundle).some((issue) => issue.message.startsWith("resources nest deeper than"))).toBe(true);
  });
});
