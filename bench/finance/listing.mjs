// Account-filtered transaction listing (storage.listEntries with an account filter), on SQLite and,
// where PostgreSQL is installed, on a throwaway PostgreSQL cluster:
//
//   node bench/finance/listing.mjs          (also run as part 3 of bench/finance/index.mjs)
//
// The ledger is the demo company plus BENCH_LISTING_ENTRIES (default 4,500) two-leg entries, so
// about 4,600 postings are on the operating account. Each engine times one page at three offsets
// through the storage, one page through finance_list_transactions, and the longest event-loop
// stall while listing. The named baseline, measured on the same data in the same run: the
// query the storage ran before (a correlated EXISTS per entry, without the postings_account_dated
// index), one page and its count, against the current query's page and count, both straight
// through the engine's own driver on one connection. BENCH_LISTING_PG=0 skips PostgreSQL.
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

const packageRequire = createRequire(new URL("../../packages/finance/package.json", import.meta.url));
const finance = await import(new URL("../../packages/finance/dist/index.js", import.meta.url).href);
const testing = await import(pathToFileURL(packageRequire.resolve("@mcp-verticals/core/testing").replace(/\.cjs$/, ".js")).href);

const ENTRIES = Number(process.env.BENCH_LISTING_ENTRIES ?? 4_500);
const PAGE = 50;
const ACCOUNT = "acc_operating";
// What listEntries ran before, verbatim: the account filter as a correlated EXISTS.
const PREVIOUS_PAGE = `SELECT e.* FROM entries e WHERE EXISTS (SELECT 1 FROM postings p WHERE p.entry_id = e.id AND p.account_id = ?) ORDER BY e.date DESC, e.id DESC LIMIT ? OFFSET ?`;
const PREVIOUS_COUNT = `SELECT COUNT(*) AS n FROM entries e WHERE EXISTS (SELECT 1 FROM postings p WHERE p.entry_id = e.id AND p.account_id = ?)`;
// What it runs now (packages/finance/src/backend/account-listing-sql.ts); the bench checks both give the same rows.
const KEYS = `SELECT DISTINCT p.date, p.entry_id FROM postings p WHERE p.account_id = ?`;
const CURRENT_PAGE = `SELECT e.* FROM (${KEYS} ORDER BY p.date DESC, p.entry_id DESC LIMIT ? OFFSET ?) k JOIN entries e ON e.id = k.entry_id ORDER BY e.date DESC, e.id DESC`;
const CURRENT_COUNT = `SELECT COUNT(*) AS n FROM (${KEYS}) k`;
const ms = (value) => `${value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString("en-US")} ms`;

function entries(count) {
  return Array.from({ length: count }, (_, index) => {
    const amountMinor = BigInt((index % 97) + 1) * 100n;
    return {
      date: `2026-${String((index % 12) + 1).padStart(2, "0")}-${String((index % 28) + 1).padStart(2, "0")}`,
      description: `Listing bench ${index}`,
      status: "booked",
      sourceKind: "manual",
      postings: [
        { accountId: ACCOUNT, amountMinor, currency: "EUR" },
        { accountId: index % 3 === 0 ? "acc_travel" : "acc_software", amountMinor: -amountMinor, currency: "EUR" },
      ],
    };
  });
}

/** Runs `fn` and reports its time and the longest event-loop stall meanwhile (the widest gap between 5 ms timer ticks). */
async function timed(fn) {
  let last = performance.now();
  let stallMs = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 5);
  const start = performance.now();
  const value = await fn();
  const elapsed = performance.now() - start;
  await new Promise((resolve) => setTimeout(resolve, 10));
  clearInterval(ticker);
  return { value, ms: elapsed, stallMs };
}

const best = async (runs, fn) => {
  let fastest;
  for (let run = 0; run < runs; run++) {
    const result = await timed(fn);
    if (fastest === undefined || result.ms < fastest.ms) fastest = result;
  }
  return fastest;
};

/** Times the listing as it runs now, end to end: storage pages at three offsets (best of 3), then one tool call. */
async function measureStorage(database) {
  const storage = await finance.openFinanceStorage(database);
  const postings = (await storage.exportPostings()).length;
  await storage.listEntries({ accountId: ACCOUNT }, 0, PAGE); // warm-up: connections, statement cache
  const pages = [];
  for (const offset of [0, Math.floor(ENTRIES / 2), ENTRIES - PAGE]) {
    const run = await best(3, () => storage.listEntries({ accountId: ACCOUNT }, offset, PAGE));
    if (run.value.items.length !== PAGE) throw new Error(`listing returned ${run.value.items.length} rows at offset ${offset}`);
    pages.push({ offset, ...run, total: run.value.total });
  }
  await storage.close();
  const runtime = await finance.createFinanceRuntime({ database });
  const connection = await testing.connectInProcess(() => runtime.createServer(), { era: "modern", extensions: { [finance.FINANCE_EXTENSION_ID]: {} } });
  const call = () => connection.client.callTool({ name: "finance_list_transactions", arguments: { accountId: ACCOUNT, limit: PAGE } });
  await call();
  const tool = await best(3, call);
  if (tool.value.isError) throw new Error(`finance_list_transactions failed: ${JSON.stringify(tool.value._meta ?? tool.value.structuredContent).slice(0, 300)}`);
  await connection.close();
  await runtime.close();
  return { postings, pages, tool };
}

/**
 * The two queries side by side on one connection: `query(sql, params)` resolves rows. The current
 * one with the index (best of 3), then the previous one with the index dropped (`dropIndex`),
 * best of `previousRuns`. Both must return the same page.
 */
async function compareQueries(query, dropIndex, previousRuns) {
  const currentIds = (await query(CURRENT_PAGE, [ACCOUNT, PAGE, 0])).map((row) => String(row.id));
  const current = await best(3, async () => {
    await query(CURRENT_PAGE, [ACCOUNT, PAGE, 0]);
    return query(CURRENT_COUNT, [ACCOUNT]);
  });
  await dropIndex();
  let previousIds;
  const previous = await best(previousRuns, async () => {
    previousIds = (await query(PREVIOUS_PAGE, [ACCOUNT, PAGE, 0])).map((row) => String(row.id));
    return query(PREVIOUS_COUNT, [ACCOUNT]);
  });
  if (JSON.stringify(previousIds) !== JSON.stringify(currentIds) || Number(previous.value[0].n) !== Number(current.value[0].n)) {
    throw new Error("the previous and the current query disagree");
  }
  return { current, previous };
}

function report(engine, storage, queries, note = "") {
  const total = storage.pages[0].total;
  console.log(`account listing on ${engine}: ${storage.postings.toLocaleString("en-US")} postings, ${total.toLocaleString("en-US")} entries on ${ACCOUNT}, ${PAGE} per page`);
  for (const page of storage.pages) console.log(`  storage.listEntries at offset ${String(page.offset).padStart(5)}: ${ms(page.ms)} (longest event-loop stall ${ms(page.stallMs)})`);
  console.log(`  finance_list_transactions (accountId, first page, in process): ${ms(storage.tool.ms)}`);
  const ratio = queries.previous.ms / queries.current.ms;
  console.log(`  page + count SQL alone: now ${ms(queries.current.ms)}; baseline, the previous query (correlated EXISTS, without the postings_account_dated index): ${ms(queries.previous.ms)} (event-loop stall ${ms(queries.previous.stallMs)}), ${ratio >= 1.5 ? `${ratio.toFixed(0)}× slower` : `${ratio.toFixed(1)}× the time`}${note}`);
}

/** The whole comparison; prints its lines and resolves when done. */
export async function benchAccountListing() {
  const dir = mkdtempSync(join(tmpdir(), "finance-listing-bench-"));
  try {
    // --- SQLite ---------------------------------------------------------------------------
    const database = join(dir, "listing.db");
    const seed = await finance.openFinanceStorage(database);
    await seed.importEntries(entries(ENTRIES));
    await seed.close();
    const storage = await measureStorage(database);
    const Database = packageRequire("better-sqlite3");
    const db = new Database(database);
    // The previous query takes seconds per run: once is enough.
    const queries = await compareQueries(async (sql, params) => db.prepare(sql).all(...params), async () => db.exec("DROP INDEX postings_account_dated"), 1);
    db.close();
    report("SQLite", storage, queries);

    // --- PostgreSQL -----------------------------------------------------------------------
    if (process.env.BENCH_LISTING_PG === "0" || !testing.postgresAvailable()) {
      console.log("account listing on PostgreSQL: skipped (no PostgreSQL binaries, or BENCH_LISTING_PG=0)");
      return;
    }
    const cluster = await testing.startPostgresCluster();
    try {
      const url = await cluster.createDatabase("listing_bench");
      const pgSeed = await finance.openFinanceStorage(url);
      await pgSeed.importEntries(entries(ENTRIES));
      await pgSeed.close();
      const pg = packageRequire("pg");
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      // Fresh statistics for both sides, as autovacuum would have them on a live ledger.
      await client.query("ANALYZE");
      const pgStorage = await measureStorage(url);
      const numbered = (sql) => {
        let index = 0;
        return sql.replace(/\?/g, () => `$${++index}`);
      };
      const pgQueries = await compareQueries(
        async (sql, params) => (await client.query(numbered(sql), params)).rows,
        async () => {
          await client.query("DROP INDEX postings_account_dated");
          await client.query("ANALYZE");
        },
        3,
      );
      await client.end();
      report("PostgreSQL", pgStorage, pgQueries, " (PostgreSQL already ran the EXISTS as a hash semi-join)");
    } finally {
      await cluster.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await benchAccountListing();
