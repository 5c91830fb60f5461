import { afterEach, describe, expect, it } from "vitest";
import { McpServer } from "@modelcontextprotocol/server";
import { serveHttp, type RunningHttpServer } from "../server/serve-http.js";
import { memoryStateStore } from "../state/memory-store.js";
import type { StateStore } from "../state/state-store.js";
import { getApproval } from "./approval-store.js";
import { openApproval } from "./approval-store.js";
import { approvalChannels } from "./channels.js";
import { renderApprovalPreview } from "./preview.js";

const OPERATOR = "operator-credential-0123456789";
const BEARER = "mcp-bearer-token-0123456789";
const identity = { name: "com.example/approval-page", title: "Approval page", version: "1.0.0", description: "Approval page test" };

let state: StateStore;
let running: RunningHttpServer | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
  await state.close();
});

async function start() {
  state = memoryStateStore();
  running = await serveHttp(() => new McpServer({ name: "page", version: "1" }), { port: 0, identity, auth: { token: BEARER }, approvals: { state, operatorToken: OPERATOR } });
  const origin = new URL(running.url).origin;
  const record = await openApproval(
    state,
    {
      binding: "transfer",
      args: { amount: 5 },
      principal: null,
      preview: renderApprovalPreview({ title: "Approve?", facts: ["Pay 5 units to <b>ACME</b>"], modelSupplied: [{ label: "memo", text: "<script>alert(1)</script>" }] }),
      ttlMs: 60_000,
    },
    Date.now(),
  );
  return { origin, record, pageUrl: `${origin}/approvals/${record.id}` };
}

const post = (url: string, body: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(body).toString() });

describe("the approval page", () => {
  it("registers itself as a channel and shows the preview escaped, with no scripts", async () => {
    const { origin, pageUrl } = await start();
    expect(approvalChannels(state).pageBaseUrl).toBe(`${origin}/approvals/`);
    const response = await fetch(pageUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    const html = await response.text();
    expect(html).toContain("Pay 5 units to &lt;b&gt;ACME&lt;/b&gt;");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>");
    expect(html).toContain('name="operator_token"');
    expect((await fetch(`${origin}/approvals/apr_${"0".repeat(32)}`)).status).toBe(404);
  });

  it("decides only with the operator credential, from its own origin, once", async () => {
    const { origin, record, pageUrl } = await start();
    expect((await post(pageUrl, { decision: "approve" })).status).toBe(401);
    // The MCP bearer token is not an operator credential.
    expect((await post(pageUrl, { decision: "approve", operator_token: BEARER })).status).toBe(401);
    expect((await post(pageUrl, { decision: "approve" }, { authorization: `Bearer ${BEARER}` })).status).toBe(401);
    // Cross-site form posts are refused even with the credential.
    expect((await post(pageUrl, { decision: "approve", operator_token: OPERATOR }, { origin: "http://localhost:9" })).status).toBe(403);
    expect((await post(pageUrl, { decision: "approve", operator_token: OPERATOR }, { "sec-fetch-site": "cross-site" })).status).toBe(403);
    const json = await fetch(pageUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ decision: "approve", operator_token: OPERATOR }) });
    expect(json.status).toBe(415);
    expect((await getApproval(state, record.id))!.status).toBe("pending");

    const approved = await post(pageUrl, { decision: "approve", operator_token: OPERATOR }, { origin });
    expect(approved.status).toBe(200);
    expect(await getApproval(state, record.id)).toMatchObject({ status: "approved", channel: "approval-page", decidedBy: "operator" });
    const again = await post(pageUrl, { decision: "decline" }, { authorization: `Bearer ${OPERATOR}` });
    expect(again.status).toBe(409);
    expect((await getApproval(state, record.id))!.status).toBe("approved");
  });

  it("refuses an operator credential equal to the MCP bearer token", async () => {
    state = memoryStateStore();
    await expect(serveHttp(() => new McpServer({ name: "page", version: "1" }), { port: 0, identity, auth: { token: BEARER }, approvals: { state, operatorToken: BEARER } })).rejects.toThrow(/differ/);
  });
});
