import { describe, expect, it } from "vitest";
import { createEmbeddedFhirStore } from "../backend/embedded-store.js";
import { createPseudonymRegistry, deidentifyResource, scrubFreeText } from "./deidentify.js";

const key = "k".repeat(32);
const store = createEmbeddedFhirStore();
const names = new Set(store.all("Patient").flatMap((p: any) => [...p.name[0].given, p.name[0].family]).map((n: string) => n.toLowerCase()));

describe("Safe Harbor de-identification", () => {
  const patient = store.get("Patient", "patient-005")! as any;
  const registry = createPseudonymRegistry(key);
  const out = deidentifyResource(patient, { mode: "safe-harbor", freeText: "scrub", registry, knownNames: names, currentYear: 2025 }) as any;
  const text = JSON.stringify(out);

  it("removes names, telecom, identifiers, street, city and ZIP, keeping state", () => {
    for (const value of [...patient.name[0].given, patient.name[0].family, patient.telecom[0].value, patient.telecom[1].value, patient.identifier[0].value, patient.identifier[1].value, patient.address[0].line[0], patient.address[0].city, patient.address[0].postalCode]) {
      expect(text).not.toContain(value);
    }
    expect(out.address).toEqual([{ state: "MA", country: "US" }]);
    expect(out.name).toEqual([{ text: "***" }]);
  });

  it("reduces every date to the year, including _x primitive siblings and extensions", () => {
    expect(out.birthDate).toBe(patient.birthDate.slice(0, 4));
    expect(text).not.toContain(patient.birthDate);
    expect(text).not.toContain(patient._birthDate.extension[0].valueDateTime);
    expect(out.extension[0].valueAddress).toEqual({ state: "MA", country: "US" });
    expect(out.extension).toHaveLength(1);
    expect(text).not.toContain(patient.extension[1].valueString);
  });

  it("aggregates ages over 89", () => {
    const old = deidentifyResource(store.get("Patient", "patient-001")!, { mode: "safe-harbor", freeText: "scrub", registry, currentYear: 2025 }) as any;
    expect(old.birthDate).toBeUndefined();
    expect(old._birthDate).toBeUndefined();
    expect(old.extension.at(-1)).toMatchObject({ valueString: "90+" });
  });

  it("pseudonymizes ids and references with a keyed HMAC stable for one key", () => {
    expect(out.id).toMatch(/^[0-9a-f]{32}$/);
    expect(out.id).toBe(createPseudonymRegistry(key).pseudonym("Patient", "patient-005"));
    expect(out.id).not.toBe(createPseudonymRegistry("x".repeat(32)).pseudonym("Patient", "patient-005"));
    expect(registry.resolve("Patient", out.id)).toBe("patient-005");
    expect(out.generalPractitioner[0].reference).toMatch(/^Practitioner\/[0-9a-f]{32}$/);
    expect(out.generalPractitioner[0].display).toBeUndefined();
  });

  it("scrubs free text: narrative and notes", () => {
    expect(out.text.div).not.toMatch(/MRN\d/);
    const condition = deidentifyResource(store.all("Condition")[0]!, { mode: "safe-harbor", freeText: "scrub", registry, knownNames: names }) as any;
    expect(condition.note[0].text).toMatch(/^Discussed with \*\*\* \*\*\* on \[date\]; callback number \[phone\]\.$/);
    const dropped = deidentifyResource(store.all("Condition")[0]!, { mode: "safe-harbor", freeText: "drop", registry }) as any;
    expect(dropped.note).toBeUndefined();
  });

  it("keeps dates and city in limited mode but removes direct identifiers", () => {
    const limited = deidentifyResource(patient, { mode: "limited", freeText: "scrub", registry, knownNames: names }) as any;
    expect(limited.birthDate).toBe(patient.birthDate);
    expect(limited.address[0]).toMatchObject({ city: patient.address[0].city, postalCode: patient.address[0].postalCode });
    expect(JSON.stringify(limited)).not.toContain(patient.telecom[0].value);
    expect(JSON.stringify(limited)).not.toContain(patient.address[0].line[0]);
  });

  it("leaves identified data unchanged", () => {
    expect(deidentifyResource(patient, { mode: "identified", freeText: "keep", registry })).toBe(patient);
  });

  it("scrubs names found in the resource itself even when the deployment does not know them", () => {
    const alone = deidentifyResource(patient, { mode: "safe-harbor", freeText: "scrub", registry }) as any;
    for (const name of [...patient.name[0].given, patient.name[0].family]) expect(alone.text.div).not.toContain(name);
  });

  it("scrubs identifier patterns from any text", () => {
    expect(scrubFreeText("mail a.b@example.org or call (617) 555-0100, SSN 123-45-6789 on 2024-03-01 from 10.0.0.1", undefined)).toBe(
      "mail [email] or call [phone], SSN [id] on [date] from [ip]",
    );
  });
});
