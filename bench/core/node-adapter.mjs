// Mounts a web-standard MCP handler ({ fetch(Request): Promise<Response> }) on node:http, the
// way @modelcontextprotocol/node's toNodeHandler does (headers copied, body read as text, an
// abort signal tied to the response, the response body streamed back). The bench's bare SDK
// side uses it so the SDK's own createMcpHandler is measured over real HTTP without pulling
// that adapter package (and hono) into the workspace.
export function toNodeListener(handler) {
  return async (req, res) => {
    const abort = new AbortController();
    let finished = false;
    res.on("close", () => {
      if (!finished) abort.abort();
    });
    try {
      const method = (req.method ?? "GET").toUpperCase();
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined) continue;
        if (Array.isArray(value)) for (const item of value) headers.append(name, item);
        else headers.set(name, value);
      }
      let body;
      if (method !== "GET" && method !== "HEAD") {
        const decoder = new TextDecoder();
        let text = "";
        for await (const chunk of req) text += decoder.decode(chunk, { stream: true });
        text += decoder.decode();
        if (text.length > 0) body = text;
      }
      const request = new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, { method, headers, signal: abort.signal, ...(body === undefined ? {} : { body }) });
      const response = await handler.fetch(request);
      const out = {};
      for (const [name, value] of response.headers) out[name] = value;
      res.writeHead(response.status, out);
      if (response.body === null) {
        finished = true;
        res.end();
        return;
      }
      for await (const chunk of response.body) res.write(chunk);
      finished = true;
      res.end();
    } catch {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      finished = true;
      res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32603, message: "Internal server error" } }));
    }
  };
}
