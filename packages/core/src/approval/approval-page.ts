import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ExtensionError } from "../errors.js";
import type { StateStore } from "../state/state-store.js";
import { effectiveStatus, isApprovalId, type ApprovalRecord } from "./approval-record.js";
import { decideApproval, getApproval } from "./approval-store.js";

/**
 * Path prefix the approval page is served under.
 *
 * @example
 * ```ts
 * const pageUrl = `${origin}${APPROVAL_PAGE_PATH}${approvalId}`;
 * ```
 * @category Approval
 */
export const APPROVAL_PAGE_PATH = "/approvals/";

/**
 * Options for {@link handleApprovalPage}.
 * @category Approval
 */
export interface ApprovalPageOptions {
  state: StateStore;
  /** The operator credential (e.g. `MCP_OPERATOR_TOKEN`), distinct from the MCP bearer token. */
  operatorToken: string;
  /** This server's origin (`http://127.0.0.1:3000`); decisions from origins other than it (or the request's own Host) are refused. */
  origin: string;
  /** Clock in epoch ms (tests). */
  now?: () => number;
}

const FORM_BYTES = 8 * 1024;

const HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  // The page is only ever a top-level document the operator opens: no scripts, no framing (clickjacking), no leaks.
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}pre{white-space:pre-wrap;background:#f4f4f4;padding:1rem;border-radius:6px}button{font-size:1rem;padding:.5rem 1.2rem;margin-right:.5rem}.status{font-weight:600}</style>
</head><body>${body}</body></html>`;
}

function recordView(record: ApprovalRecord, now: number): string {
  const status = effectiveStatus(record, now);
  const decided = record.decidedBy ? `<p>Decided by ${escapeHtml(record.decidedBy)} through ${escapeHtml(record.channel ?? "")}.</p>` : "";
  return `<h1>Approval request</h1>
<p>Action <code>${escapeHtml(record.binding)}</code>, approval <code>${escapeHtml(record.id)}</code></p>
<p class="status">Status: ${escapeHtml(status)} &middot; expires ${escapeHtml(new Date(record.expiresAt).toISOString())}</p>
<pre>${escapeHtml(record.preview)}</pre>${decided}`;
}

function decisionForm(record: ApprovalRecord): string {
  // Relative to the page itself, so the form posts back through a proxy's path prefix too.
  return `<form method="post" action="${escapeHtml(record.id)}">
<p><label>Operator credential <input type="password" name="operator_token" autocomplete="current-password" required></label></p>
<p><button type="submit" name="decision" value="approve">Approve</button><button type="submit" name="decision" value="decline">Decline</button></p>
</form>`;
}

function send(response: ServerResponse, status: number, html: string, extra: Record<string, string> = {}): void {
  response.writeHead(status, { ...HEADERS, "content-length": Buffer.byteLength(html), ...extra });
  response.end(html);
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > FORM_BYTES) return undefined;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/**
 * Serves the human approval page: `GET /approvals/<id>` shows the server-rendered preview
 * (HTML-escaped) with Approve and Decline buttons; `POST /approvals/<id>` records the decision
 * when it carries the operator credential (form field `operator_token`, or
 * `Authorization: Bearer <operator token>`), comes from this server's own origin and the
 * approval is still pending. Resolves false for paths it does not own.
 *
 * The preview holds only what the MCP client already saw, so the page can be opened without
 * the credential; deciding cannot.
 *
 * @example
 * ```ts
 * if (await handleApprovalPage(request, response, { state, operatorToken, origin })) return;
 * ```
 * @category Approval
 */
export async function handleApprovalPage(request: IncomingMessage, response: ServerResponse, options: ApprovalPageOptions): Promise<boolean> {
  const url = new URL(request.url ?? "/", options.origin);
  if (!url.pathname.startsWith(APPROVAL_PAGE_PATH)) return false;
  const now = options.now ?? Date.now;
  const id = url.pathname.slice(APPROVAL_PAGE_PATH.length);
  const record = isApprovalId(id) ? await getApproval(options.state, id, now()) : undefined;
  if (request.method !== "GET" && request.method !== "POST") {
    request.resume();
    send(response, 405, page("Method not allowed", "<h1>Method not allowed</h1>"), { allow: "GET, POST" });
    return true;
  }
  if (!record) {
    request.resume();
    send(response, 404, page("Not found", "<h1>No such approval</h1><p>It may have expired.</p>"));
    return true;
  }
  if (request.method === "GET") {
    send(response, 200, page("Approval request", recordView(record, now()) + (record.status === "pending" ? decisionForm(record) : "")));
    return true;
  }

  // CSRF: a decision must come from this origin (browsers send Origin on POST), never cross-site.
  const origin = request.headers.origin;
  const fetchSite = request.headers["sec-fetch-site"];
  const host = request.headers.host;
  const sameOrigin = origin === undefined || origin === options.origin || (host !== undefined && (origin === `http://${host}` || origin === `https://${host}`));
  if (!sameOrigin || (fetchSite !== undefined && fetchSite !== "same-origin" && fetchSite !== "none")) {
    request.resume();
    send(response, 403, page("Forbidden", "<h1>Forbidden</h1><p>Decisions are accepted only from this server's own page.</p>"));
    return true;
  }
  const contentType = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (contentType !== "application/x-www-form-urlencoded") {
    request.resume();
    send(response, 415, page("Unsupported", "<h1>Unsupported request</h1><p>Send the form as application/x-www-form-urlencoded.</p>"));
    return true;
  }
  const form = await readForm(request);
  if (!form) {
    send(response, 413, page("Too large", "<h1>Request too large</h1>"));
    return true;
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "")?.[1];
  const credential = form.get("operator_token") ?? bearer ?? "";
  if (credential === "" || !sameSecret(credential, options.operatorToken)) {
    send(response, 401, page("Not authorized", recordView(record, now()) + "<p><strong>The operator credential is not valid.</strong></p>" + (record.status === "pending" ? decisionForm(record) : "")));
    return true;
  }
  const decision = form.get("decision");
  if (decision !== "approve" && decision !== "decline") {
    send(response, 400, page("Bad request", "<h1>Choose Approve or Decline</h1>"));
    return true;
  }
  try {
    const decided = await decideApproval(options.state, record.id, { decision, channel: "approval-page", decidedBy: "operator" }, now());
    send(response, 200, page("Decision recorded", `${recordView(decided, now())}<p><strong>${decision === "approve" ? "Approved" : "Declined"}.</strong> The assistant's next call with the same request ${decision === "approve" ? "will run it once" : "will be refused"}.</p>`));
  } catch (error) {
    if (!(error instanceof ExtensionError)) throw error;
    send(response, 409, page("Not decided", `${recordView(record, now())}<p><strong>${escapeHtml(error.message)}</strong></p>`));
  }
  return true;
}
