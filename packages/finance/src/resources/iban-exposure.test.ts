import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectInProcess, type InProcessConnection } from "@mcp-verticals/core/testing";
import { isValidIBAN } from "ibantools";
import { createFinanceRuntime, type FinanceRuntime } from "../server.js";
import { FINANCE_EXTENSION_ID, financeExtension } from "../extension.js";

/** Every full IBAN written in `text` (spaced or compact), found by checksum, not by shape alone. */
function fullIbans(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}/g)) {
    const compact = match[0].replace(/ /g, "");
    for (let length = compact.length; length >= 15; length--) {
      if (isValidIBAN(compact.slice(0, length))) {
        found.push(compact.slice(0, length));
        break;
      }
    }
  }
  return found;
}

const STATEMENT = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-20T00:00:00</CreDtTm></GrpHdr>
<Stmt><Id>LEAK-1</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-20</Dt></BookgDt><AcctSvcrRef>LEAK-REF-1</AcctSvcrRef>
<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Payer from FR14 2004 1010 0505 0001 3M02 606</Nm></Dbtr><DbtrAcct><Id><IBAN>FR1420041010050500013M02606</IBAN></Id></DbtrAcct></RltdPties>
<RmtInf><Ustrd>Refund to GB29NWBK60161331926819 thanks</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>`;

describe("no full IBAN reaches any client except in the pain.001 file", () => {
  let runtime: FinanceRuntime;
  let declaring: InProcessConnection;
  let plain: InProcessConnection;
  beforeAll(async () => {
    runtime = await createFinanceRuntime({ now: () => new Date("2026-11-24T10:00:00Z"), toolsets: ["all"] });
    declaring = await connectInProcess(() => runtime.createServer(), { era: "modern", extensions: { [FINANCE_EXTENSION_ID]: {} } });
    plain = await connectInProcess(() => runtime.createServer(), { era: "legacy" });
    // Free text carrying IBANs enters through a statement and a manual entry.
    const imported = await declaring.client.callTool({ name: "finance_import_statement", arguments: { idempotencyKey: "leak-import-0001", format: "camt.053", content: STATEMENT, dryRun: false } });
    expect(imported.isError).toBeFalsy();
    const posted = await declaring.client.callTool({
      name: "finance_post_entry",
      arguments: {
        idempotencyKey: "leak-post-0001",
        date: "2026-11-21",
        description: "Reclass, counterparty NL91 ABNA 0417 1643 00",
        postings: [
          { accountId: "acc_travel", amount: { amount: "1.00", currency: "EUR" } },
          { accountId: "acc_software", amount: { amount: "-1.00", currency: "EUR" } },
        ],
      },
    });
    expect(posted.isError).toBeFalsy();
  });
  afterAll(async () => {
    await declaring.close();
    await plain.close();
    await runtime.close();
  });

  it.each(["declaring", "plain"] as const)("scans every resource a %s client can read", async (who) => {
    const client = (who === "declaring" ? declaring : plain).client;
    const uris = new Set<string>();
    for (const resource of (await client.listResources()).resources) uris.add(resource.uri);
    for (const resource of financeExtension.resources) if (resource.example) uris.add(resource.example);
    uris.add("finance://accounts/acc_operating/statements/2026-11");
    uris.add("finance://accounts/acc_operating/transactions");
    let read = 0;
    for (const uri of uris) {
      if (uri.endsWith("/pain001")) continue; // the one place full IBANs belong
      const result = await client.readResource({ uri }).catch(() => undefined);
      if (!result) continue;
      read++;
      const text = JSON.stringify(result.contents);
      expect(fullIbans(text), uri).toEqual([]);
    }
    expect(read).toBeGreaterThan(5);
  });

  it.each(["declaring", "plain"] as const)("scans every tool result for a %s client, with each documented example", async (who) => {
    const client = (who === "declaring" ? declaring : plain).client;
    const listed = new Set((await client.listTools()).tools.map((tool) => tool.name));
    let called = 0;
    for (const tool of financeExtension.tools) {
      if (!listed.has(tool.name)) continue;
      for (const example of tool.examples ?? []) {
        const result = await client.callTool({ name: tool.name, arguments: example as Record<string, unknown> }).catch((error: unknown) => ({ error: String(error) }));
        called++;
        expect(fullIbans(JSON.stringify(result)), tool.name).toEqual([]);
      }
    }
    for (const args of [{ accountId: "acc_operating", limit: 50 }, { accountId: "acc_travel" }]) {
      const result = await client.callTool({ name: "finance_list_transactions", arguments: args }).catch((error: unknown) => ({ error: String(error) }));
      expect(fullIbans(JSON.stringify(result))).toEqual([]);
    }
    expect(called).toBeGreaterThan(3);
  });

  it("still carries the full IBANs in the pain.001 file, for a declaring client only", async () => {
    const payments = await runtime.storage.listPayments(0, 1);
    const text = JSON.stringify((await declaring.client.readResource({ uri: `finance://payments/${payments.items[0]!.id}/pain001` })).contents);
    expect(fullIbans(text).length).toBeGreaterThan(0);
  });
});
