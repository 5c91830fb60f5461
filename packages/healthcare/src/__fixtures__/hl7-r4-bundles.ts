/**
 * Bundles reconstructed by hand from the FHIR R4 (4.0.1) specification's examples and text:
 * `bundle-example` (a searchset with an include), `bundle-transaction` (POST with urn:uuid and
 * ifNoneExist, PUT, conditional PUT and DELETE, GET, an operation), `bundle-response` (its
 * transaction-response), `bundle-references` (the reference-resolution paths of §2.36.4.1), and a
 * minimal document and message shaped as documents.html and messaging.html describe.
 * Narratives are shortened; resources the package does not validate in depth (Medication,
 * Composition, MessageHeader, OperationOutcome, Parameters) are kept as published.
 */

const div = (text: string) => `<div xmlns="http://www.w3.org/1999/xhtml"><p>${text}</p></div>`;

export const BUNDLE_SEARCHSET = {
  resourceType: "Bundle",
  id: "bundle-example",
  meta: { lastUpdated: "2014-08-18T01:43:30Z", tag: [{ system: "http://terminology.hl7.org/CodeSystem/v3-ActReason", code: "HTEST", display: "test health data" }] },
  type: "searchset",
  total: 3,
  link: [
    { relation: "self", url: "https://example.com/base/MedicationRequest?patient=347&_include=MedicationRequest.medication&_count=2" },
    { relation: "next", url: "https://example.com/base/MedicationRequest?patient=347&searchId=ff15fd40-ff71-4b48-b366-09c706bed9d0&page=2" },
  ],
  entry: [
    {
      fullUrl: "https://example.com/base/MedicationRequest/3123",
      resource: {
        resourceType: "MedicationRequest",
        id: "3123",
        text: { status: "generated", div: div("id: 3123, status: unknown, intent: order") },
        status: "unknown",
        intent: "order",
        medicationReference: { reference: "Medication/example" },
        subject: { reference: "Patient/347" },
      },
      search: { mode: "match", score: 1 },
    },
    {
      fullUrl: "https://example.com/base/Medication/example",
      resource: { resourceType: "Medication", id: "example", text: { status: "generated", div: div("id: example") } },
      search: { mode: "include" },
    },
  ],
};

export const BUNDLE_TRANSACTION = {
  resourceType: "Bundle",
  id: "bundle-transaction",
  meta: { lastUpdated: "2014-08-18T01:43:30Z" },
  type: "transaction",
  entry: [
    {
      fullUrl: "urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a",
      resource: {
        resourceType: "Patient",
        text: { status: "generated", div: div("Some narrative") },
        active: true,
        name: [{ use: "official", family: "Chalmers", given: ["Peter", "James"] }],
        gender: "male",
        birthDate: "1974-12-25",
      },
      request: { method: "POST", url: "Patient" },
    },
    {
      fullUrl: "urn:uuid:88f151c0-a954-468a-88bd-5ae15c08e059",
      resource: {
        resourceType: "Patient",
        text: { status: "generated", div: div("Some narrative") },
        identifier: [{ system: "http:/example.org/fhir/ids", value: "234234" }],
        active: true,
        name: [{ use: "official", family: "Chalmers", given: ["Peter", "James"] }],
        gender: "male",
        birthDate: "1974-12-25",
      },
      request: { method: "POST", url: "Patient", ifNoneExist: "identifier=http:/example.org/fhir/ids|234234" },
    },
    {
      fullUrl: "http://example.org/fhir/Patient/123",
      resource: {
        resourceType: "Patient",
        id: "123",
        text: { status: "generated", div: div("Some narrative") },
        active: true,
        name: [{ use: "official", family: "Chalmers", given: ["Peter", "James"] }],
        gender: "male",
        birthDate: "1974-12-25",
      },
      request: { method: "PUT", url: "Patient/123" },
    },
    {
      fullUrl: "urn:uuid:74891afc-ed52-42a2-bcd7-f13d9b60f096",
      resource: {
        resourceType: "Patient",
        text: { status: "generated", div: div("Some narrative") },
        identifier: [{ system: "http:/example.org/fhir/ids", value: "456456" }],
        active: true,
        name: [{ use: "official", family: "Chalmers", given: ["Peter", "James"] }],
        gender: "male",
        birthDate: "1974-12-25",
      },
      request: { method: "PUT", url: "Patient?identifier=http:/example.org/fhir/ids|456456" },
    },
    {
      fullUrl: "http://example.org/fhir/Patient/123a",
      resource: {
        resourceType: "Patient",
        id: "123a",
        text: { status: "generated", div: div("Some narrative") },
        active: true,
        name: [{ use: "official", family: "Chalmers", given: ["Peter", "James"] }],
        gender: "male",
        birthDate: "1974-12-25",
      },
      request: { method: "PUT", url: "Patient/123a", ifMatch: 'W/"2"' },
    },
    { request: { method: "DELETE", url: "Patient/234" } },
    { request: { method: "DELETE", url: "Patient?identifier=123456" } },
    {
      fullUrl: "urn:uuid:79378cb8-8f58-48e8-a5e8-60ac2755b674",
      resource: { resourceType: "Parameters", parameter: [{ name: "coding", valueCoding: { system: "http://loinc.org", code: "1963-8" } }] },
      request: { method: "POST", url: "ValueSet/$lookup" },
    },
    { request: { method: "GET", url: "Patient?name=peter" } },
    { request: { method: "GET", url: "Patient/12334", ifNoneMatch: 'W/"4"', ifModifiedSince: "2015-08-31T08:14:33+10:00" } },
  ],
};

export const BUNDLE_TRANSACTION_RESPONSE = {
  resourceType: "Bundle",
  id: "bundle-response",
  meta: { lastUpdated: "2014-08-18T01:43:33Z" },
  type: "transaction-response",
  link: [{ relation: "self", url: "http://example.org/fhir/" }],
  entry: [
    {
      fullUrl: "http://example.org/fhir/Patient/12423",
      resource: { resourceType: "Patient", id: "12423", meta: { versionId: "1", lastUpdated: "2014-08-18T01:43:31.1Z" }, text: { status: "generated", div: div("Some narrative") }, active: true, name: [{ use: "official", family: "Chalmers", given: ["Peter", "James"] }], gender: "male", birthDate: "1974-12-25" },
      response: { status: "201 Created", location: "Patient/12423/_history/1", etag: 'W/"1"', lastModified: "2014-08-18T01:43:33Z", outcome: { resourceType: "OperationOutcome", issue: [{ severity: "warning", code: "not-found", details: { text: "The Managing organization was not known and was deleted" }, expression: ["Patient.managingOrganization"] }] } },
    },
    { response: { status: "200 OK" } },
    { response: { status: "200 OK", location: "Patient/123/_history/4", etag: 'W/"4"' } },
    { response: { status: "201 Created", location: "Patient/12424/_history/1", etag: 'W/"1"' } },
    { response: { status: "200 ok", location: "Patient/123a/_history/3", etag: 'W/"3"' } },
    { response: { status: "204 No Content" } },
    { response: { status: "404 Not Found" } },
    { fullUrl: "urn:uuid:7f9724ed-ef8d-4434-aacb-41869db83233", resource: { resourceType: "Parameters", parameter: [{ name: "name", valueString: "LOINC" }] }, response: { status: "200 ok" } },
    { response: { status: "200 OK" } },
    { response: { status: "304 Not Modified" } },
  ],
};

export const BUNDLE_REFERENCES = {
  resourceType: "Bundle",
  id: "bundle-references",
  type: "collection",
  entry: [
    { fullUrl: "http://example.org/fhir/Patient/23", resource: { resourceType: "Patient", id: "23", text: { status: "generated", div: div("Anonymous Patient (id: 1234567)") }, identifier: [{ system: "http://example.org/ids", value: "1234567" }] } },
    { fullUrl: "urn:uuid:04121321-4af5-424c-a0e1-ed3aab1c349d", resource: { resourceType: "Patient", text: { status: "generated", div: div("Anonymous Patient (id: 234234)") }, identifier: [{ system: "http://example.org/ids", value: "234234" }] } },
    {
      fullUrl: "http://example.org/fhir/Observation/123",
      resource: { resourceType: "Observation", id: "123", text: { status: "generated", div: div("Relative reference") }, status: "final", code: { text: "Some observation" }, subject: { reference: "Patient/23" } },
    },
    {
      fullUrl: "http://example.org/fhir/Observation/124",
      resource: { resourceType: "Observation", id: "124", text: { status: "generated", div: div("Absolute reference") }, status: "final", code: { text: "Some observation" }, subject: { reference: "http://example.org/fhir/Patient/23" } },
    },
    {
      fullUrl: "http://example.org/fhir/Observation/12",
      resource: { resourceType: "Observation", id: "12", text: { status: "generated", div: div("Reference to a UUID") }, status: "final", code: { text: "Some observation" }, subject: { reference: "urn:uuid:04121321-4af5-424c-a0e1-ed3aab1c349d" } },
    },
    {
      fullUrl: "http://example.org/fhir-2/Observation/14",
      resource: { resourceType: "Observation", id: "14", text: { status: "generated", div: div("Relative reference on another server") }, status: "final", code: { text: "Some observation" }, subject: { reference: "Patient/23" } },
    },
  ],
};

export const BUNDLE_DOCUMENT = {
  resourceType: "Bundle",
  id: "document-minimal",
  identifier: { system: "urn:ietf:rfc:3986", value: "urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0" },
  type: "document",
  timestamp: "2013-05-28T22:12:21Z",
  entry: [
    {
      fullUrl: "urn:uuid:180f219f-97a8-486d-99d9-ed631fe4fc57",
      resource: {
        resourceType: "Composition",
        status: "final",
        type: { coding: [{ system: "http://loinc.org", code: "28655-9" }], text: "Discharge Summary from Responsible Clinician" },
        subject: { reference: "urn:uuid:d3af67c9-0c02-45f2-bc91-fea45af3ee83" },
        date: "2013-02-01T12:30:02Z",
        author: [{ reference: "urn:uuid:a8b3d1e2-2f73-4f0a-8e2d-0c4f6b0e9a11" }],
        title: "Discharge Summary",
      },
    },
    { fullUrl: "urn:uuid:d3af67c9-0c02-45f2-bc91-fea45af3ee83", resource: { resourceType: "Patient", text: { status: "generated", div: div("Eve Everywoman") }, name: [{ text: "Eve Everywoman", family: "Everywoman1", given: ["Eve"] }], gender: "female", birthDate: "1955-01-06" } },
    { fullUrl: "urn:uuid:a8b3d1e2-2f73-4f0a-8e2d-0c4f6b0e9a11", resource: { resourceType: "Practitioner", text: { status: "generated", div: div("Doctor Dave") }, name: [{ family: "Cardinal", given: ["Dave"], prefix: ["Dr"] }] } },
  ],
};

export const BUNDLE_MESSAGE = {
  resourceType: "Bundle",
  id: "message-minimal",
  type: "message",
  timestamp: "2015-07-14T11:15:33+10:00",
  entry: [
    {
      fullUrl: "urn:uuid:267b18ce-3d37-4581-9baa-6fada338038b",
      resource: { resourceType: "MessageHeader", eventCoding: { system: "http://example.org/fhir/message-events", code: "patient-link" }, source: { endpoint: "http://example.org/clients/ehr-lite" } },
    },
  ],
};
