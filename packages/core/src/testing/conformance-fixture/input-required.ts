/**
 * The conformance fixture's multi-round-trip diagnostics (SEP-2322 input_required, SEP-2575
 * capability checks): tools and one prompt that return `inputRequired(...)`, with an
 * HMAC-protected `requestState` (the SDK's `createRequestStateCodec`) that the handlers verify.
 */
import {
  acceptedContent,
  inputRequired,
  inputResponse,
  ProtocolError,
  ProtocolErrorCode,
  type InputRequest,
  type McpServer,
  type ServerContext,
} from "@modelcontextprotocol/server";
import { z } from "zod";
import { requestClientCapabilities } from "../../server/client-capabilities.js";
import type { FixtureState, FlowState } from "./fixture-state.js";

const NO_ARGS = z.object({});
const text = (value: string) => ({ type: "text" as const, text: value });

/**
 * Reads and verifies the `requestState` a retried request carried. Tampered, expired or foreign
 * state is refused with `-32602`, as the MRTR integrity requirement asks; absent state is `undefined`.
 */
async function verifiedState(state: FixtureState, ctx: ServerContext, tool: string): Promise<FlowState | undefined> {
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

/** Adds the multi-round-trip tools and prompt. */
export function addInputRequiredDiagnostics(server: McpServer, state: FixtureState): McpServer {
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
