import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FinanceStorage } from "./finance-storage.js";
import { openFinanceStorage } from "./open-storage.js";
import { openPostgresDriver } from "./postgres-driver.js";
import { openSqliteDriver } from "./sqlite-driver.js";
import type { SqlDriver } from "./sql-driver.js";
import { postgresAvailable, startTestCluster, type TestCluster } from "../__fixtures__/postgres-cluster.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The same suite for both engines: `open` gives a fresh seeded storage plus a raw driver on the same database. */
function storageSuite(engine: string, open: () => Promise<{ storage: FinanceStorage; raw: SqlDriver }>) {
  describe(`storage on ${engine}`, () => {
    let storage: FinanceStorage;
    let raw: SqlDriver;
    beforeAll(async () => {
      ({ storage, raw } = await open());
    });
    afterAll(async () => {
      await raw?.close();
      await storage?.close();
    });

    it("is seeded with the demo company, and every entry balances per currency", async () => {
      const accounts = await storage.listAccounts({}, 0, 100);
      expect(accounts.total).toBeGreaterThanOrEqual(15);
      const entries = await storage.listEntries({}, 0, 1);
      expect(entries.total).toBeGreaterThan(150);
      const rows = await storage.trialBalance();
      const byCurrency = new Map<string, bigint>();
      for (const row of rows) byCurrency.set(row.currency, (byCurrency.get(row.currency) ?? 0n) + row.debitMinor - row.creditMinor);
      expect([...byCurrency.values()].every((sum) => sum === 0n)).toBe(true);
      expect(byCurrency.size).toBe(2);
    });

    it("refuses an unbalanced entry in code paths and in the database itself", async () => {
      await expect(
        storage.postEntry({
          date: "2026-11-01",
          description: "unbalanced",
          status: "booked",
          postings: [
            { accountId: "acc_rent", amountMinor: 100n, currency: "EUR" },
            { accountId: "acc_operating", amountMinor: -99n, currency: "EUR" },
          ],
          sourceKind: "manual",
        }),
      ).rejects.toMatchObject({ code: "UNBALANCED_ENTRY" });
      // Straight SQL, bypassing the storage code: the database must still refuse it.
      await expect(
        raw.transaction(async (sql) => {
          await sql.run("INSERT INTO postings (entry_id, line, account_id, amount_minor, currency, date, status) VALUES ('tx_raw', 0, 'acc_rent', 500, 'EUR', '2026-11-01', 'booked')");
          await sql.run("INSERT INTO postings (entry_id, line, account_id, amount_minor, currency, date, status) VALUES ('tx_raw', 1, 'acc_operating', -400, 'EUR', '2026-11-01', 'booked')");
          await sql.run("INSERT INTO entries (id, date, description, status, source_kind) VALUES ('tx_raw', '2026-11-01', 'raw', 'booked', 'manual')");
        }),
      ).rejects.toThrow(/UNBALANCED_ENTRY/);
      // Postings without an entry row cannot be committed either.
      await expect(
        raw.transaction(async (sql) => {
          await sql.run("INSERT INTO postings (entry_id, line, account_id, amount_minor, currency, date, status) VALUES ('tx_orphan', 0, 'acc_rent', 500, 'EUR', '2026-11-01', 'booked')");
        }),
      ).rejects.toThrow();
      expect(await storage.getEntry("tx_raw")).toBeUndefined();
      const [count] = await raw.all("SELECT COUNT(*) AS n FROM postings WHERE entry_id IN ('tx_raw', 'tx_orphan')");
      expect(Number(count?.n)).toBe(0);
    });

    it("keeps booked postings immutable", async () => {
      await expect(raw.run("UPDATE postings SET amount_minor = amount_minor + 1 WHERE entry_id = 'tx_demo_00001'")).rejects.toThrow(/ENTRY_IMMUTABLE/);
      await expect(raw.run("DELETE FROM postings WHERE entry_id = 'tx_demo_00001'")).rejects.toThrow(/ENTRY_IMMUTABLE/);
    });

    it("stores amounts beyond 2^53 exactly", async () => {
      const huge = 123_456_789_012_345_678n;
      const entry = await storage.postEntry({
        date: "2026-11-02",
        description: "exactness",
        status: "booked",
        postings: [
          { accountId: "acc_savings", amountMinor: huge, currency: "EUR" },
          { accountId: "acc_equity", amountMinor: -huge, currency: "EUR" },
        ],
        sourceKind: "manual",
      });
      const loaded = await storage.getEntry(entry.id);
      expect(loaded?.postings[0]?.amountMinor).toBe(huge);
    });

    it("imports atomically and skips bank references already booked", async () => {
      const line = (ref: string, amount: bigint) => ({
        date: "2026-11-03",
        description: `line ${ref}`,
        status: "booked" as const,
        postings: [
          { accountId: "acc_operating", amountMinor: amount, currency: "EUR" },
          { accountId: "acc_suspense", amountMinor: -amount, currency: "EUR" },
        ],
        sourceKind: "camt.053" as const,
        bankRef: { accountId: "acc_operating", ref },
      });
      const first = await storage.importEntries([line("R1", 100n), line("R2", -50n)]);
      expect(first.imported).toHaveLength(2);
      const again = await storage.importEntries([line("R1", 100n), line("R3", 7n)]);
      expect(again).toMatchObject({ duplicates: 1 });
      expect(again.imported).toHaveLength(1);
      expect([...(await storage.existingBankRefs("acc_operating", ["R1", "R2", "R3", "R4"]))].sort()).toEqual(["R1", "R2", "R3"]);
      // One bad line rolls the whole batch back.
      const bad = { ...line("R5", 10n), postings: [{ accountId: "acc_operating", amountMinor: 10n, currency: "EUR" }, { accountId: "acc_suspense", amountMinor: -9n, currency: "EUR" }] };
      await expect(storage.importEntries([line("R4", 1n), bad])).rejects.toMatchObject({ code: "UNBALANCED_ENTRY" });
      expect((await storage.existingBankRefs("acc_operating", ["R4", "R5"])).size).toBe(0);
    });

    it("moves payments only from the expected state", async () => {
      expect(await storage.transitionPayment("pay_demo_cancel", ["awaiting_approval", "approved"], "cancelled")).toBe(true);
      expect(await storage.transitionPayment("pay_demo_cancel", ["awaiting_approval", "approved"], "cancelled")).toBe(false);
      expect((await storage.getPayment("pay_demo_cancel"))?.status).toBe("cancelled");
    });

    it("shares one secret per database", async () => {
      const secret = await storage.secret();
      expect(secret).toMatch(/^[0-9a-f]{64}$/);
      expect(await storage.secret()).toBe(secret);
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), "finance-sqlite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storageSuite("SQLite", async () => {
  const path = join(dir, "suite.db");
  const storage = await openFinanceStorage(path);
  return { storage, raw: openSqliteDriver(path) };
});

let cluster: TestCluster | undefined;
describe.runIf(postgresAvailable())("PostgreSQL", () => {
  beforeAll(async () => {
    cluster = await startTestCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  storageSuite("PostgreSQL", async () => {
    const url = await cluster!.createDatabase("suite");
    const storage = await openFinanceStorage(url);
    return { storage, raw: openPostgresDriver(url, { max: 2 }) };
  });
});
