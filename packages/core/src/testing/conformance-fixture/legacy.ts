/**
 * The conformance fixture's diagnostics for the 2025-era scenarios (requirement set 2025-11-25,
 * the stateful `initialize` handshake): tools that ask the client over the connection while the
 * call runs (sampling, elicitation, SEP-1034 defaults, SEP-1330 enum forms), and resource
 * subscriptions. A 2026-07-28 client never reaches these requests: its tools ask through
 * `input_required` instead (see `input-required.ts`).
 */
import { z } from "zod";
import type { McpServer } from "@modelcontextprotocol/server";
import { requestClientCapabilities } from "../../server/client-capabilities.js";

const text = (value: string) => ({ type: "text" as const, text: value });

const USER_FORM = {
  type: "object" as const,
  properties: {
    username: { type: "string" as const, description: "User's response" },
    email: { type: "string" as const, description: "User's email address" },
  },
  required: ["username", "email"],
};

/** SEP-1034: a default for every primitive type. */
const DEFAULTS_FORM = {
  type: "object" as const,
  properties: {
    name: { type: "string" as const, description: "Your name", default: "John Doe" },
    age: { type: "integer" as const, description: "Your age", default: 30 },
    score: { type: "number" as const, description: "Your score", default: 95.5 },
    status: { type: "string" as const, description: "Your status", enum: ["active", "inactive", "pending"], default: "active" },
    verified: { type: "boolean" as const, description: "Verified?", default: true },
  },
};

/** SEP-1330: the five enum forms. */
const ENUMS_FORM = {
  type: "object" as const,
  properties: {
    untitledSingle: { type: "string" as const, description: "Pick one", enum: ["option1", "option2", "option3"] },
    titledSingle: {
      type: "string" as const,
      description: "Pick one (titled)",
      oneOf: [
        { const: "value1", title: "First Option" },
        { const: "value2", title: "Second Option" },
        { const: "value3", title: "Third Option" },
      ],
    },
    legacyEnum: { type: "string" as const, description: "Pick one (legacy titles)", enum: ["opt1", "opt2", "opt3"], enumNames: ["Option One", "Option Two", "Option Three"] },
    untitledMulti: { type: "array" as const, description: "Pick several", items: { type: "string" as const, enum: ["option1", "option2", "option3"] } },
    titledMulti: {
      type: "array" as const,
      description: "Pick several (titled)",
      items: {
        anyOf: [
          { const: "value1", title: "First Choice" },
          { const: "value2", title: "Second Choice" },
          { const: "value3", title: "Third Choice" },
        ],
      },
    },
  },
};

/** Adds the 2025-era diagnostics. */
export function addLegacyDiagnostics(server: McpServer): McpServer {
  server.registerTool(
    "test_sampling",
    { description: "Asks the client's model (sampling/createMessage) while the call runs.", inputSchema: z.object({ prompt: z.string().describe("The prompt to send") }) },
    async ({ prompt }, ctx) => {
      const result = await ctx.mcpReq.requestSampling({ messages: [{ role: "user", content: text(prompt) }], maxTokens: 100 }, { relatedRequestId: ctx.mcpReq.id });
      const content = result.content;
      const reply = !Array.isArray(content) && content.type === "text" ? content.text : JSON.stringify(content);
      return { content: [text(`LLM response: ${reply}`)] };
    },
  );
  const elicit = (name: string, description: string, label: string, requestedSchema: Record<string, unknown>, fixedMessage?: string) =>
    server.registerTool(
      name,
      { description, inputSchema: fixedMessage === undefined ? z.object({ message: z.string().describe("What to ask") }) : z.object({}) },
      async (args, ctx) => {
        const message = fixedMessage ?? (args as unknown as { message: string }).message;
        // 2025-11-25: a bare `elicitation: {}` declares form support. SDK 2.4.0's elicitInput insists
        // on `elicitation.form`, so the request goes out as the spec method itself.
        if (!requestClientCapabilities(server, ctx).capabilities?.elicitation) throw new Error("The client did not declare the elicitation capability.");
        const answer = await ctx.mcpReq.send({ method: "elicitation/create", params: { message, requestedSchema } });
        return { content: [text(`${label}: action=${answer.action}, content=${JSON.stringify(answer.content ?? {})}`)] };
      },
    );
  elicit("test_elicitation", "Asks the user (elicitation/create) while the call runs.", "User response", USER_FORM);
  elicit("test_elicitation_sep1034_defaults", "Asks the user with a default for every primitive type (SEP-1034).", "Elicitation completed", DEFAULTS_FORM, "Please review your details");
  elicit("test_elicitation_sep1330_enums", "Asks the user with the five enum forms (SEP-1330).", "Elicitation completed", ENUMS_FORM, "Please make your choices");

  // Subscriptions: accepted and tracked per connection (the watched resource never changes here).
  const subscribed = new Set<string>();
  server.server.registerCapabilities({ resources: { subscribe: true } });
  server.server.setRequestHandler("resources/subscribe", (request) => {
    subscribed.add(request.params.uri);
    return {};
  });
  server.server.setRequestHandler("resources/unsubscribe", (request) => {
    subscribed.delete(request.params.uri);
    return {};
  });
  return server;
}
