import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Resource } from "@medplum/fhirtypes";
import { memoryStateStore, registerApprovalChannels, runApprovalsCommand } from "@mcp-verticals/core";
import { connectInProcess } from "@mcp-verticals/core/testing";
import { call, TEST_SECRET } from "../__fixtures__/harness.js";
import { runLeakScan } from "../__fixtures__/leak-scan.js";
import { serveMedplum, type RunningMedplum } from "../__fixtures__/medplum-fhir-server.js";
import { HEALTHCARE_EXTENSION_ID } from "../extension.js";
import { createHealthcareServer, createHealthcareServices } from "../server.js";
import { createEmbeddedFhirStore } from "./embedded-store.js";
import type { BackendPage, FhirBackend } from "./fhir-backend.js";
import { createRemoteFhirBackend } from "./remote-fhir.js";
import type { SearchParams } from "./search-engine.js";

/**
 * The remote backend against a FHIR implementation this project did not write: Medplum's
 * `@medplum/fhir-router` and in-memory repository over HTTP, loaded with the synthetic corpus.
 * Each behaviour is compared with the embedded store holding the same corpus. Medplum's router
 * has no `link[next]`, ignores `_include`/`_revinclude`, has no `Patient/$everything` and no
 * `/metadata`; the backend's fallbacks fill those gaps, and the request log shows they were used.
 */
const embedded = createEmbeddedFhirStore();
const corpus: Resource[] = embedded.types().flatMap((type) => embedded.all(type));
const ids = (resources: readonly Resource[]) => resources.map((resource) => `${resource.resourceType}/${resource.id}`).sort();

/** Every page of a search or `$everything`, followed through the opaque handles. */
async function allPages(first: () => Promise<BackendPage>, next: (page: string) => Promise<BackendPage>) {
  const pages: BackendPage[] = [];
  let page = await first();
  pages.push(page);
  while (page.next) {
    expect(page.next).not.toMatch(/https?:|127\.0\.0\.1/);
    page = await next(page.next);
    pages.push(page);
  }
  return { pages, resources: pages.flatMap((item) => item.resources), included: pages.flatMap((item) => item.included) };
}

const searchAll = (backend: FhirBackend, type: string, params: SearchParams, count: number) =>
  allPages(() => backend.search(type, params, { count }), (page) => backend.search(type, params, { count, page }));

describe("remote backend against Medplum's FHIR router on 127.0.0.1", () => {
  let medplum: RunningMedplum;
  let remote: FhirBackend;
  beforeAll(async () => {
    medplum = await serveMedplum(corpus);
    remote = createRemoteFhirBackend({ baseUrl: medplum.url });
  }, 120_000);
  afterAll(() => medplum?.close());

  it("reads the same resources as the embedded store", async () => {
    for (const [type, id] of [["Patient", "patient-002"], ["Observation", "observation-002-1"], ["Condition", "condition-001-1"], ["Practitioner", "practitioner-1"]] as const) {
      const ours = await embedded.read(type, id);
      const theirs = await remote.read(type, id);
      expect(ours, `${type}/${id}`).toBeDefined();
      const { meta: _ourMeta, ...ourRest } = ours as any;
      const { meta: _theirMeta, ...theirRest } = theirs as any;
      expect(theirRest, `${type}/${id}`).toEqual(ourRest);
    }
    expect(await remote.read("Patient", "nobody")).toBeUndefined();
  });

  it("pages a search to the same matches and total, by _offset since Medplum links no next page", async () => {
    const params = { patient: "Patient/patient-002", category: "laboratory" };
    const theirs = await searchAll(remote, "Observation", params, 4);
    const ours = await searchAll(embedded, "Observation", params, 4);
    expect(theirs.pages.length).toBeGreaterThan(2);
    expect(theirs.pages[0]!.total).toBe(ours.pages[0]!.total);
    expect(ids(theirs.resources)).toEqual(ids(ours.resources));
    expect(new Set(ids(theirs.resources)).size).toBe(theirs.resources.length);
    expect(medplum.requests.some((line) => line.includes("_offset=4"))).toBe(true);
    const females = await searchAll(remote, "Patient", { gender: "female" }, 7);
    expect(ids(females.resources)).toEqual(ids((await searchAll(embedded, "Patient", { gender: "female" }, 7)).resources));
  });

  it("resolves _include and _revinclude like the embedded store, by reads and searches Medplum answers", async () => {
    const params = { patient: "Patient/patient-003", _include: ["Observation:encounter", "Observation:patient"] };
    const theirs = await searchAll(remote, "Observation", params, 10);
    const ours = await searchAll(embedded, "Observation", params, 10);
    expect(theirs.included.length).toBeGreaterThan(1);
    expect([...new Set(ids(theirs.included))]).toEqual([...new Set(ids(ours.included))]);
    const reverse = { _id: "patient-003", _revinclude: "Condition:patient" };
    const theirReverse = await remote.search("Patient", reverse, { count: 5 });
    const ourReverse = await embedded.search("Patient", reverse, { count: 5 });
    expect(ids(theirReverse.included)).toEqual(ids(ourReverse.included));
    expect(ourReverse.included.length).toBeGreaterThan(0);
  });

  it("gathers Patient/$everything from type searches (Medplum has no $everything), with types and dates", async () => {
    for (const options of [{}, { types: ["Condition", "Immunization"] }, { start: "2023", end: "2024-06" }]) {
      const theirs = await allPages(() => remote.everything("patient-004", { ...options, count: 25 }), (page) => remote.everything("patient-004", { ...options, count: 25, page }));
      const ours = await allPages(() => embedded.everything("patient-004", { ...options, count: 25 }), (page) => embedded.everything("patient-004", { ...options, count: 25, page }));
      expect(theirs.pages[0]!.total, JSON.stringify(options)).toBe(ours.pages[0]!.total);
      expect(ids(theirs.resources), JSON.stringify(options)).toEqual(ids(ours.resources));
    }
    expect(medplum.requests.some((line) => line.startsWith("GET /Patient/patient-004/$everything"))).toBe(true);
    await expect(remote.everything("nobody", { count: 5 })).rejects.toMatchObject({ code: "NOT_FOUND" });
    // A record too large to gather is refused with a typed error, not cut short.
    const small = createRemoteFhirBackend({ baseUrl: medplum.url, everythingFallbackLimit: 10 });
    await expect(small.everything("patient-004", { count: 5 })).rejects.toMatchObject({ code: "OPERATION_NOT_SUPPORTED" });
  });

  it("assumes, and says it assumes, a CapabilityStatement, since Medplum's router serves no /metadata", async () => {
    const statement = await remote.capabilities();
    expect(statement.resourceType).toBe("CapabilityStatement");
    expect(statement.implementation?.description).toMatch(/^assumed/);
    expect(statement.rest?.[0]?.resource?.map((resource) => resource.type)).toContain("Observation");
  });

  it("writes like the embedded store: create assigns an id, update bumps the version, a missing id is NOT_FOUND", async () => {
    const created = await remote.create({ resourceType: "Observation", status: "preliminary", code: { text: "home reading" }, subject: { reference: "Patient/patient-006" } } as Resource);
    expect(created.id).toBeTypeOf("string");
    const stored = (await remote.read("Observation", created.id!)) as any;
    expect(stored.status).toBe("preliminary");
    const updated = await remote.update({ ...stored, status: "final" });
    expect(updated.meta?.versionId).not.toBe(stored.meta.versionId);
    expect(((await remote.read("Observation", created.id!)) as any).status).toBe("final");
    await expect(remote.update({ resourceType: "Observation", id: "does-not-exist", status: "final", code: { text: "x" } } as Resource)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(embedded.update({ resourceType: "Observation", id: "does-not-exist", status: "final", code: { text: "x" } } as Resource)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await remote.read("Observation", "does-not-exist")).toBeUndefined();
  });

  describe("the MCP tools over Medplum", () => {
    const services = () => createHealthcareServices({ secret: TEST_SECRET, fhir: createRemoteFhirBackend({ baseUrl: medplum.url }) });

    it("search with include and cursors, $everything paging, capabilities", async () => {
      const { client, close } = await connectInProcess(() => createHealthcareServer({ services: shared }), { era: "modern", extensions: { [HEALTHCARE_EXTENSION_ID]: {} } });
      const args = { resourceType: "Observation", params: { patient: "patient-002", category: "laboratory" }, count: 3, include: ["Observation:encounter"] };
      const page = await call(client, "fhir_search", args);
      expect(page.items).toHaveLength(3);
      expect(page.included.length).toBeGreaterThan(0);
      expect(page.items[0].ref).toMatch(/^Observation\/[0-9a-f]{32}$/);
      const next = await call(client, "fhir_search", { ...args, cursor: page.nextCursor });
      expect(next.items).toHaveLength(3);
      expect(next.items.map((item: any) => item.ref)).not.toContain(page.items[0].ref);
      const refs = new Set<string>();
      let cursor: string | undefined;
      let total = 0;
      do {
        const everything = await call(client, "patient_everything", { patientId: "patient-002", count: 20, ...(cursor ? { cursor } : {}) });
        expect(everything.error).toBeUndefined();
        total = everything.total;
        everything.items.forEach((item: any) => refs.add(item.ref));
        cursor = everything.nextCursor;
      } while (cursor);
      expect(refs.size).toBe(total);
      expect(total).toBe((await embedded.everything("patient-002", { count: 1 })).total);
      const capabilities = await call(client, "fhir_capabilities", { resourceType: "Patient" });
      expect(Object.keys(capabilities.resourceTypes[0].searchParams)).not.toContain("name");
      // The Safe Harbor rules hold before Medplum is asked.
      const before = medplum.requests.length;
      expect((await call(client, "fhir_search", { resourceType: "Patient", params: { birthdate: "1932" } })).error.code).toBe("PHI_FILTER_NOT_ALLOWED");
      expect(medplum.requests.length).toBe(before);
      await close();
    });

    it("human-approved writes land in Medplum with the AI label and a Provenance", async () => {
      // The operator command on the server's own state stands for the human channel here.
      const state = memoryStateStore();
      registerApprovalChannels(state, { operatorCommand: "mcp-healthcare approvals" });
      const { client, close } = await connectInProcess(
        () =>
          createHealthcareServer({
            services: shared,
            state,
            settings: { access: "read-write", patientContext: { mode: "principal" } },
            principal: { id: "dr-write", scopes: ["patient/*.cruds"], attributes: { patient: "patient-002" } },
          }),
        { era: "modern", extensions: { [HEALTHCARE_EXTENSION_ID]: { acceptPhi: "identified", canConfirmWrites: true } } },
      );
      const args = {
        action: "create",
        reason: "Home reading reported by the patient",
        resource: { resourceType: "Observation", status: "final", code: { coding: [{ system: "http://loinc.org", code: "8480-6" }] }, subject: { reference: "Patient/patient-002" }, valueQuantity: { value: 131, unit: "mm[Hg]", system: "http://unitsofmeasure.org", code: "mm[Hg]" } },
      };
      const dry = await call(client, "fhir_write", args);
      expect(dry).toMatchObject({ status: "dry-run", allowed: true });
      const pending = await call(client, "fhir_write", { ...args, dryRun: false });
      expect(pending.error.code).toBe("APPROVAL_PENDING");
      const written0 = medplum.requests.length;
      expect(await runApprovalsCommand({ state, args: ["approve", pending.error.data.approvalId], out: () => undefined, operator: "operator:test" })).toBe(0);
      expect(medplum.requests.length).toBe(written0);
      const written = await call(client, "fhir_write", { ...args, dryRun: false });
      expect(written.status).toBe("written");
      const [type, id] = written.ref.split("/");
      const stored = (await medplum.repository.readResource(type, id)) as any;
      expect(stored.meta.security).toContainEqual(expect.objectContaining({ code: "AIAST" }));
      const provenance = (await medplum.repository.readResource("Provenance", written.provenance.split("/")[1])) as any;
      expect(provenance.target).toEqual([{ reference: written.ref }]);
      await close();
    });

    it("passes the PHI leak scan (Safe Harbor)", async () => {
      const { client, close } = await connectInProcess(() => createHealthcareServer({ services: shared, toolsets: ["all"] }), { era: "modern", extensions: { [HEALTHCARE_EXTENSION_ID]: { acceptPhi: "safe-harbor" } } });
      await runLeakScan(client, "safe-harbor");
      await close();
    }, 180_000);

    let shared: ReturnType<typeof services>;
    beforeAll(() => {
      shared = services();
    });
  });
});
