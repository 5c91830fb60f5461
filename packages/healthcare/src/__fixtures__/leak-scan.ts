import { toolErrorOf } from "@mcp-verticals/core";
import type { Client } from "@modelcontextprotocol/client";
import { expect } from "vitest";
import { generateSyntheticCorpus } from "../backend/synthetic-data.js";
import { ageBandCutoffYear } from "../phi/search-policy.js";
import { SUPPORTED_RESOURCE_TYPES } from "../schemas/settings.js";

/**
 * Runs every tool, resource and prompt of a de-identified session over the whole synthetic
 * corpus, keeps every byte the client received (content text, structuredContent, resource text,
 * errors), and scans it for every direct identifier in the corpus. Shared by the scans over the
 * embedded store and over Medplum.
 */
export async function runLeakScan(client: Client, mode: "safe-harbor" | "limited"): Promise<void> {
  const { identifiers } = generateSyntheticCorpus();
  const outputs: string[] = [];
  const record = (value: unknown) => outputs.push(typeof value === "string" ? value : JSON.stringify(value));
  const tool = async (name: string, args: Record<string, unknown>) => {
    const result = await client.callTool({ name, arguments: args });
    record(result);
    return result.structuredContent as any;
  };

  const patientRefs: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await tool("patient_find", { count: 10, ...(cursor ? { cursor } : {}) });
    patientRefs.push(...page.patients.map((patient: any) => patient.ref));
    cursor = page.nextCursor;
  } while (cursor);
  expect(patientRefs.length).toBe(60);

  for (const ref of patientRefs) {
    let page: string | undefined;
    do {
      const result = await tool("patient_everything", { patientId: ref, count: 100, format: "fhir", ...(page ? { cursor: page } : {}) });
      page = result.nextCursor;
    } while (page);
    const summary = await client.readResource({ uri: `fhir://${ref}/$summary` });
    record(summary);
  }
  for (const type of SUPPORTED_RESOURCE_TYPES) {
    const result = await tool("fhir_search", { resourceType: type, params: {}, count: 100, format: "fhir", ...(type === "Observation" ? { include: ["Observation:encounter", "Observation:patient"] } : {}), ...(type === "Patient" ? { revinclude: ["Condition:patient"] } : {}) });
    for (const item of (result.items ?? []).slice(0, 5)) {
      const [resourceType, id] = String(item.id ? `${item.resourceType}/${item.id}` : item.ref).split("/");
      await tool("fhir_read", { resourceType, id, format: "fhir" });
      record(await client.readResource({ uri: `fhir://${resourceType}/${id}` }));
    }
  }
  await tool("fhir_capabilities", {});
  record(await client.readResource({ uri: "healthcare://policy" }));
  for (const prompt of ["patient_summary", "medication_review", "lab_trend", "care_gaps", "visit_prep"]) {
    record(await client.getPrompt({ name: prompt, arguments: prompt === "lab_trend" ? { patientId: patientRefs[0]!, code: "4548-4" } : { patientId: patientRefs[0]! } }));
  }
  // Error paths must not echo identifiers either.
  await tool("patient_find", { name: identifiers.names[7]! });
  await tool("patient_find", { birthDate: identifiers.exactDates[3]! });
  await tool("fhir_search", { resourceType: "Patient", params: { identifier: identifiers.identifierValues[6]! } });
  await tool("fhir_read", { resourceType: "Patient", id: "does-not-exist" });
  await tool("fhir_write", { action: "create", reason: `for ${identifiers.names[9]}`, resource: { resourceType: "Patient", name: [{ family: identifiers.names[9]! }], telecom: [{ system: "phone", value: identifiers.phones[2]! }] } });

  // Searches on quasi-identifiers are refused before the backend, and the refusals echo nothing:
  // neither the guessed value nor a parameter name made of it.
  const refusals: [string, Record<string, unknown>][] = [];
  const guess = (resourceType: string, params: Record<string, unknown>) => refusals.push([resourceType, params]);
  for (const name of identifiers.names.slice(0, 12)) {
    guess("Patient", { name });
    guess("Patient", { "family:exact": name });
    guess("Practitioner", { name });
    guess("Observation", { "subject.name": name });
    guess("Observation", { "subject:Patient.family": name });
    guess("Patient", { _filter: `family eq ${name}` });
    guess("Patient", { _has: name });
    guess("Patient", { [name]: "x" });
    guess("Patient", { [`${name}:exact`]: "x" });
  }
  for (const value of identifiers.identifierValues.slice(0, 12)) {
    guess("Patient", { identifier: value });
    guess("Observation", { "patient.identifier": value });
  }
  for (const value of identifiers.phones.slice(0, 6)) guess("Patient", { phone: value });
  for (const value of identifiers.emails.slice(0, 6)) guess("Patient", { email: value });
  for (const value of identifiers.addressLines.slice(0, 6)) guess("Patient", { address: value });
  if (mode === "safe-harbor") {
    for (const value of identifiers.postalCodes.slice(0, 6)) guess("Patient", { "address-postalcode": value });
    for (const value of identifiers.cities.slice(0, 6)) guess("Patient", { "address-city": value });
    for (const value of identifiers.exactDates.slice(0, 12)) {
      guess("Patient", { birthdate: value });
      guess("Encounter", { date: value });
      guess("Observation", { "subject:Patient.birthdate": value.slice(0, 4) });
    }
    // The birth years of the 90+ band, and every way to ask for one.
    for (let year = ageBandCutoffYear() - 15; year <= ageBandCutoffYear(); year++) {
      for (const value of [String(year), `eq${year}`, `ge${year}`, `le${year - 1}`, `ne${year}`]) guess("Patient", { birthdate: value });
    }
  }
  for (const [resourceType, params] of refusals) {
    const result = await client.callTool({ name: "fhir_search", arguments: { resourceType, params } });
    record(result);
    expect(result.isError, `${resourceType} ${JSON.stringify(params)}`).toBe(true);
    expect(["PHI_FILTER_NOT_ALLOWED", "UNSUPPORTED_SEARCH_PARAMETER"]).toContain(toolErrorOf(result)?.code);
  }
  if (mode === "safe-harbor") {
    for (let year = ageBandCutoffYear() - 15; year <= ageBandCutoffYear(); year++) {
      const result = await client.callTool({ name: "patient_find", arguments: { birthDate: String(year) } });
      record(result);
      expect(toolErrorOf(result)?.code).toBe("PHI_FILTER_NOT_ALLOWED");
    }
  }

  const haystack = outputs.join("\n");
  expect(haystack.length).toBeGreaterThan(500_000);
  const leaks: string[] = [];
  const scan = (kind: string, values: string[]) => {
    for (const value of new Set(values)) {
      const pattern = new RegExp(`(?<![0-9A-Za-z])${value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![0-9A-Za-z])`);
      if (pattern.test(haystack)) leaks.push(`${kind}: ${value}`);
    }
  };
  scan("name", identifiers.names);
  scan("identifier", identifiers.identifierValues);
  scan("phone", identifiers.phones);
  scan("email", identifiers.emails);
  scan("address line", identifiers.addressLines);
  if (mode === "safe-harbor") {
    scan("city", identifiers.cities);
    scan("postal code", identifiers.postalCodes);
    scan("exact date", identifiers.exactDates);
    expect(haystack).not.toMatch(/\b(19|20)\d{2}-\d{2}-\d{2}\b/);
  } else {
    // A limited data set keeps dates and town: prove they are there, so the scan above is meaningful.
    expect(identifiers.exactDates.some((date) => haystack.includes(date))).toBe(true);
    expect(identifiers.cities.some((city) => haystack.includes(city))).toBe(true);
  }
  expect(leaks).toEqual([]);
}
