// Detect an extension from a client: is it advertised, and is this connection actually served the negotiated behaviour?
import { ExtensionNotSupportedError } from "@mcp-verticals/core";
import { templateClient } from "@mcp-verticals/template";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

export async function detectTemplate(endpoint: URL, era: "2025" | "2026-07-28") {
  const template = templateClient({ language: "nb" });
  const client = new Client(
    { name: "my-host", version: "1.0.0" },
    { capabilities: { extensions: template.declaration }, versionNegotiation: { mode: era === "2025" ? "legacy" : { pin: "2026-07-28" } } },
  );
  await client.connect(new StreamableHTTPClientTransport(endpoint));
  try {
    let bound;
    try {
      bound = template.bind(client); // reads the server's advertisement: id, a common version, valid settings
    } catch (error) {
      if (error instanceof ExtensionNotSupportedError) return { advertised: false as const, reason: error.message };
      throw error;
    }
    // bind() computes the settings the server *would* negotiate; it cannot see whether this request
    // carried the declaration. The served answer and gated methods tell you.
    const { entry } = await bound.callTool("template_lookup_term", { term: "extension" });
    let gated: "available" | "requires declaration" = "available";
    try {
      await bound.request("stats", {});
    } catch (error) {
      if ((error as { code?: unknown }).code !== -32021) throw error;
      gated = "requires declaration"; // the server served this request the fallback
    }
    return { advertised: true as const, expected: bound.settings.language, served: entry.language, gated };
  } finally {
    await client.close();
  }
}
