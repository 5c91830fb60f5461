// Records the JSON-RPC exchange of the official MCP client with a server over real stateless HTTP on
// 127.0.0.1 (port 0), in both protocol eras, so the docs' wire examples are copied from a real run.

/** A fetch that records every JSON-RPC message sent and received (JSON or SSE bodies). */
export function recordingFetch(log) {
  return async (url, init) => {
    const body = typeof init?.body === "string" ? JSON.parse(init.body) : undefined;
    const response = await fetch(url, init);
    // Only POSTed messages: the client's optional GET for a standalone stream is not part of the exchange.
    if (!body) return response;
    log.push({ send: body });
    const type = response.headers.get("content-type") ?? "";
    if (!type.includes("json") && !type.includes("event-stream")) return response;
    const text = await response.clone().text();
    if (type.includes("json") && text) log.push({ receive: JSON.parse(text) });
    else for (const line of text.split("\n")) if (line.startsWith("data: ")) log.push({ receive: JSON.parse(line.slice(6)) });
    return response;
  };
}

/** The eras recorded, as the official client's `versionNegotiation` options. */
export const WIRE_ERAS = {
  2025: "legacy",
  "2026-07-28": { pin: "2026-07-28" },
};

/**
 * Serves `factory` over HTTP and records, per era, a client that declares `declaration` (its
 * capabilities.extensions object) connecting and then running `exercise(client)`: by default one
 * `call` (a tools/call request's params). What `exercise` resolves (an object) is kept next to the
 * exchange. `modules` holds `serveHttp` (core) and `Client`, `StreamableHTTPClientTransport`
 * (official client). Resolves `{ [era]: { protocolVersion, ...observed, exchange } }`.
 */
export async function captureExchanges({ modules, factory, identity, declaration, call, exercise = async (client) => (await client.callTool(call), {}) }) {
  const { serveHttp, Client, StreamableHTTPClientTransport } = modules;
  const running = await serveHttp(factory, { port: 0, identity });
  try {
    const eras = {};
    for (const [era, mode] of Object.entries(WIRE_ERAS)) {
      const log = [];
      const client = new Client({ name: "wire-capture", version: "1.0.0" }, { capabilities: { extensions: declaration }, versionNegotiation: { mode } });
      await client.connect(new StreamableHTTPClientTransport(new URL(running.url), { fetch: recordingFetch(log) }));
      let protocolVersion;
      let observed;
      try {
        protocolVersion = client.getNegotiatedProtocolVersion?.();
        observed = await exercise(client);
      } finally {
        await client.close();
      }
      eras[era] = { protocolVersion, ...observed, exchange: log };
    }
    return eras;
  } finally {
    await running.close();
  }
}

/** JSON text of a message, with long strings and arrays shortened so a page stays readable. */
export function readableJson(message, { maxString = 240, maxItems = 3 } = {}) {
  const shorten = (value) => {
    if (typeof value === "string") return value.length > maxString ? `${value.slice(0, maxString)}… (${value.length - maxString} more characters)` : value;
    if (Array.isArray(value)) {
      const kept = value.slice(0, maxItems).map(shorten);
      return value.length > maxItems ? [...kept, `… ${value.length - maxItems} more`] : kept;
    }
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, shorten(item)]));
    return value;
  };
  return JSON.stringify(shorten(message), null, 2);
}
