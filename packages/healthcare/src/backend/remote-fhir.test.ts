import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, TEST_SECRET } from "../__fixtures__/harness.js";
import { connectInProcess } from "@mcp-verticals/core/testing";
import { createHealthcareServer, createHealthcareServices } from "../server.js";
import { HEALTHCARE_EXTENSION_ID } from "../extension.js";
import { createEmbeddedFhirStore } from "./embedded-store.js";
import { serveFhirRest, type RunningFhirRest } from "./fhir-rest-server.js";
import { createRemoteFhirBackend, signJwt } from "./remote-fhir.js";

const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
const ec = generateKeyPairSync("ec", { namedCurve: "P-384" });
const pem = (key: { export(options: object): string | Buffer }, type: "pkcs8" | "spki") => String(key.export({ type, format: "pem" }));

describe("remote FHIR backend against the FHIR REST facade on 127.0.0.1", () => {
  const store = createEmbeddedFhirStore();
  let rest: RunningFhirRest;
  beforeAll(async () => {
    rest = await serveFhirRest(store, {
      port: 0,
      bearerTokens: ["static-token-for-tests"],
      backendClients: [
        { clientId: "rsa-client", publicKey: pem(rsa.publicKey, "spki"), scopes: ["system/*.rs"] },
        { clientId: "ec-client", publicKey: pem(ec.publicKey, "spki"), scopes: ["system/Observation.rs"] },
      ],
    });
  });
  afterAll(() => rest.close());

  it("serves metadata, search with paging links and _include, read, and $everything over HTTP", async () => {
    const headers = { authorization: "Bearer static-token-for-tests" };
    const metadata = await (await fetch(`${rest.url}/metadata`)).json();
    expect(metadata).toMatchObject({ resourceType: "CapabilityStatement", fhirVersion: "4.0.1" });
    const bundle = await (await fetch(`${rest.url}/Observation?patient=patient-002&_include=Observation:encounter&_count=5`, { headers })).json();
    expect(bundle).toMatchObject({ resourceType: "Bundle", type: "searchset" });
    expect(bundle.entry.filter((entry: any) => entry.search.mode === "match")).toHaveLength(5);
    expect(bundle.entry.some((entry: any) => entry.search.mode === "include" && entry.resource.resourceType === "Encounter")).toBe(true);
    const next = bundle.link.find((link: any) => link.relation === "next").url;
    const second = await (await fetch(next, { headers })).json();
    expect(second.entry[0].resource.id).not.toBe(bundle.entry[0].resource.id);
    const everything = await (await fetch(`${rest.url}/Patient/patient-002/$everything?_count=500`, { headers })).json();
    expect(everything.total).toBeGreaterThan(10);
    expect((await fetch(`${rest.url}/Patient/patient-002`)).status).toBe(401);
    expect((await fetch(`${rest.url}/Patient/nobody`, { headers })).status).toBe(404);
  });

  it("follows next links behind opaque page handles with a bearer token", async () => {
    const remote = createRemoteFhirBackend({ baseUrl: rest.url, auth: { type: "bearer", token: "static-token-for-tests" } });
    const ids = new Set<string>();
    let page: string | undefined;
    let total = 0;
    do {
      const result = await remote.search("Condition", { patient: "Patient/patient-005" }, { count: 1, ...(page ? { page } : {}) });
      total = result.total ?? 0;
      result.resources.forEach((resource) => ids.add(resource.id!));
      page = result.next;
      if (page) expect(page).not.toContain("http");
    } while (page);
    expect(ids.size).toBe(total);
    expect(total).toBe(store.all("Condition").filter((c: any) => c.subject.reference === "Patient/patient-005").length);
    expect((await remote.read("Patient", "patient-005"))?.id).toBe("patient-005");
    expect(await remote.read("Patient", "nobody")).toBeUndefined();
    const everything = await remote.everything("patient-005", { types: ["Immunization"], count: 50 });
    expect(everything.resources.every((resource) => resource.resourceType === "Immunization")).toBe(true);
    await expect(createRemoteFhirBackend({ baseUrl: rest.url, auth: { type: "bearer", token: "wrong" } }).read("Patient", "patient-005")).rejects.toMatchObject({ code: "BACKEND_AUTH_FAILED" });
  });

  it("authenticates with SMART Backend Services (RS384 and ES384 private_key_jwt)", async () => {
    const viaRsa = createRemoteFhirBackend({ baseUrl: rest.url, auth: { type: "smart-backend", clientId: "rsa-client", privateKey: pem(rsa.privateKey, "pkcs8"), algorithm: "RS384", scope: "system/*.rs" } });
    expect((await viaRsa.read("Observation", "observation-002-1"))?.resourceType).toBe("Observation");
    const viaEc = createRemoteFhirBackend({ baseUrl: rest.url, auth: { type: "smart-backend", clientId: "ec-client", privateKey: pem(ec.privateKey, "pkcs8"), algorithm: "ES384", scope: "system/Observation.rs" } });
    expect((await viaEc.search("Observation", { patient: "patient-002" }, { count: 2 })).resources).toHaveLength(2);
    const impostor = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const forged = createRemoteFhirBackend({ baseUrl: rest.url, auth: { type: "smart-backend", clientId: "rsa-client", privateKey: pem(impostor.privateKey, "pkcs8"), scope: "system/*.rs" } });
    await expect(forged.read("Patient", "patient-002")).rejects.toMatchObject({ code: "BACKEND_AUTH_FAILED" });
  });

  it("refuses a replayed or expired client assertion", async () => {
    const tokenUrl = `${rest.url}/auth/token`;
    const now = Math.floor(Date.now() / 1000);
    const assertion = signJwt({ iss: "rsa-client", sub: "rsa-client", aud: tokenUrl, exp: now + 60, jti: "fixed-jti" }, pem(rsa.privateKey, "pkcs8"), "RS384");
    const body = (value: string) => new URLSearchParams({ grant_type: "client_credentials", scope: "system/*.rs", client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", client_assertion: value });
    expect((await fetch(tokenUrl, { method: "POST", body: body(assertion) })).status).toBe(200);
    expect((await fetch(tokenUrl, { method: "POST", body: body(assertion) })).status).toBe(401);
    const expired = signJwt({ iss: "rsa-client", sub: "rsa-client", aud: tokenUrl, exp: now - 5, jti: "another" }, pem(rsa.privateKey, "pkcs8"), "RS384");
    expect((await fetch(tokenUrl, { method: "POST", body: body(expired) })).status).toBe(401);
  });

  it("drives the MCP tools over the remote backend with the same PHI rules", async () => {
    const services = createHealthcareServices({ secret: TEST_SECRET, fhir: createRemoteFhirBackend({ baseUrl: rest.url, auth: { type: "bearer", token: "static-token-for-tests" } }) });
    const { client, close } = await connectInProcess(() => createHealthcareServer({ services }), { era: "modern", extensions: { [HEALTHCARE_EXTENSION_ID]: {} } });
    const page = await call(client, "fhir_search", { resourceType: "Observation", params: { patient: "patient-002", category: "laboratory" }, count: 3, include: ["Observation:encounter"] });
    expect(page.items).toHaveLength(3);
    expect(page.included.length).toBeGreaterThan(0);
    expect(page.items[0].ref).toMatch(/^Observation\/[0-9a-f]{32}$/);
    const next = await call(client, "fhir_search", { resourceType: "Observation", params: { patient: "patient-002", category: "laboratory" }, count: 3, include: ["Observation:encounter"], cursor: page.nextCursor });
    expect(next.items[0].ref).not.toBe(page.items[0].ref);
    const everything = await call(client, "patient_everything", { patientId: "patient-002", count: 10 });
    expect(everything.items).toHaveLength(10);
    expect(everything.nextCursor).toBeTypeOf("string");
    const patient = await call(client, "fhir_read", { resourceType: "Patient", id: everything.patient.split("/")[1], format: "fhir" });
    expect(JSON.stringify(patient.resource)).not.toContain((store.get("Patient", "patient-002") as any).name[0].family);
    expect((await call(client, "fhir_capabilities", { resourceType: "Patient" })).resourceTypes[0].operations).toContain("$everything");
    await close();
  });
});
