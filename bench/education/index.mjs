// Benchmarks for @mcp-verticals/education (run after building the package):
//   node bench/education/index.mjs
// 1. OneRoster 1.2 CSV bulk import of 10,000 students with enrollments into the durable SQLite store,
//    against a named baseline: naive row-by-row inserts, each in its own durable transaction.
// 2. QTI 3.0 scoring throughput with parsed items, against a named baseline: re-parsing the item XML per response.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import {
  EducationStore,
  generateSchool,
  importOneRosterCsv,
  parseCsv,
  parseQtiItem,
  rowsToRecords,
  scoreQtiResponse,
  seededItems,
  writeOneRosterCsv,
} from "../../packages/education/dist/index.js";
import { readFile } from "node:fs/promises";

const deadline = Date.now() + 55_000;
const root = await mkdtemp(join(tmpdir(), "edu-bench-"));
const rate = (count, ms) => (count / ms) * 1000;
const fmt = (n) => Math.round(n).toLocaleString("en-US");

try {
  // 1. CSV import
  const school = generateSchool({ students: 10_000, gradebook: false });
  const folder = join(root, "csv");
  await writeOneRosterCsv(folder, school);
  const rows = school.users.length + school.enrollments.length + school.classes.length + school.courses.length + school.orgs.length + school.academicSessions.length + school.categories.length;

  const store = new EducationStore(join(root, "bulk", "education.sqlite"));
  let started = performance.now();
  const report = await importOneRosterCsv(folder, store);
  const bulkMs = performance.now() - started;
  store.close();
  if (report.problems.length > 0 || report.imported.users !== school.users.length) throw new Error("import did not load every user");

  // Baseline: the same parsed enrollment rows, inserted one at a time, each its own fsync'd transaction (bounded sample).
  const naive = new EducationStore(join(root, "naive", "education.sqlite"));
  const enrollmentRows = rowsToRecords("enrollments", parseCsv(await readFile(join(folder, "enrollments.csv"), "utf8"), "enrollments.csv"));
  const sample = enrollmentRows.slice(0, 2_000);
  started = performance.now();
  let naiveCount = 0;
  for (const record of sample) {
    naive.putRecordUnwrapped("enrollments", record);
    naiveCount++;
    if (Date.now() > deadline - 30_000) break;
  }
  const naiveMs = performance.now() - started;
  naive.close();

  const bulkRate = rate(rows, bulkMs);
  const naiveRate = rate(naiveCount, naiveMs);
  console.log(`CSV import: ${fmt(school.users.length)} users (${fmt(school.users.length - 13)} students), ${fmt(school.enrollments.length)} enrollments, ${fmt(rows)} rows`);
  console.log(`  importOneRosterCsv (parse + validate + one transaction): ${bulkMs.toFixed(0)} ms, ${fmt(bulkRate)} rows/s`);
  console.log(`  baseline: naive row-by-row durable inserts (${fmt(naiveCount)}-row sample): ${naiveMs.toFixed(0)} ms, ${fmt(naiveRate)} rows/s`);
  console.log(`  ratio: ${(bulkRate / naiveRate).toFixed(1)}x the baseline's rows/s (baseline would need ~${((rows / naiveRate)).toFixed(1)} s for the full set)`);

  // 2. QTI scoring
  const items = seededItems("t-001").filter((item) => item.interaction !== "extended-text");
  const responses = {
    "item-alg-linear-1": { RESPONSE: "B" },
    "item-alg-slope-1": { RESPONSE: "3" },
    "item-alg-factor-1": { RESPONSE: "A" },
    "item-geo-pythagoras-1": { RESPONSE: "10" },
    "item-geo-circle-1": { RESPONSE: ["A T1", "B T2", "C T3"] },
    "item-stat-centre-1": { RESPONSE: ["A", "B"] },
    "item-bio-organelle-1": { RESPONSE: "B" },
    "item-bio-method-1": { RESPONSE: ["A", "B", "C", "D", "E"] },
    "item-chem-table-1": { RESPONSE: "A" },
    "item-phys-newton-1": { RESPONSE: "6" },
    "item-hist-order-1": { RESPONSE: ["A", "B", "C", "D"] },
    "item-chem-elements-1": { RESPONSE: ["Fe", "Cu"] },
  };
  const parsed = items.map((item) => ({ item: parseQtiItem(item.xml), response: responses[item.id] ?? { RESPONSE: "A" }, xml: item.xml }));
  const N = 200_000;
  let total = 0;
  started = performance.now();
  for (let i = 0; i < N; i++) {
    const { item, response } = parsed[i % parsed.length];
    total += scoreQtiResponse(item, response).score;
  }
  const cachedMs = performance.now() - started;
  const M = 5_000;
  started = performance.now();
  for (let i = 0; i < M; i++) {
    const { xml, response } = parsed[i % parsed.length];
    total += scoreQtiResponse(parseQtiItem(xml), response).score;
  }
  const reparseMs = performance.now() - started;
  const cachedRate = rate(N, cachedMs);
  const reparseRate = rate(M, reparseMs);
  console.log(`QTI 3.0 scoring over ${parsed.length} items (match_correct and map_response), checksum ${total}`);
  console.log(`  scoreQtiResponse on parsed items: ${fmt(N)} responses in ${cachedMs.toFixed(0)} ms, ${fmt(cachedRate)} responses/s`);
  console.log(`  baseline: reference parse of the item XML per response: ${fmt(M)} in ${reparseMs.toFixed(0)} ms, ${fmt(reparseRate)} responses/s`);
  console.log(`  ratio: ${(cachedRate / reparseRate).toFixed(1)}x the baseline`);
} finally {
  await rm(root, { recursive: true, force: true });
}
