import { readFileSync } from "node:fs";

/**
 * Official HL7 FHIR R4 (4.0.1) examples, reconstructed by hand from hl7.org/fhir/R4
 * (`patient-example`, `observation-example`, `condition-example`, `encounter-example`,
 * `allergyintolerance-example`, `immunization-example`, `procedure-example`,
 * `practitioner-example`). Narratives are shortened; every other element is kept as published.
 * The JSON file is shared with the benchmark.
 */
export const HL7_R4_EXAMPLES: Record<string, any>[] = JSON.parse(readFileSync(new URL("./hl7-r4-examples.json", import.meta.url), "utf8"));
