// What each vertical's load run sends: the bin's flags, a weighted list of calls (reads and the
// writes the extension allows without a human), and a check of each successful result. `i` is the
// call's index in its run and `run` the run's number, so every write is unique across runs.

const pad = (value, width = 2) => String(value).padStart(width, "0");

/** One balanced two-leg EUR journal entry, fully determined by `n`. */
function journalEntry(n) {
  const pairs = [
    ["acc_travel", "acc_operating"],
    ["acc_software", "acc_operating"],
    ["acc_fees", "acc_operating"],
    ["acc_rent", "acc_savings"],
  ];
  const [debit, credit] = pairs[n % pairs.length];
  const amount = `${(n % 900) + 1}.${pad(n % 100)}`;
  return {
    date: `2026-11-${pad((n % 28) + 1)}`,
    description: `Load entry ${n}`,
    postings: [
      { accountId: debit, amount: { amount, currency: "EUR" } },
      { accountId: credit, amount: { amount: `-${amount}`, currency: "EUR" } },
    ],
  };
}
const SEEDED_REPLAYS = 50;

/** @type {Record<string, { args: (dir: string) => string[], writes: string, seed?: Array<{ tool: string, args: object }>, calls: Array<{ weight: number, kind: "read" | "write", tool: string, args: (i: number, run: number) => object, check?: (result: any) => boolean }> }>} */
export const MIXES = {
  template: {
    args: () => [],
    writes: "none: the template vertical has one tool, a read (template_lookup_term)",
    calls: [{ weight: 100, kind: "read", tool: "template_lookup_term", args: (i) => ({ term: ["extension", "capability", "negotiation", "fallback"][i % 4] }), check: (r) => r.structuredContent.entry !== undefined }],
  },
  finance: {
    // The default serves only `read`; the mix also posts entries and lists counterparties / checks IBANs.
    args: (dir) => ["--toolsets", "read,bookkeeping,payments", "--database", `${dir}/finance.db`],
    writes:
      "finance_post_entry: balanced journal entries, each with its own idempotency key (no human needed), plus replays of keys written before the run (the same key and arguments: the stored result comes back, idempotentReplayed true)",
    seed: Array.from({ length: SEEDED_REPLAYS }, (_, k) => ({ tool: "finance_post_entry", args: { idempotencyKey: `load-seed-${pad(k, 4)}`, ...journalEntry(1_000_000 + k) } })),
    calls: [
      { weight: 12, kind: "read", tool: "finance_list_accounts", args: () => ({ limit: 10 }), check: (r) => r.structuredContent.accounts.length === 10 },
      { weight: 12, kind: "read", tool: "finance_get_balances", args: (i) => ({ accountId: ["acc_operating", "acc_savings", "acc_travel", "acc_usd"][i % 4] }), check: (r) => r.structuredContent !== undefined },
      // The account filter is the listing that used to rescan postings per entry; the ledger grows with every run.
      { weight: 14, kind: "read", tool: "finance_list_transactions", args: (i) => ({ accountId: i % 2 ? "acc_operating" : "acc_travel", limit: 20 }), check: (r) => r.structuredContent.transactions.length === 20 },
      { weight: 6, kind: "read", tool: "finance_list_transactions", args: () => ({ limit: 20 }), check: (r) => r.structuredContent.transactions.length === 20 },
      { weight: 8, kind: "read", tool: "finance_get_transaction", args: (i) => ({ transactionId: `tx_demo_${pad((i % 150) + 1, 5)}` }), check: (r) => r.structuredContent.transaction !== undefined },
      { weight: 6, kind: "read", tool: "finance_list_counterparties", args: () => ({ limit: 5 }), check: (r) => r.structuredContent.counterparties.length === 5 },
      { weight: 6, kind: "read", tool: "finance_trial_balance", args: () => ({}), check: (r) => r.structuredContent.totals.every((total) => total.balanced) },
      { weight: 6, kind: "read", tool: "finance_validate_account_identifier", args: () => ({ iban: "DE89370400440532013000" }), check: (r) => r.structuredContent !== undefined },
      { weight: 25, kind: "write", tool: "finance_post_entry", args: (i, run) => ({ idempotencyKey: `load-r${run}-${pad(i, 6)}`, ...journalEntry(run * 100_000 + i) }), check: (r) => r.structuredContent.idempotentReplayed === false },
      {
        weight: 5,
        kind: "write",
        tool: "finance_post_entry",
        args: (i) => ({ idempotencyKey: `load-seed-${pad(i % SEEDED_REPLAYS, 4)}`, ...journalEntry(1_000_000 + (i % SEEDED_REPLAYS)) }),
        check: (r) => r.structuredContent.idempotentReplayed === true,
      },
    ],
  },
  education: {
    args: (dir) => ["--data", `${dir}/education`],
    // On PostgreSQL the records (roster, gradebook, items, statements, keys) live in the database with the state.
    postgresArgs: () => [],
    writes:
      "none that reach the store: every education write (post_score, create_assignment, create_item, record_activity, import_framework) needs a human's approval, so the write share is edu_score_response, which scores a practice response and records nothing for a teacher",
    calls: [
      { weight: 6, kind: "read", tool: "edu_whoami", args: () => ({}), check: (r) => r.structuredContent.whoami.actingRole === "teacher" },
      { weight: 8, kind: "read", tool: "edu_list_classes", args: () => ({}), check: (r) => r.structuredContent.classes.length > 0 },
      { weight: 6, kind: "read", tool: "edu_get_class", args: () => ({ classSourcedId: "cls-alg1-a" }), check: (r) => r.structuredContent.class !== undefined },
      { weight: 10, kind: "read", tool: "edu_list_roster", args: () => ({ classSourcedId: "cls-alg1-a", limit: 20 }), check: (r) => r.structuredContent.roster.length === 20 },
      { weight: 8, kind: "read", tool: "edu_list_work", args: () => ({}), check: (r) => r.structuredContent.work.length > 0 },
      { weight: 6, kind: "read", tool: "edu_get_work", args: () => ({ lineItemSourcedId: "li-alg1-a-2" }), check: (r) => r.structuredContent.work !== undefined },
      { weight: 10, kind: "read", tool: "edu_list_results", args: () => ({ lineItemSourcedId: "li-alg1-a-2" }), check: (r) => r.structuredContent.results.length > 0 },
      { weight: 8, kind: "read", tool: "edu_gradebook_summary", args: () => ({ classSourcedId: "cls-alg1-a" }), check: (r) => r.structuredContent.cells.length > 0 },
      { weight: 6, kind: "read", tool: "edu_search_items", args: () => ({ query: "linear" }), check: (r) => r.structuredContent.items.length > 0 },
      { weight: 6, kind: "read", tool: "edu_get_item", args: () => ({ itemId: "item-alg-linear-1" }), check: (r) => r.structuredContent.item !== undefined },
      { weight: 6, kind: "read", tool: "edu_search_outcomes", args: () => ({ query: "equation" }), check: (r) => r.structuredContent.outcomes.length > 0 },
      { weight: 20, kind: "write", tool: "edu_score_response", args: (i) => ({ itemId: "item-alg-linear-1", response: { RESPONSE: ["A", "B", "C", "D"][i % 4] } }), check: (r) => r.structuredContent.recorded === false },
    ],
  },
  healthcare: {
    // A deployment keeps the audit trail in a file; without --audit-file the bin keeps it in memory, growing with every call.
    args: (dir) => ["--access", "read-write", "--scope", "patient/*.cruds", "--audit-file", `${dir}/audit.jsonl`],
    writes:
      "fhir_write dry runs (validation, the access checks and a preview; dryRun false always waits for a human's approval, so no resource is written)",
    calls: [
      { weight: 14, kind: "read", tool: "fhir_search", args: (i) => ({ resourceType: ["Observation", "Condition", "MedicationRequest", "Encounter"][i % 4], params: { patient: `patient-${pad((i % 60) + 1, 3)}` }, limit: 10 }), check: (r) => Array.isArray(r.structuredContent.items) },
      { weight: 12, kind: "read", tool: "fhir_read", args: (i) => ({ resourceType: "Patient", id: `patient-${pad((i % 60) + 1, 3)}` }), check: (r) => r.structuredContent.resource !== undefined },
      { weight: 8, kind: "read", tool: "patient_find", args: (i) => ({ gender: i % 2 ? "female" : "male" }), check: (r) => r.structuredContent.patients.length > 0 },
      { weight: 8, kind: "read", tool: "patient_everything", args: (i) => ({ patientId: `patient-${pad((i % 60) + 1, 3)}` }), check: (r) => r.structuredContent.total > 0 },
      { weight: 8, kind: "read", tool: "terminology_lookup", args: () => ({ system: "http://loinc.org", code: "8480-6" }), check: (r) => r.structuredContent.display !== undefined },
      { weight: 6, kind: "read", tool: "terminology_search", args: () => ({ text: "blood" }), check: (r) => r.structuredContent.concepts.length > 0 },
      { weight: 6, kind: "read", tool: "terminology_validate", args: () => ({ system: "http://loinc.org", code: "8480-6" }), check: (r) => r.structuredContent.result === true },
      { weight: 6, kind: "read", tool: "fhir_validate", args: () => ({ resource: { resourceType: "Observation", status: "final", code: { text: "Systolic" } } }), check: (r) => r.structuredContent.valid === true },
      { weight: 4, kind: "read", tool: "fhir_capabilities", args: () => ({}), check: (r) => r.structuredContent.fhirVersion === "4.0.1" },
      {
        weight: 28,
        kind: "write",
        tool: "fhir_write",
        args: (i) => ({
          action: "create",
          reason: `Home reading ${i}`,
          resource: {
            resourceType: "Observation",
            status: "final",
            code: { coding: [{ system: "http://loinc.org", code: "8480-6", display: "Systolic blood pressure" }] },
            subject: { reference: `Patient/patient-${pad((i % 60) + 1, 3)}` },
            valueQuantity: { value: 100 + (i % 60), unit: "mm[Hg]", system: "http://unitsofmeasure.org", code: "mm[Hg]" },
          },
        }),
        check: (r) => r.structuredContent.status === "dry-run" && r.structuredContent.allowed === true,
      },
    ],
  },
};
