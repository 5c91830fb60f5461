/**
 * Conformance fixture: the template reference server plus the diagnostic tools, resources and
 * prompts that the official MCP conformance suite (`@modelcontextprotocol/conformance`) calls by
 * name. Everything the suite scores about the serving layer (envelope validation, headers, DNS
 * rebinding, caching, errors) still comes from the real `createTemplateServer()` + `serveHttp`
 * stack; the fixture only gives the suite something to call.
 *
 * Each diagnostic does what the suite's scenario description asks of *any* server, implemented
 * with the public SDK API and nothing that inspects the suite's checks:
 *   - content tools (text, image, audio, embedded resource, mixed, error, progress, logging);
 *   - static resources `test://static-text`, `test://static-binary`, `test://watched-resource`
 *     and the template `test://template/{id}/data`;
 *   - prompts (simple, arguments with completion, embedded resource, image);
 *   - multi-round-trip (SEP-2322) tools and one prompt that return `inputRequired(...)`, with an
 *     HMAC-protected `requestState` (the SDK's `createRequestStateCodec`) that the handlers verify;
 *   - a JSON Schema 2020-12 tool and a tool with SEP-2243 `x-mcp-header` parameters;
 *   - list-mutation hooks (`test_trigger_tool_change`, `test_trigger_prompt_change`).
 *
 * Not a public API: used only by `official-suite.e2e.test.ts`.
 */
import { randomBytes } from "node:crypto";
import { createTaskRuntime, requestClientCapabilities, type TaskRuntime } from "@mcp-verticals/core";
import {
  acceptedContent,
  completable,
  createRequestStateCodec,
  fromJsonSchema,
  inputRequired,
  inputResponse,
  ProtocolError,
  ProtocolErrorCode,
  ResourceTemplate,
  type InputRequest,
  type McpServer,
  type ServerContext,
  type ServerNotifier,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import { createTemplateServer, type TemplateServerOptions } from "../server.js";
import { addTaskFixtures } from "./task-fixtures.js";

/** A 1x1 red PNG. */
export const RED_PIXEL_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";

/** A tiny valid WAV file (8 kHz, mono, 8-bit PCM, 8 samples of silence), base64. */
export const SILENT_WAV = (() => {
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

/** Multi-round state sealed by the fixture's HMAC codec. */
interface FlowState {
  tool: string;
  round: number;
  name?: string;
}

/** Shared across the per-request server instances of one fixture: the HMAC key and the mutable lists. */
export interface ConformanceFixtureState {
  readonly codec: ReturnType<typeof createRequestStateCodec<FlowState>>;
  extraTools: number;
  extraPrompts: number;
  /** Runs the task fixtures' tasks; outlives the per-request server instances. */
  readonly tasks: TaskRuntime;
  /**
   * Publishes list changes to `subscriptions/listen` streams. Under a per-request serving entry
   * only the HTTP handler's event bus reaches those streams; wire its `notify` here when the
   * serving layer exposes it (core's serveHttp does not yet).
   */
  notify?: Pick<ServerNotifier, "toolsChanged" | "promptsChanged">;
}

/** Creates the state one fixture's server instances share (one HMAC key per fixture). */
export function createFixtureState(): ConformanceFixtureState {
  return {
    codec: createRequestStateCodec<FlowState>({ key: randomBytes(32), ttlSeconds: 600 }),
    extraTools: 0,
    extraPrompts: 0,
    tasks: createTaskRuntime({ pollIntervalMs: 200 }),
  };
}

/**
 * Reads and verifies the `requestState` a retried request carried. Tampered, expired or foreign
 * state is refused with `-32602`, as the MRTR integrity requirement asks; absent state is `undefined`.
 */
async function verifiedState(state: ConformanceFixtureState, ctx: ServerContext, tool: string): Promise<FlowState | undefined> {
  const raw = ctx.mcpReq.requestState<unknown>();
  if (raw === undefined) return undefined;
  let decoded: FlowState;
  try {
    if (typeof raw !== "string") throw new Error("not a string");
    decoded = await state.codec.verify(raw, ctx);
  } catch {
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, "Invalid or expired requestState", { reason: "invalid_request_state" });
  }
  if (decoded.tool !== tool) {
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, "Invalid or expired requestState", { reason: "invalid_request_state" });
  }
  return decoded;
}

const askName = (message = "What is your name?") =>
  inputRequired.elicit({ message, requestedSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } });
const NameAnswer = z.object({ name: z.string() });

/** Adds the conformance diagnostics to a server built by `createTemplateServer`. */
export function addConformanceDiagnostics(server: McpServer, state: ConformanceFixtureState): McpServer {
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

  // ── capability-dependent tools (SEP-2575 / SEP-2322) ───────────────────────
  server.registerTool("test_missing_capability", { description: "Needs the client's sampling capability.", inputSchema: NO_ARGS }, async (_args, ctx) => {
    const answer = inputResponse(ctx.mcpReq.inputResponses, "summary");
    if (answer.kind === "sampling") return { content: [text(`Sampled: ${JSON.stringify(answer.result.content)}`)] };
    // The SDK's input-required seam answers -32021 when the request did not declare `sampling`.
    return inputRequired({
      inputRequests: { summary: inputRequired.createMessage({ messages: [{ role: "user", content: text("Summarize.") }], maxTokens: 50 }) },
    });
  });
  server.registerTool("test_streaming_elicitation", { description: "Reports progress, then asks the user a question.", inputSchema: NO_ARGS }, async (_args, ctx) => {
    const name = acceptedContent(ctx.mcpReq.inputResponses, "user_name", NameAnswer);
    if (name) return { content: [text(`Hello, ${name.name}!`)] };
    const progressToken = ctx.mcpReq._meta?.progressToken;
    if (progressToken !== undefined) {
      await ctx.mcpReq.notify({ method: "notifications/progress", params: { progressToken, progress: 1, total: 2 } });
    }
    return inputRequired({ inputRequests: { user_name: askName() } });
  });

  server.registerTool("test_input_required_result_elicitation", { description: "Asks for the user's name (MRTR).", inputSchema: NO_ARGS }, (_args, ctx) => {
    const answer = acceptedContent(ctx.mcpReq.inputResponses, "user_name", NameAnswer);
    if (answer) return { content: [text(`Hello, ${answer.name}!`)] };
    return inputRequired({ inputRequests: { user_name: askName() } });
  });
  server.registerTool("test_input_required_result_sampling", { description: "Asks the client's model a question (MRTR).", inputSchema: NO_ARGS }, (_args, ctx) => {
    const answer = inputResponse(ctx.mcpReq.inputResponses, "capital_question");
    if (answer.kind === "sampling") {
      const content = answer.result.content;
      const reply = !Array.isArray(content) && content.type === "text" ? content.text : JSON.stringify(content);
      return { content: [text(`Model answered: ${reply}`)] };
    }
    return inputRequired({
      inputRequests: {
        capital_question: inputRequired.createMessage({
          messages: [{ role: "user", content: text("What is the capital of France?") }],
          maxTokens: 100,
        }),
      },
    });
  });
  server.registerTool("test_input_required_result_list_roots", { description: "Asks for the client's roots (MRTR).", inputSchema: NO_ARGS }, (_args, ctx) => {
    const answer = inputResponse(ctx.mcpReq.inputResponses, "client_roots");
    if (answer.kind === "roots") return { content: [text(`Roots: ${answer.roots.map((root) => root.uri).join(", ") || "(none)"}`)] };
    return inputRequired({ inputRequests: { client_roots: inputRequired.listRoots() } });
  });
  const confirm = () =>
    inputRequired.elicit({ message: "Please confirm", requestedSchema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] } });
  const Confirmation = z.object({ ok: z.boolean() });
  for (const tool of ["test_input_required_result_request_state", "test_input_required_result_tampered_state"]) {
    server.registerTool(tool, { description: "Asks for confirmation, carrying HMAC-protected requestState (MRTR).", inputSchema: NO_ARGS }, async (_args, ctx) => {
      const flow = await verifiedState(state, ctx, tool);
      const answer = acceptedContent(ctx.mcpReq.inputResponses, "confirm", Confirmation);
      if (flow && answer) return { content: [text(`state-ok: round ${flow.round} verified, confirmed=${answer.ok}`)] };
      return inputRequired({ inputRequests: { confirm: confirm() }, requestState: await state.codec.mint({ tool, round: 1 }) });
    });
  }
  server.registerTool("test_input_required_result_multiple_inputs", { description: "Asks for elicitation, sampling and roots at once (MRTR).", inputSchema: NO_ARGS }, async (_args, ctx) => {
    const tool = "test_input_required_result_multiple_inputs";
    const flow = await verifiedState(state, ctx, tool);
    const name = acceptedContent(ctx.mcpReq.inputResponses, "user_name", NameAnswer);
    const greeting = inputResponse(ctx.mcpReq.inputResponses, "greeting");
    const roots = inputResponse(ctx.mcpReq.inputResponses, "client_roots");
    if (flow && name && greeting.kind === "sampling" && roots.kind === "roots") {
      return { content: [text(`Got name ${name.name}, a greeting and ${roots.roots.length} root(s).`)] };
    }
    return inputRequired({
      inputRequests: {
        user_name: askName(),
        greeting: inputRequired.createMessage({ messages: [{ role: "user", content: text("Generate a greeting") }], maxTokens: 50 }),
        client_roots: inputRequired.listRoots(),
      },
      requestState: await state.codec.mint({ tool, round: 1 }),
    });
  });
  server.registerTool("test_input_required_result_multi_round", { description: "Two elicitation rounds with evolving requestState (MRTR).", inputSchema: NO_ARGS }, async (_args, ctx) => {
    const tool = "test_input_required_result_multi_round";
    const flow = await verifiedState(state, ctx, tool);
    if (flow?.round === 2) {
      const color = acceptedContent(ctx.mcpReq.inputResponses, "step2", z.object({ color: z.string() }));
      if (color) return { content: [text(`${flow.name}'s favorite color is ${color.color}.`)] };
    }
    if (flow?.round === 1) {
      const name = acceptedContent(ctx.mcpReq.inputResponses, "step1", NameAnswer);
      if (name) {
        return inputRequired({
          inputRequests: {
            step2: inputRequired.elicit({
              message: "Step 2: What is your favorite color?",
              requestedSchema: { type: "object", properties: { color: { type: "string" } }, required: ["color"] },
            }),
          },
          requestState: await state.codec.mint({ tool, round: 2, name: name.name }),
        });
      }
    }
    return inputRequired({ inputRequests: { step1: askName("Step 1: What is your name?") }, requestState: await state.codec.mint({ tool, round: 1 }) });
  });
  server.registerTool("test_input_required_result_capabilities", { description: "Asks only for the input kinds the client declared (MRTR).", inputSchema: NO_ARGS }, (_args, ctx) => {
    const { capabilities } = requestClientCapabilities(server, ctx);
    const requests: Record<string, InputRequest> = {};
    if (capabilities?.elicitation) requests.user_name = askName();
    if (capabilities?.sampling) {
      requests.greeting = inputRequired.createMessage({ messages: [{ role: "user", content: text("Generate a greeting") }], maxTokens: 50 });
    }
    if (capabilities?.roots) requests.client_roots = inputRequired.listRoots();
    const answered = Object.keys(requests).filter((key) => inputResponse(ctx.mcpReq.inputResponses, key).kind !== "missing");
    if (Object.keys(requests).length === 0 || answered.length === Object.keys(requests).length) {
      return { content: [text(`Completed with ${answered.length} input(s).`)] };
    }
    return inputRequired({ inputRequests: requests });
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
  server.registerPrompt("test_input_required_result_prompt", { description: "A prompt that first asks the user for context (MRTR)." }, (ctx) => {
    const answer = acceptedContent(ctx.mcpReq.inputResponses, "user_context", z.object({ context: z.string() }));
    if (answer) return { messages: [{ role: "user", content: text(`Use this context: ${answer.context}`) }] };
    return inputRequired({
      inputRequests: {
        user_context: inputRequired.elicit({
          message: "What context should the prompt use?",
          requestedSchema: { type: "object", properties: { context: { type: "string" } }, required: ["context"] },
        }),
      },
    });
  });

  return server;
}

/**
 * A server factory for `serveHttp`: the template server with the conformance diagnostics.
 * All instances from one factory share one {@link ConformanceFixtureState}.
 */
export function createConformanceFixture(options: TemplateServerOptions = {}, state: ConformanceFixtureState = createFixtureState()): () => McpServer {
  return () => addTaskFixtures(addConformanceDiagnostics(createTemplateServer(options), state), state.tasks);
}
