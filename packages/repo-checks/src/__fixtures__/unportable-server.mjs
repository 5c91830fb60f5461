// A stdio MCP server with one tool whose input schema is deliberately not portable (a `type`
// array, a bare `true` property and an untyped property), so inspector-strict.e2e.test.ts can show
// that the Inspector's --strict check it relies on does report such findings.
import { McpServer, fromJsonSchema } from "@modelcontextprotocol/server";
import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";

const server = new McpServer({ name: "unportable", version: "1.0.0" });
server.registerTool(
  "unportable_echo",
  {
    description: "Echoes nothing; exists for its schema.",
    inputSchema: fromJsonSchema({ type: "object", properties: { mean: { type: ["number", "null"] }, flag: true, raw: {} } }),
  },
  async () => ({ content: [{ type: "text", text: "ok" }] }),
);
await server.connect(new StdioServerTransport());
