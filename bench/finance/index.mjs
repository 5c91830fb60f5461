// Benchmark of @mcp-verticals/finance (build the package first: cd packages/finance && npx tsup).
//
//   node bench/finance/index.mjs
//
// 1. finance_import_statement (dryRun false) of a generated camt.053 file with 10,000 entries,
//    through a real MCP client and server in one process, on a fresh SQLite file. Target < 2 s;
//    printed next to the time the XML parse alone takes in the same run.
// 2. finance_trial_balance over 100,000 postings versus `hledger balance` (Debian hledger) on the
//    same ledger exported as a journal, in the same run. Target: ≥ 2× faster, identical totals.
// Every figure is the best of BENCH_RUNS runs (default 2) for both sides alike; the load average is
// printed because a shared machine slows both. Knobs: BENCH_ENTRIES (default 10000),
// BENCH_POSTINGS (default 100000), BENCH_RUNS.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

const packageRequire = createRequire(new URL("../../packages/finance/package.json", import.meta.url));
const finance = await import(new URL("../../packages/finance/dist/index.js", import.meta.url).href);
// createRequire resolves the CommonJS build; the ESM one sits beside it.
const { connectInProcess } = await import(pathToFileURL(packageRequire.resolve("@mcp-verticals/core/testing").replace(/\.cjs$/, ".js")).href);

const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 10_000);
const POSTINGS = Number(process.env.BENCH_POSTINGS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const dir = mkdtempSync(join(tmpdir(), "finance-bench-"));
const best = (values) => Math.min(...values);
const ms = (value) => `${value.toFixed(1)} ms`;

async function connect(database) {
  const runtime = await finance.createFinanceRuntime({ database });
  const connection = await connectInProcess(() => runtime.createServer(), { era: "modern", extensions: { [finance.FINANCE_EXTENSION_ID]: {} } });
  return { runtime, connection };
}

console.log(`load average at start: ${loadavg().map((value) => value.toFixed(2)).join(" ")}`);
try {
  // --- 1. camt.053 import -------------------------------------------------------------------
  const lines = Array.from({ length: ENTRIES }, (_, index) => ({
    amountMinor: BigInt(((index * 7919) % 200_000) - 100_000) || 1n,
    bookingDate: `2026-10-${String((index % 28) + 1).padStart(2, "0")}`,
    ref: `BENCH-${index}`,
    description: `Card settlement ${index} / invoice ${index * 3}`,
    endToEndId: `E2E-${index}`,
  }));
  const xml = finance.buildCamt053({
    messageId: "BENCH",
    createdAt: "2026-10-31T23:59:59",
    statementId: "BENCH-2026-10",
    account: { iban: "DE89370400440532013000" },
    currency: "EUR",
    from: "2026-10-01",
    to: "2026-10-31",
    openingMinor: 0n,
    lines,
  });
  const importTimes = [];
  const parseTimes = [];
  for (let run = 0; run < RUNS; run++) {
    let start = performance.now();
    finance.parseCamt053(xml);
    parseTimes.push(performance.now() - start);
    const { runtime, connection } = await connect(join(dir, `import-${run}.db`));
    start = performance.now();
    const result = await connection.client.callTool({
      name: "finance_import_statement",
      arguments: { idempotencyKey: `bench-import-${run}`, format: "camt.053", content: xml, dryRun: false },
    });
    importTimes.push(performance.now() - start);
    if (result.isError || result.structuredContent.imported !== ENTRIES) throw new Error(`import failed: ${JSON.stringify(result.structuredContent).slice(0, 300)}`);
    await connection.close();
    await runtime.close();
  }
  const importMs = best(importTimes);
  console.log(`camt.053 import, ${ENTRIES} entries (${(xml.length / 1e6).toFixed(1)} MB): ${ms(importMs)}  [target < 2000 ms: ${(importMs / 2000).toFixed(2)}× of budget, ${importMs < 2000 ? "met" : "NOT met"}]`);
  console.log(`  of which XML parse alone: ${ms(best(parseTimes))} (${(best(parseTimes) / importMs * 100).toFixed(0)}% of the import)`);

  // --- 2. trial balance vs hledger ----------------------------------------------------------
  const database = join(dir, "ledger.db");
  const storage = await finance.openFinanceStorage(database);
  const accounts = ["acc_rent", "acc_salaries", "acc_software", "acc_travel", "acc_fees", "acc_revenue", "acc_receivables", "acc_payables"];
  const seeded = await storage.exportPostings();
  const extraEntries = Math.max(0, Math.ceil((POSTINGS - seeded.length) / 2));
  const batch = [];
  for (let index = 0; index < extraEntries; index++) {
    const amountMinor = BigInt((index * 104_729) % 1_000_000) + 1n;
    batch.push({
      date: `2026-${String((index % 10) + 1).padStart(2, "0")}-${String((index % 28) + 1).padStart(2, "0")}`,
      description: `bench ${index}`,
      status: "booked",
      postings: [
        { accountId: accounts[index % accounts.length], amountMinor, currency: "EUR" },
        { accountId: "acc_operating", amountMinor: -amountMinor, currency: "EUR" },
      ],
      sourceKind: "manual",
    });
  }
  await storage.importEntries(batch);
  const journal = join(dir, "ledger.journal");
  writeFileSync(journal, await finance.exportHledgerJournal(storage));
  const postingCount = (await storage.exportPostings()).length;
  await storage.close();

  const { runtime, connection } = await connect(database);
  const tbTimes = [];
  let tb;
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    tb = await connection.client.callTool({ name: "finance_trial_balance", arguments: {} });
    tbTimes.push(performance.now() - start);
  }
  await connection.close();
  await runtime.close();

  const hledgerTimes = [];
  let hledgerOut = "";
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    const result = spawnSync("hledger", ["-f", journal, "balance", "-O", "csv", "--flat", "-N", "-E"], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
    hledgerTimes.push(performance.now() - start);
    if (result.status !== 0) throw new Error(`hledger failed (install the Debian hledger package): ${result.stderr || result.error}`);
    hledgerOut = result.stdout;
  }
  const oracle = new Map(
    hledgerOut
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => line.split('","').map((cell) => cell.replace(/^"|"$/g, ""))),
  );
  let mismatches = 0;
  for (const row of tb.structuredContent.rows) {
    const expected = /^-?0(\.0+)?$/.test(row.balance.amount) ? "0" : `${row.balance.currency} ${row.balance.amount}`;
    if (oracle.get(finance.hledgerAccountName(row)) !== expected) mismatches++;
  }
  if (oracle.size !== tb.structuredContent.rows.length) mismatches++;
  const tbMs = best(tbTimes);
  const hledgerMs = best(hledgerTimes);
  console.log(`finance_trial_balance over ${postingCount} postings: ${ms(tbMs)}`);
  console.log(`hledger balance on the same journal:              ${ms(hledgerMs)}`);
  console.log(`  ratio: finance_trial_balance is ${(hledgerMs / tbMs).toFixed(1)}× faster than hledger [target ≥ 2×: ${hledgerMs / tbMs >= 2 ? "met" : "NOT met"}]; totals ${mismatches === 0 ? "identical" : `DIFFER in ${mismatches} accounts`}`);
  console.log(`load average at end: ${loadavg().map((value) => value.toFixed(2)).join(" ")}`);
  if (mismatches > 0) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
