import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EntryFilter, EntryInput, EntryRecord, FinanceStorage } from "./finance-storage.js";
import { openFinanceStorage } from "./open-storage.js";
import { openPostgresDriver } from "./postgres-driver.js";
import { SCHEMA_MIGRATIONS } from "./schema-sql.js";
import type { SqlDriver } from "./sql-driver.js";
import { createSqlStorage } from "./sql-storage.js";
import { openSqliteDriver } from "./sqlite-driver.js";
import { postgresAvailable, startTestCluster, type TestCluster } from "../__fixtures__/postgres-cluster.js";

const LATEST = String(SCHEMA_MIGRATIONS.at(-1)!.version);
// Enough postings on one account that a per-entry rescan of them costs seconds.
const BULK = 4_500;

function bulkEntries(count: number): EntryInput[] {
  return Array.from({ length: count }, (_, index) => {
    const amountMinor = BigInt((index % 97) + 1) * 100n;
    return {
      date: `2026-${String((index % 12) + 1).padStart(2, "0")}-${String((index % 28) + 1).padStart(2, "0")}`,
      description: `Bulk entry ${index}`,
      status: "booked",
      sourceKind: "manual",
      postings: [
        { accountId: "acc_operating", amountMinor, currency: "EUR" },
        { accountId: index % 3 === 0 ? "acc_travel" : "acc_software", amountMinor: -amountMinor, currency: "EUR" },
      ],
    };
  });
}

/** Every entry, newest first, filtered in JavaScript: the reference the SQL filter must match. */
async function expected(storage: FinanceStorage, filter: EntryFilter): Promise<EntryRecord[]> {
  const all = (await storage.listEntries({}, 0, 100_000)).items;
  return all.filter((entry) =>
    entry.postings.some(
      (posting) =>
        posting.accountId === filter.accountId &&
        (filter.minAmountMinor === undefined || posting.amountMinor >= filter.minAmountMinor) &&
        (filter.maxAmountMinor === undefined || posting.amountMinor <= filter.maxAmountMinor),
    ) &&
    (filter.from === undefined || entry.date >= filter.from) &&
    (filter.to === undefined || entry.date <= filter.to) &&
    (filter.status === undefined || entry.status === filter.status) &&
    (filter.text === undefined || `${entry.description}\u0000${entry.reference ?? ""}`.toLowerCase().includes(filter.text.toLowerCase())),
  );
}

function listingSuite(engine: "sqlite" | "postgres", open: (name: string) => Promise<{ database: string; raw: () => SqlDriver }>) {
  describe(`entry listing on ${engine}`, () => {
    let storage: FinanceStorage;
    let database: string;
    let raw: SqlDriver;
    beforeAll(async () => {
      const opened = await open("listing_pages");
      database = opened.database;
      storage = await openFinanceStorage(database);
      raw = opened.raw();
      await storage.importEntries(bulkEntries(BULK));
      // One entry with two postings on the same account must be listed once.
      await storage.postEntry({
        date: "2026-12-31",
        description: "Split transfer",
        status: "booked",
        sourceKind: "manual",
        postings: [
          { accountId: "acc_operating", amountMinor: 500n, currency: "EUR" },
          { accountId: "acc_operating", amountMinor: -200n, currency: "EUR" },
          { accountId: "acc_savings", amountMinor: -300n, currency: "EUR" },
        ],
      });
    }, 120_000);
    afterAll(async () => {
      await raw?.close();
      await storage?.close();
    });

    it("filters by account (and amount, date, status) exactly as the postings say, each entry once", async () => {
      const filters: EntryFilter[] = [
        { accountId: "acc_operating" },
        { accountId: "acc_travel", minAmountMinor: -5_000n, maxAmountMinor: -1_000n },
        { accountId: "acc_operating", from: "2026-11-01", status: "booked" },
        { accountId: "acc_operating", from: "2026-03-01", to: "2026-06-30", minAmountMinor: 5_000n },
        // Text needs the entry row: the other query shape, same answers.
        { accountId: "acc_operating", text: "bulk entry 1" },
        { accountId: "acc_savings" },
        { accountId: "acc_nonexistent" },
      ];
      for (const filter of filters) {
        const want = await expected(storage, filter);
        const first = await storage.listEntries(filter, 0, 40);
        const later = await storage.listEntries(filter, 1_000, 40);
        const label = JSON.stringify(filter, (_key, value: unknown) => (typeof value === "bigint" ? `${value}n` : value));
        expect(first.total, label).toBe(want.length);
        expect(first.items.map((entry) => entry.id)).toEqual(want.slice(0, 40).map((entry) => entry.id));
        expect(later.items.map((entry) => entry.id)).toEqual(want.slice(1_000, 1_040).map((entry) => entry.id));
      }
      const split = (await storage.listEntries({ accountId: "acc_operating" }, 0, 1)).items[0]!;
      expect(split.description).toBe("Split transfer");
      expect(split.postings).toHaveLength(3);
    });

    it(`pages an account with ${BULK.toLocaleString("en-US")} postings in milliseconds, not seconds`, async () => {
      // Before the fix SQLite took 4–13 s per page here; the bound leaves room for a loaded machine.
      for (const offset of [0, 2_000, 4_400]) {
        const start = performance.now();
        const page = await storage.listEntries({ accountId: "acc_operating" }, offset, 50);
        expect(performance.now() - start).toBeLessThan(1_000);
        expect(page.total).toBeGreaterThan(BULK);
      }
    });

    it("migrates databases made before the listing indexes: version 1 and version 2 both end at the latest schema", async () => {
      const { database: old, raw: rawOld } = await open("listing_migrate");
      const first = await openFinanceStorage(old);
      await first.close();
      const driver = rawOld();
      const schemaVersion = async () => String((await driver.all("SELECT value FROM meta WHERE key = 'schema_version'"))[0]?.value);
      expect(await schemaVersion()).toBe(LATEST);
      expect(await indexNames(driver, engine)).toEqual(["postings_account_dated"]);
      // Back to the version-1 schema: no listing index, no recorded version.
      await driver.run("DROP INDEX postings_account_dated");
      await driver.run("DELETE FROM meta WHERE key = 'schema_version'");
      await (await openFinanceStorage(old)).close();
      expect(await indexNames(driver, engine)).toEqual(["postings_account_dated"]);
      expect(await schemaVersion()).toBe(LATEST);
      // A version-2 database: its index goes, the new one comes.
      await driver.run("DROP INDEX postings_account_dated");
      await driver.run("CREATE INDEX postings_account_entry ON postings (account_id, entry_id, amount_minor)");
      await driver.run("UPDATE meta SET value = '2' WHERE key = 'schema_version'");
      const reopened = await openFinanceStorage(old);
      expect(await indexNames(driver, engine)).toEqual(["postings_account_dated"]);
      expect(await schemaVersion()).toBe(LATEST);
      // The seeded ledger is untouched by the migrations.
      expect((await reopened.listEntries({ accountId: "acc_operating" }, 0, 1)).total).toBeGreaterThan(0);
      await reopened.close();
      await driver.close();
    });

    if (engine === "sqlite") {
      it("pages an account off the index without sorting the account's entries, and never runs a per-entry subquery", async () => {
        const plans = async (filter: EntryFilter) => {
          const statements: Array<{ sql: string; params: readonly unknown[] }> = [];
          const recording: SqlDriver = {
            ...raw,
            all: (sql, params = []) => {
              statements.push({ sql, params });
              return raw.all(sql, params);
            },
          };
          await createSqlStorage(recording).listEntries(filter, 0, 50);
          // The page and the count (the postings of the page are read by entry id afterwards).
          return Promise.all(
            statements.slice(0, 2).map(async (statement) => (await raw.all(`EXPLAIN QUERY PLAN ${statement.sql}`, statement.params)).map((row) => String(row.detail)).join("\n")),
          );
        };
        const [page, count] = await plans({ accountId: "acc_operating", minAmountMinor: 1n, status: "booked" });
        for (const plan of [page!, count!]) {
          expect(plan).toMatch(/COVERING INDEX postings_account_dated \(account_id=\?\)/);
          expect(plan).not.toMatch(/CORRELATED|TEMP B-TREE FOR DISTINCT/);
        }
        // The only sort left is of the page itself (50 rows), after the entries are joined.
        expect(page!.match(/TEMP B-TREE/g) ?? []).toHaveLength(1);
        for (const plan of await plans({ accountId: "acc_operating", text: "bulk" })) {
          expect(plan).not.toMatch(/CORRELATED/);
          expect(plan).toMatch(/COVERING INDEX postings_account_dated \(account_id=\?\)/);
        }
      });
    }
  });
}

/** The listing indexes present (postings_account_entry, postings_account_dated). */
async function indexNames(driver: SqlDriver, engine: "sqlite" | "postgres"): Promise<string[]> {
  const rows =
    engine === "sqlite"
      ? await driver.all("SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ('postings_account_entry', 'postings_account_dated') ORDER BY name")
      : await driver.all("SELECT indexname AS name FROM pg_indexes WHERE indexname IN ('postings_account_entry', 'postings_account_dated') ORDER BY indexname");
  return rows.map((row) => String(row.name));
}

const dir = mkdtempSync(join(tmpdir(), "finance-listing-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

listingSuite("sqlite", async (name) => {
  const database = join(dir, `${name}.db`);
  return { database, raw: () => openSqliteDriver(database) };
});

let cluster: TestCluster | undefined;
describe.runIf(postgresAvailable())("PostgreSQL", () => {
  beforeAll(async () => {
    cluster = await startTestCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  listingSuite("postgres", async (name) => {
    const database = await cluster!.createDatabase(name);
    return { database, raw: () => openPostgresDriver(database, { max: 2 }) };
  });
});
