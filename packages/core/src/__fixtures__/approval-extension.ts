import { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { requireHumanApproval } from "../approval/human-approval.js";
import { ExtensionError } from "../errors.js";
import { defineExtension } from "../extension/define.js";
import { defineTool, type BindingContext } from "../extension/bindings.js";
import { attachExtension } from "../server/attach.js";
import type { StateStore } from "../state/state-store.js";

/** One real side effect per approved call, so every test can count what actually ran. */
export function approvalFixture(state: StateStore) {
  const ran: { amount: number }[] = [];
  const extension = defineExtension({
    id: "com.example/approval",
    title: "Approval",
    description: "Transfers after a human approves.",
    versions: ["1"],
    serverSettings: z.object({}),
    clientSettings: z.strictObject({}),
    negotiate: () => ({}),
    tools: [
      defineTool({
        name: "transfer",
        description: "Transfers an amount after a human approves it.",
        input: z.object({ amount: z.number().int().positive(), memo: z.string().max(200).default("") }),
        output: z.object({ done: z.boolean(), approvalId: z.string(), channel: z.string() }),
        annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
        handler: async (input, context: BindingContext) => {
          const decision = await requireHumanApproval(context, {
            binding: "transfer",
            args: input,
            preview: { title: "Approve this transfer?", facts: [`Transfer ${input.amount} units`], modelSupplied: [{ label: "memo", text: input.memo }] },
          });
          if (decision.decision === "declined") throw new ExtensionError("APPROVAL_DECLINED", "declined; nothing was done");
          ran.push({ amount: input.amount });
          return { done: true, approvalId: decision.approvalId, channel: decision.channel };
        },
      }),
    ],
  });
  const factory = () => {
    const server = new McpServer({ name: "approval", version: "1" });
    attachExtension(server, extension, { settings: {}, services: {}, state });
    return server;
  };
  return { ran, factory };
}

