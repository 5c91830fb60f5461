// Child process for the crash test: books a very large statement import into the given database
// in one transaction and says so on stdout, so the parent can SIGKILL it inside the transaction.
import { openFinanceStorage } from "../../dist/index.js";

const [database, countText] = process.argv.slice(2);
const count = Number(countText);
const storage = await openFinanceStorage(database);
const entries = Array.from({ length: count }, (_, index) => {
  const amountMinor = BigInt((index % 997) + 1) * (index % 2 === 0 ? 1n : -1n);
  return {
    date: "2026-11-10",
    description: `crash line ${index}`,
    status: "booked",
    postings: [
      { accountId: "acc_operating", amountMinor, currency: "EUR" },
      { accountId: "acc_suspense", amountMinor: -amountMinor, currency: "EUR" },
    ],
    sourceKind: "camt.053",
    bankRef: { accountId: "acc_operating", ref: `CRASH-${index}` },
  };
});
process.stdout.write("importing\n");
const result = await storage.importEntries(entries);
process.stdout.write(`done ${result.imported.length}\n`);
await storage.close();
