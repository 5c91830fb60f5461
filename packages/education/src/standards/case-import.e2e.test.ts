import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getApproval } from "@mcp-verticals/core";
import { ALL_WRITES, call, callError, declaringClient, operatorDecides, testRuntime, TEST_NOW } from "../__fixtures__/harness.js";
import { fetchCasePackage, parseCasePackage, readCasePackageFile } from "./case-import.js";

// A CASE 1.1 package written for this test from the CASE 1.1 information model: every
// CFDefinitions list, sequenceNumber, CFItemTypeURI, notes, and a provider extension.
const DOC = "8f0a2c4e-1b3d-4e5f-9a7b-0c1d2e3f4a5b";
const link = (title: string, identifier: string, path: string) => ({ title, identifier, uri: `https://case.example.org/ims/case/v1p1/${path}/${identifier}` });
const item = (n: number, code: string, statement: string) => ({
  identifier: `a1b2c3d4-0000-4000-8000-00000000000${n}`,
  uri: `https://case.example.org/ims/case/v1p1/CFItems/a1b2c3d4-0000-4000-8000-00000000000${n}`,
  fullStatement: statement,
  humanCodingScheme: code,
  CFItemType: "Standard",
  CFItemTypeURI: link("Standard", "c0c0c0c0-1111-4111-8111-111111111111", "CFItemTypes"),
  educationLevel: ["07", "08"],
  notes: `Note ${n}: taught with manipulatives.`,
  conceptKeywords: ["ratio"],
  language: "en",
  lastChangeDateTime: "2025-03-01T12:00:00+00:00",
  CFDocumentURI: link("Ratios framework", DOC, "CFDocuments"),
  extensions: { "https://case.example.org/ext/difficulty": 2 },
});
export const RATIOS_PACKAGE = {
  CFDocument: {
    identifier: DOC,
    uri: `https://case.example.org/ims/case/v1p1/CFDocuments/${DOC}`,
    frameworkType: "State Standards",
    caseVersion: "1.1",
    creator: "Example State Department of Education",
    title: "Ratios framework",
    lastChangeDateTime: "2025-03-01T12:00:00+00:00",
    officialSourceURL: "https://standards.example.org/ratios",
    publisher: "Example State",
    subject: ["Mathematics"],
    subjectURI: [link("Mathematics", "d0d0d0d0-2222-4222-8222-222222222222", "CFSubjects")],
    language: "en",
    version: "2025",
    adoptionStatus: "Adopted",
    statusStartDate: "2025-01-01",
    licenseURI: link("CC BY 4.0", "e0e0e0e0-3333-4333-8333-333333333333", "CFLicenses"),
    notes: "Adopted by the state board in January 2025.",
    CFPackageURI: link("Ratios framework", DOC, "CFPackages"),
  },
  CFItems: [item(1, "RP.1", "Understand the concept of a ratio."), item(2, "RP.2", "Use unit rates to solve ratio problems.")],
  CFAssociations: [1, 2].map((n) => ({
    identifier: `b1b2b3b4-0000-4000-8000-00000000000${n}`,
    uri: `https://case.example.org/ims/case/v1p1/CFAssociations/b1b2b3b4-0000-4000-8000-00000000000${n}`,
    associationType: "isChildOf",
    sequenceNumber: n,
    originNodeURI: { ...link(`RP.${n}`, `a1b2c3d4-0000-4000-8000-00000000000${n}`, "CFItems"), targetType: "CFItem" },
    destinationNodeURI: link("Ratios framework", DOC, "CFDocuments"),
    CFAssociationGroupingURI: link("Progression", "f0f0f0f0-4444-4444-8444-444444444444", "CFAssociationGroupings"),
    notes: "Hierarchy.",
    lastChangeDateTime: "2025-03-01T12:00:00+00:00",
    CFDocumentURI: link("Ratios framework", DOC, "CFDocuments"),
  })),
  CFDefinitions: {
    CFConcepts: [{ identifier: "c1c1c1c1-5555-4555-8555-555555555555", uri: "https://case.example.org/ims/case/v1p1/CFConcepts/c1", title: "Proportional reasoning", keywords: "ratio,rate", hierarchyCode: "1", lastChangeDateTime: "2025-03-01T12:00:00+00:00" }],
    CFSubjects: [{ identifier: "d0d0d0d0-2222-4222-8222-222222222222", uri: "https://case.example.org/ims/case/v1p1/CFSubjects/d0", title: "Mathematics", hierarchyCode: "MATH", lastChangeDateTime: "2025-03-01T12:00:00+00:00" }],
    CFLicenses: [{ identifier: "e0e0e0e0-3333-4333-8333-333333333333", uri: "https://case.example.org/ims/case/v1p1/CFLicenses/e0", title: "CC BY 4.0", licenseText: "Creative Commons Attribution 4.0", lastChangeDateTime: "2025-03-01T12:00:00+00:00" }],
    CFItemTypes: [{ identifier: "c0c0c0c0-1111-4111-8111-111111111111", uri: "https://case.example.org/ims/case/v1p1/CFItemTypes/c0", title: "Standard", description: "A standard.", hierarchyCode: "1", typeCode: "standard", lastChangeDateTime: "2025-03-01T12:00:00+00:00" }],
    CFAssociationGroupings: [{ identifier: "f0f0f0f0-4444-4444-8444-444444444444", uri: "https://case.example.org/ims/case/v1p1/CFAssociationGroupings/f0", title: "Progression", lastChangeDateTime: "2025-03-01T12:00:00+00:00" }],
  },
};

describe("CASE 1.1 packages", () => {
  it("keeps the whole model: CFDefinitions, sequenceNumber, CFItemTypeURI, notes and extensions", () => {
    expect(parseCasePackage(structuredClone(RATIOS_PACKAGE))).toEqual(RATIOS_PACKAGE);
  });

  it("refuses invalid packages naming the path", () => {
    const duplicate = { ...RATIOS_PACKAGE, CFItems: [RATIOS_PACKAGE.CFItems[0], RATIOS_PACKAGE.CFItems[0]] };
    expect(() => parseCasePackage(duplicate)).toThrow(expect.objectContaining({ code: "CASE_INVALID", field: "CFItems.1.identifier" }));
    const badType = { ...RATIOS_PACKAGE, CFAssociations: [{ ...RATIOS_PACKAGE.CFAssociations[0], associationType: "isCousinOf" }] };
    expect(() => parseCasePackage(badType)).toThrow(expect.objectContaining({ code: "CASE_INVALID", field: "CFAssociations.0.associationType" }));
    expect(() => parseCasePackage({ CFItems: [] })).toThrow(expect.objectContaining({ field: "CFDocument" }));
  });

  it("reads a package file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "case-"));
    try {
      await writeFile(join(dir, "ratios.json"), JSON.stringify(RATIOS_PACKAGE));
      expect((await readCasePackageFile(join(dir, "ratios.json"))).CFDefinitions?.CFItemTypes?.[0]?.typeCode).toBe("standard");
      await writeFile(join(dir, "broken.json"), "{");
      await expect(readCasePackageFile(join(dir, "broken.json"))).rejects.toMatchObject({ code: "CASE_INVALID", field: "file" });
      await expect(readCasePackageFile(join(dir, "missing.json"))).rejects.toMatchObject({ code: "CASE_INVALID", field: "file" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("CASE 1.1 provider import over HTTP", () => {
  let server: Server;
  let origin: string;
  const requests: string[] = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      requests.push(`${request.method} ${request.url} ${request.headers.accept}`);
      if (request.url === `/ims/case/v1p1/CFPackages/${DOC}`) {
        response.writeHead(200, { "Content-Type": "application/json" });
        response.end(JSON.stringify(RATIOS_PACKAGE));
      } else if (request.url?.startsWith("/ims/case/v1p1/CFPackages/moved")) {
        response.writeHead(302, { Location: "http://169.254.169.254/latest/meta-data" });
        response.end();
      } else {
        response.writeHead(404, { "Content-Type": "application/json" });
        response.end(JSON.stringify({ imsx_codeMajor: "failure", imsx_severity: "error", imsx_description: "not found" }));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("fetches only from allowlisted providers, refuses redirects, and maps 404", async () => {
    const url = `${origin}/ims/case/v1p1/CFPackages/${DOC}`;
    expect((await fetchCasePackage(url, { allowedOrigins: [origin] })).CFItems).toHaveLength(2);
    expect(requests.at(-1)).toBe(`GET /ims/case/v1p1/CFPackages/${DOC} application/json`);
    await expect(fetchCasePackage(url, { allowedOrigins: ["http://127.0.0.1:1"] })).rejects.toMatchObject({ code: "CASE_PROVIDER_NOT_ALLOWED", field: "url" });
    await expect(fetchCasePackage(`${origin}/ims/case/v1p1/CFPackages/nope`, { allowedOrigins: [origin] })).rejects.toMatchObject({ code: "CASE_NOT_FOUND" });
    await expect(fetchCasePackage(`${origin}/ims/case/v1p1/CFPackages/moved`, { allowedOrigins: [origin] })).rejects.toMatchObject({ code: "CASE_PROVIDER_FAILED" });
    await expect(fetchCasePackage(`${origin}/admin/secrets`, { allowedOrigins: [origin] })).rejects.toMatchObject({ code: "CASE_INVALID", field: "url" });
  });

  it("imports through edu_import_framework once a human approved it, after which the statements are searchable", async () => {
    const runtime = testRuntime({ settings: ALL_WRITES, caseProviders: [origin] });
    const { client, close } = await declaringClient(runtime);
    try {
      const url = `${origin}/ims/case/v1p1/CFPackages/${DOC}`;
      const pending = await callError(client, "edu_import_framework", { url });
      expect(pending.code).toBe("APPROVAL_PENDING");
      expect(runtime.store.listCasePackages().some((pkg) => pkg.CFDocument.identifier === DOC)).toBe(false);
      expect(await operatorDecides(runtime.state, "approve", String(pending.data!.approvalId))).toBe(0);
      expect(await call(client, "edu_import_framework", { url })).toMatchObject({ status: "written", frameworkId: DOC, items: 2, associations: 2, definitions: 5 });
      const stored = runtime.store.listCasePackages().find((pkg) => pkg.CFDocument.identifier === DOC)!;
      expect(stored).toEqual(RATIOS_PACKAGE);
      const found = await call(client, "edu_search_outcomes", { query: "unit rates" });
      expect(found.outcomes.map((o: { humanCodingScheme: string }) => o.humanCodingScheme)).toEqual(["RP.2"]);
      // From a file's content too; and the URL path fails closed without a configured provider.
      const fromJson = await callError(client, "edu_import_framework", { json: JSON.stringify({ ...RATIOS_PACKAGE, CFDocument: { ...RATIOS_PACKAGE.CFDocument, title: "Ratios framework v2" } }) });
      expect(fromJson.code).toBe("APPROVAL_PENDING");
      expect((await getApproval(runtime.state, String(fromJson.data!.approvalId), TEST_NOW))!.preview).toContain("Replace this CASE framework?");
      expect(await callError(client, "edu_import_framework", { json: "{" })).toMatchObject({ code: "CASE_INVALID", field: "json" });
      runtime.as({ id: "s-0001", scopes: [], roles: ["student"] });
      expect((await callError(client, "edu_import_framework", { url })).code).toBe("FORBIDDEN");
    } finally {
      await close();
      await runtime.close();
    }
    const closed = testRuntime({ settings: ALL_WRITES });
    const plain = await declaringClient(closed);
    try {
      expect(await callError(plain.client, "edu_import_framework", { url: `${origin}/ims/case/v1p1/CFPackages/${DOC}` })).toMatchObject({ code: "CASE_PROVIDER_NOT_ALLOWED" });
    } finally {
      await plain.close();
      await closed.close();
    }
  });
});
