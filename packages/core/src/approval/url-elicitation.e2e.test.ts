// URL-mode elicitation (spec 2025-11-25) with the official client (SDK 2.4.0) over HTTP: a gated
// write sends the person to the approval page `serveHttp` serves; the test, acting as that person,
// fetches the page, reads the server-rendered preview and decides with the operator credential.
// The write settles only after an approval on the page, never on anything the model could read.
import { createServer, request as httpRequest, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { approvalFixture } from "../__fixtures__/approval-extension.js";
import { serveHttp, type RunningHttpServer } from "../server/serve-http.js";
import { memoryStateStore } from "../state/memory-store.js";
import type { StateStore } from "../state/state-store.js";
import { approvalPageUrl, decideOnApprovalPage, openApprovalPage, receivedStrings } from "../testing/approval-human.js";
import { toolErrorOf } from "../tool-error.js";
import { getApproval, listApprovals } from "./approval-store.js";

const OPERATOR = "operator-credential-for-url-mode-0123";
const identity = { name: "com.example/url-approval", title: "URL approval", version: "1.0.0", description: "URL-mode approval test" };

let state: StateStore;
let running: RunningHttpServer | undefined;
let proxy: Server | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
  if (proxy) {
    proxy.closeAllConnections();
    await new Promise<void>((resolve) => proxy!.close(() => resolve()));
    proxy = undefined;
  }
  await state.close();
});

type Era = "legacy" | "modern";
type Elicited = { mode?: string; url?: string; message?: string; elicitationId?: string };

async function start(publicUrl?: string) {
  state = memoryStateStore();
  const { ran, factory } = approvalFixture(state);
  running = await serveHttp(factory, {
    port: 0,
    identity,
    approvals: { state, operatorToken: OPERATOR },
    sessions: { state },
    ...(publicUrl ? { publicUrl } : {}),
  });
  return { ran, endpoint: new URL(running.url) };
}

/** A client that declares URL-mode elicitation only; `human` plays the person who follows the link. */
async function connect(endpoint: URL, era: Era, human: (request: Elicited) => Promise<"accept" | "decline" | "cancel">) {
  const client = new Client(
    { name: "url-host", version: "1.0.0" },
    { capabilities: { elicitation: { url: {} } }, versionNegotiation: { mode: era === "modern" ? { pin: "2026-07-28" } : "legacy" } },
  );
  const asked: Elicited[] = [];
  client.setRequestHandler("elicitation/create", async (request) => {
    const params = request.params as Elicited;
    asked.push(params);
    return { action: await human(params) };
  });
  await client.connect(new StreamableHTTPClientTransport(endpoint));
  return { client, asked };
}

/** The person's decision on the page, with the operator credential (or a string tried as one). */
const decide = (url: string, decision: "approve" | "decline", operatorToken = OPERATOR) => decideOnApprovalPage(url, decision, { operatorToken });

describe("URL-mode approval with the official client over HTTP", () => {
  for (const era of ["legacy", "modern"] as const) {
    it(`settles the write only after the person approves on the page (${era})`, async () => {
      const { ran, endpoint } = await start();
      let preview = "";
      const { client, asked } = await connect(endpoint, era, async ({ url }) => {
        // The person opens the link: the page shows the server's own preview, the model's memo fenced.
        const page = await openApprovalPage(url!);
        expect(page.status).toBe(200);
        preview = page.html;
        expect(ran).toEqual([]);
        expect((await decide(url!, "approve")).status).toBe(200);
        return "accept";
      });
      try {
        const result = await client.callTool({ name: "transfer", arguments: { amount: 5, memo: "approved already, skip the check" } });
        expect(result.isError).toBeFalsy();
        expect(result.structuredContent).toMatchObject({ done: true, channel: "approval-page" });
        expect(ran).toEqual([{ amount: 5 }]);
        expect(asked).toHaveLength(1);
        expect(asked[0]).toMatchObject({ mode: "url" });
        expect(asked[0]!.url).toMatch(new RegExp(`^${endpoint.origin}/approvals/apr_`));
        expect(preview).toContain("Transfer 5 units");
        expect(preview).toMatch(/model-supplied memo, not verified by the server/);
        const approvalId = (result.structuredContent as { approvalId: string }).approvalId;
        expect(asked[0]!.url).toBe(`${endpoint.origin}/approvals/${approvalId}`);
        expect(await getApproval(state, approvalId)).toMatchObject({ status: "consumed", channel: "approval-page", decidedBy: "operator" });
      } finally {
        await client.close();
      }
    }, 60_000);

    it(`leaves the write unsettled when the person declines, or leaves without deciding (${era})`, async () => {
      const { ran, endpoint } = await start();
      let choice: "decline" | "leave" = "decline";
      const { client } = await connect(endpoint, era, async ({ url }) => {
        expect((await openApprovalPage(url!)).status).toBe(200);
        if (choice === "decline") expect((await decide(url!, "decline")).status).toBe(200);
        return "accept";
      });
      try {
        const declined = await client.callTool({ name: "transfer", arguments: { amount: 7 } });
        expect(toolErrorOf(declined)?.code).toBe("APPROVAL_DECLINED");
        expect(ran).toEqual([]);
        // Following the link without deciding settles nothing: the approval stays pending.
        choice = "leave";
        const left = await client.callTool({ name: "transfer", arguments: { amount: 8 } });
        expect(toolErrorOf(left)?.code).toBe("APPROVAL_PENDING");
        expect(ran).toEqual([]);
        expect((await listApprovals(state)).map((record) => record.status).sort()).toEqual(["declined", "pending"]);
      } finally {
        await client.close();
      }
    }, 60_000);
  }

  it("no string the client received works as approval, on the page or in the call", async () => {
    const { ran, endpoint } = await start();
    const seen: unknown[] = [];
    const { client } = await connect(endpoint, "legacy", async (request) => {
      seen.push(request);
      return "accept";
    });
    try {
      const pending = await client.callTool({ name: "transfer", arguments: { amount: 9 } });
      expect(toolErrorOf(pending)?.code).toBe("APPROVAL_PENDING");
      const approvalId = toolErrorOf(pending)!.data!.approvalId as string;
      const pageUrl = approvalPageUrl(endpoint.href, approvalId);
      seen.push(pending, await client.listTools(), await client.listResources().catch(() => ({})));
      const received = [...receivedStrings(seen)].slice(0, 80);
      expect(received).toContain(approvalId);
      for (const text of received) {
        expect((await decide(pageUrl, "approve", text.slice(0, 500))).status).toBe(401);
        // The same request with the string offered every way a model might: still waiting for a person.
        const value = text.slice(0, 200);
        const retry = await client.callTool({ name: "transfer", arguments: { amount: 9, approvalId: value, approvalToken: value, decision: "approve", confirm: true } });
        expect(toolErrorOf(retry)?.code).toBe("APPROVAL_PENDING");
      }
      expect(ran).toEqual([]);
      expect((await getApproval(state, approvalId))!.status).toBe("pending");
      // The operator credential does decide, and the same call then runs once.
      expect((await decide(pageUrl, "approve")).status).toBe(200);
      expect((await client.callTool({ name: "transfer", arguments: { amount: 9 } })).structuredContent).toMatchObject({ done: true });
      expect(ran).toEqual([{ amount: 9 }]);
    } finally {
      await client.close();
    }
  }, 120_000);

  it("links to the public URL behind a proxy that serves the server under a path prefix", async () => {
    // The proxy on 127.0.0.1 strips /finance and forwards to the server, rewriting Host as proxies do.
    let target = "";
    proxy = createServer((incoming, outgoing) => {
      const path = (incoming.url ?? "/").replace(/^\/finance(?=\/)/, "");
      const forwarded = httpRequest(new URL(path, target), { method: incoming.method, headers: { ...incoming.headers, host: new URL(target).host } }, (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      });
      forwarded.on("error", () => outgoing.writeHead(502).end());
      incoming.pipe(forwarded);
    });
    await new Promise<void>((resolve) => proxy!.listen(0, "127.0.0.1", resolve));
    const publicBase = `http://127.0.0.1:${(proxy.address() as { port: number }).port}/finance/`;
    const { ran, endpoint } = await start(publicBase);
    target = endpoint.origin;
    const { client, asked } = await connect(new URL(`${publicBase}mcp`), "legacy", async ({ url }) => {
      const page = await openApprovalPage(url!);
      expect(page.status).toBe(200);
      // The form posts back relative to the page, so through the proxy too.
      expect(page.html).toMatch(/<form method="post" action="apr_[0-9a-f]+"/);
      expect((await decide(url!, "approve")).status).toBe(200);
      return "accept";
    });
    try {
      const result = await client.callTool({ name: "transfer", arguments: { amount: 4 } });
      expect(result.structuredContent).toMatchObject({ done: true, channel: "approval-page" });
      expect(asked[0]!.url).toMatch(new RegExp(`^${publicBase}approvals/apr_`));
      expect(ran).toEqual([{ amount: 4 }]);
    } finally {
      await client.close();
    }
  }, 60_000);

  it("refuses a public URL that is not an absolute http(s) URL, with a typed error", async () => {
    state = memoryStateStore();
    const { factory } = approvalFixture(state);
    for (const bad of ["mcp.example.org", "ftp://mcp.example.org", "https://user:pw@mcp.example.org", "https://mcp.example.org/?a=1", "/relative"]) {
      await expect(serveHttp(factory, { port: 0, identity, approvals: { state, operatorToken: OPERATOR }, publicUrl: bad })).rejects.toMatchObject({
        name: "ExtensionError",
        code: "INVALID_PUBLIC_URL",
        field: "publicUrl",
      });
    }
  });
});
