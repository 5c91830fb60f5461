// Use a vertical from code: spawn its reference server over stdio and call it through the typed client.
import { templateClient } from "@mcp-verticals/template";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";

export async function defineOverStdio(term: string, command = "npx", args = ["-y", "-p", "@mcp-verticals/template", "mcp-template"]) {
  const template = templateClient({ language: "nb" });
  const client = new Client(
    { name: "my-host", version: "1.0.0" },
    { capabilities: { extensions: template.declaration }, versionNegotiation: { mode: "auto" } },
  );
  await client.connect(new StdioClientTransport({ command, args }));
  try {
    const { entry } = await template.bind(client).callTool("template_lookup_term", { term });
    return entry; // { term, language: "nb", definition, seeAlso }
  } finally {
    await client.close();
  }
}
