/**
 * The conformance fixture's diagnostics: the tools, resources and prompts that the official MCP
 * conformance suite (`@modelcontextprotocol/conformance`) calls by name, composed onto a real
 * server. Everything the suite scores about the serving layer (envelope validation, headers, DNS
 * rebinding, caching, errors) still comes from that server and core's serving stack; the
 * diagnostics only give the suite something to call.
 *
 * Each diagnostic does what the suite's scenario description asks of *any* server, implemented
 * with the public SDK API and nothing that inspects the suite's checks:
 *   - content tools (text, image, audio, embedded resource, mixed, error, progress, logging);
 *   - static resources `test://static-text`, `test://static-binary`, `test://watched-resource`
 *     and the template `test://template/{id}/data`;
 *   - prompts (simple, arguments with completion, embedded resource, image);
 *   - a JSON Schema 2020-12 tool and a tool with SEP-2243 `x-mcp-header` parameters;
 *   - list-mutation hooks (`test_trigger_tool_change`, `test_trigger_prompt_change`).
 * The multi-round-trip diagnostics are in `input-required.ts`, the task tools in `task-fixtures.ts`.
 */
import { completable, fromJsonSchema, ResourceTemplate, type McpServer, type ServerContext } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { FixtureState } from "./fixture-state.js";

/** A 1x1 red PNG. */
const RED_PIXEL_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";

/** A tiny valid WAV file (8 kHz, mono, 8-bit PCM, 8 samples of silence), base64. */
const SILENT_WAV = (() => {
  const samples = Buffer.alloc(8, 128);
  const header = Buffer.alloc(44);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(36 + samples.length, 4);
  header.write("WAVE", 8, "ascii");
  header.write("fmt ", 12, "ascii");
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(8000, 24); // sample rate
  header.writeUInt32LE(8000, 28); // byte rate
  header.writeUInt16LE(1, 32); // block align
  header.writeUInt16LE(8, 34); // bits per sample
  header.write("data", 36, "ascii");
  header.writeUInt32LE(samples.length, 40);
  return Buffer.concat([header, samples]).toString("base64");
})();

/** The JSON Schema 2020-12 document the `json_schema_2020_12_tool` declares as its input. */
const CONTACT_SCHEMA_2020_12 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  $defs: {
    address: {
      $anchor: "addressDef",
      type: "object",
      properties: { street: { type: "string" }, city: { type: "string" } },
    },
  },
  properties: {
    name: { type: "string" },
    address: { $ref: "#/$defs/address" },
    contactMethod: { type: "string", enum: ["phone", "email"] },
    phone: { type: "string" },
    email: { type: "string" },
  },
  allOf: [{ anyOf: [{ required: ["phone"] }, { required: ["email"] }] }],
  if: { properties: { contactMethod: { const: "phone" } }, required: ["contactMethod"] },
  then: { required: ["phone"] },
  else: { required: ["email"] },
  additionalProperties: false,
} as const;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const NO_ARGS = z.object({});
const text = (value: string) => ({ type: "text" as const, text: value });

/** Adds the content, schema, list-mutation, resource and prompt diagnostics. */
export function addConformanceDiagnostics(server: McpServer, state: FixtureState): McpServer {
  // Logging is deprecated in 2026-07-28 but still part of the revision: `test_logging_tool` and
  // `test_tool_with_logging` emit log notifications, which the SDK only forwards when the request
  // asked for a log level.
  server.server.registerCapabilities({ logging: {} });

  // ── content tools ──────────────────────────────────────────────────────────
  server.registerTool("test_simple_text", { description: "Returns a simple text result.", inputSchema: NO_ARGS }, () => ({
    content: [text("This is a simple text response for testing.")],
  }));
  server.registerTool("test_image_content", { description: "Returns an image content block.", inputSchema: NO_ARGS }, () => ({
    content: [{ type: "image", data: RED_PIXEL_PNG, mimeType: "image/png" }],
  }));
  server.registerTool("test_audio_content", { description: "Returns an audio content block.", inputSchema: NO_ARGS }, () => ({
    content: [{ type: "audio", data: SILENT_WAV, mimeType: "audio/wav" }],
  }));
  server.registerTool("test_embedded_resource", { description: "Returns an embedded resource.", inputSchema: NO_ARGS }, () => ({
    content: [
      {
        type: "resource",
        resource: { uri: "test://embedded-resource", mimeType: "text/plain", text: "This is an embedded resource content." },
      },
    ],
  }));
  server.registerTool("test_multiple_content_types", { description: "Returns text, image and resource content.", inputSchema: NO_ARGS }, () => ({
    content: [
      text("Multiple content types test:"),
      { type: "image", data: RED_PIXEL_PNG, mimeType: "image/png" },
      {
        type: "resource",
        resource: { uri: "test://mixed-content-resource", mimeType: "application/json", text: JSON.stringify({ test: "data", value: 123 }) },
      },
    ],
  }));
  server.registerTool("test_error_handling", { description: "Always fails with a tool error.", inputSchema: NO_ARGS }, () => {
    throw new Error("This tool intentionally returns an error for testing");
  });
  server.registerTool("test_tool_with_progress", { description: "Reports progress 0, 50, 100 of 100.", inputSchema: NO_ARGS }, async (_args, ctx) => {
    const progressToken = ctx.mcpReq._meta?.progressToken;
    for (const progress of [0, 50, 100]) {
      if (progressToken !== undefined) {
        await ctx.mcpReq.notify({ method: "notifications/progress", params: { progressToken, progress, total: 100 } });
      }
      if (progress < 100) await sleep(50);
    }
    return { content: [text("Progress reporting complete.")] };
  });
  const logThree = async (ctx: ServerContext) => {
    await ctx.mcpReq.log("info", "Tool execution started");
    await sleep(50);
    await ctx.mcpReq.log("info", "Tool processing data");
    await sleep(50);
    await ctx.mcpReq.log("info", "Tool execution completed");
  };
  server.registerTool("test_tool_with_logging", { description: "Sends three info log messages.", inputSchema: NO_ARGS }, async (_args, ctx) => {
    await logThree(ctx);
    return { content: [text("Logging complete.")] };
  });
  server.registerTool("test_logging_tool", { description: "Sends log messages (only delivered when the request set a log level).", inputSchema: NO_ARGS }, async (_args, ctx) => {
    await logThree(ctx);
    return { content: [text("Logging complete.")] };
  });

  // ── schema features ────────────────────────────────────────────────────────
  server.registerTool(
    "json_schema_2020_12_tool",
    { description: "Takes a contact described with JSON Schema 2020-12 keywords.", inputSchema: fromJsonSchema(CONTACT_SCHEMA_2020_12) },
    (args) => ({ content: [text(`Contact: ${JSON.stringify(args)}`)] }),
  );
  server.registerTool(
    "test_custom_headers",
    {
      description: "Echoes parameters that clients also mirror into Mcp-Param-* headers (SEP-2243).",
      inputSchema: z.object({
        region: z.string().meta({ "x-mcp-header": "Region" }),
        note: z.string().optional(),
      }),
    },
    ({ region, note }) => ({ content: [text(`region=${region}${note ? ` note=${note}` : ""}`)] }),
  );

  // ── list mutation hooks ────────────────────────────────────────────────────
  const registerExtraTool = (index: number) =>
    server.registerTool(`test_dynamic_tool_${index}`, { description: `Dynamically added tool #${index}.`, inputSchema: NO_ARGS }, () => ({
      content: [text(`dynamic tool ${index}`)],
    }));
  const registerExtraPrompt = (index: number) =>
    server.registerPrompt(`test_dynamic_prompt_${index}`, { description: `Dynamically added prompt #${index}.` }, () => ({
      messages: [{ role: "user", content: text(`dynamic prompt ${index}`) }],
    }));
  for (let index = 1; index <= state.extraTools; index++) registerExtraTool(index);
  for (let index = 1; index <= state.extraPrompts; index++) registerExtraPrompt(index);
  server.registerTool("test_trigger_tool_change", { description: "Adds a tool to the tool list.", inputSchema: NO_ARGS }, () => {
    registerExtraTool(++state.extraTools);
    void state.notify?.toolsChanged();
    return { content: [text(`tool list now has ${state.extraTools} dynamic tool(s)`)] };
  });
  server.registerTool("test_trigger_prompt_change", { description: "Adds a prompt to the prompt list.", inputSchema: NO_ARGS }, () => {
    registerExtraPrompt(++state.extraPrompts);
    void state.notify?.promptsChanged();
    return { content: [text(`prompt list now has ${state.extraPrompts} dynamic prompt(s)`)] };
  });

  // ── resources ──────────────────────────────────────────────────────────────
  server.registerResource(
    "static-text",
    "test://static-text",
    { description: "A static text resource.", mimeType: "text/plain" },
    (uri) => ({ contents: [{ uri: uri.href, mimeType: "text/plain", text: "This is the content of the static text resource." }] }),
  );
  server.registerResource(
    "static-binary",
    "test://static-binary",
    { description: "A static binary resource (a PNG image).", mimeType: "image/png" },
    (uri) => ({ contents: [{ uri: uri.href, mimeType: "image/png", blob: RED_PIXEL_PNG }] }),
  );
  server.registerResource(
    "watched-resource",
    "test://watched-resource",
    { description: "A resource clients may subscribe to.", mimeType: "text/plain" },
    (uri) => ({ contents: [{ uri: uri.href, mimeType: "text/plain", text: "Watched resource content." }] }),
  );
  server.registerResource(
    "template-data",
    new ResourceTemplate("test://template/{id}/data", { list: undefined }),
    { description: "JSON data for an id.", mimeType: "application/json" },
    (uri, { id }) => ({
      contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify({ id, templateTest: true, data: `Data for ID: ${id}` }) }],
    }),
  );

  // ── prompts ────────────────────────────────────────────────────────────────
  server.registerPrompt("test_simple_prompt", { description: "A prompt without arguments." }, () => ({
    messages: [{ role: "user", content: text("This is a simple prompt for testing.") }],
  }));
  server.registerPrompt(
    "test_prompt_with_arguments",
    {
      description: "A prompt with two arguments (arg1 completes).",
      argsSchema: z.object({
        arg1: completable(z.string().describe("First test argument"), (value) =>
          ["test", "testing", "tested", "value"].filter((option) => option.startsWith(value ?? "")),
        ),
        arg2: z.string().describe("Second test argument"),
      }),
    },
    ({ arg1, arg2 }) => ({ messages: [{ role: "user", content: text(`Prompt with arguments: arg1='${arg1}', arg2='${arg2}'`) }] }),
  );
  server.registerPrompt(
    "test_prompt_with_embedded_resource",
    { description: "A prompt embedding a resource.", argsSchema: z.object({ resourceUri: z.string().describe("URI of the resource to embed") }) },
    ({ resourceUri }) => ({
      messages: [
        { role: "user", content: { type: "resource", resource: { uri: resourceUri, mimeType: "text/plain", text: "Embedded resource content for testing." } } },
        { role: "user", content: text("Please process the embedded resource above.") },
      ],
    }),
  );
  server.registerPrompt("test_prompt_with_image", { description: "A prompt with an image." }, () => ({
    messages: [
      { role: "user", content: { type: "image", data: RED_PIXEL_PNG, mimeType: "image/png" } },
      { role: "user", content: text("Please analyze the image above.") },
    ],
  }));

  return server;
}
