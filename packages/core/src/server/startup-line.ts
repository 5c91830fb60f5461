import { publicBaseUrl } from "./public-url.js";

/**
 * The line an HTTP bin logs once it listens: the bound endpoint (what a local client or a proxy
 * connects to), and, behind a proxy (`--public-url` / `MCP_PUBLIC_URL`), the endpoint and server
 * card clients should use, each labelled, since the bound address is not reachable from outside.
 *
 * @example
 * ```ts
 * httpStartupLine({ command: "mcp-x", url: "http://127.0.0.1:4100/mcp", cardUrl: "http://127.0.0.1:4100/mcp/server-card", publicUrl: "https://mcp.example.org", bearer: false, state: "sqlite" });
 * // "mcp-x listening on http://127.0.0.1:4100/mcp (bound address; clients connect to https://mcp.example.org/mcp, server card: https://mcp.example.org/mcp/server-card); state: sqlite"
 * ```
 * @category Server
 */
export function httpStartupLine(input: { command: string; url: string; cardUrl: string; publicUrl?: string | undefined; bearer: boolean; state: string }): string {
  const tail = `${input.bearer ? ", bearer token required" : ""}; state: ${input.state}`;
  if (input.publicUrl === undefined) return `${input.command} listening on ${input.url} (server card: ${input.cardUrl})${tail}`;
  // The proxy maps the public base onto the bound root: the same paths under the public base.
  const base = publicBaseUrl(input.publicUrl);
  const endpoint = `${base}${new URL(input.url).pathname}`;
  const card = `${base}${new URL(input.cardUrl).pathname}`;
  return `${input.command} listening on ${input.url} (bound address; clients connect to ${endpoint}, server card: ${card})${tail}`;
}
