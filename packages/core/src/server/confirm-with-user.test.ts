import { describe, expect, it } from "vitest";
import { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { defineExtension } from "../extension/define.js";
import { defineTool, type BindingContext } from "../extension/bindings.js";
import { attachExtension } from "./attach.js";
import { confirmWithUser } from "./confirm-with-user.js";
import { connectInProcess } from "../testing/connect.js";

const extension = defineExtension({
  id: "com.example/confirm",
  title: "Confirm",
  description: "Asks the user before acting.",
  versions: ["1"],
  serverSettings: z.object({}),
  clientSettings: z.strictObject({}),
  negotiate: () => ({}),
  tools: [
    defineTool({
      name: "confirm_delete",
      description: "Deletes after asking the user.",
      input: z.object({}),
      output: z.object({ answer: z.enum(["accepted", "declined", "unavailable"]) }),
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
      handler: async (_input, context: BindingContext) => ({ answer: await confirmWithUser(context, "Delete the record?") }),
    }),
  ],
});
const factory = () => {
  const server = new McpServer({ name: "confirm", version: "1" });
  attachExtension(server, extension, { settings: {}, services: {} });
  return server;
};

describe("confirmWithUser", () => {
  for (const era of ["legacy", "modern"] as const)
  for (const [accept, expected] of [[true, "accepted"], [false, "declined"]] as const) {
    it(`asks through form elicitation (${era}, ${expected})`, async () => {
      const { client, close } = await connectInProcess(factory, { era, capabilities: { elicitation: { form: {} } } });
      const messages: string[] = [];
      client.setRequestHandler("elicitation/create", async (request) => {
        messages.push((request.params as { message: string }).message);
        return accept ? { action: "accept", content: { confirm: true } } : { action: "decline" };
      });
      const result = await client.callTool({ name: "confirm_delete", arguments: {} });
      expect(result.structuredContent).toEqual({ answer: expected });
      expect(messages).toEqual(["Delete the record?"]);
      await close();
    });
  }

  it("reports unavailable when the client cannot ask the user", async () => {
    for (const era of ["legacy", "modern"] as const) {
      const { client, close } = await connectInProcess(factory, { era });
      const result = await client.callTool({ name: "confirm_delete", arguments: {} });
      expect(result.structuredContent).toEqual({ answer: "unavailable" });
      await close();
    }
  });
});
