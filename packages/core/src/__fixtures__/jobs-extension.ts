import { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { defineExtension } from "../extension/define.js";
import { defineTool, type BindingContext } from "../extension/bindings.js";
import { ExtensionError } from "../errors.js";
import { attachExtension, type AttachOptions } from "../server/attach.js";
import { confirmWithUser } from "../server/confirm-with-user.js";

/** A small extension with long jobs, used by core's task tests. */
export const JOBS_ID = "com.example/jobs";

/** What the jobs apply: a shared ledger of applied counts, written once per finished job. */
export interface JobsServices {
  applied: Map<string, number>;
  started: string[];
  /** Keys of jobs that saw their signal aborted and stopped. */
  stopped?: string[];
}
type JobsContext = BindingContext<unknown, unknown, { label: string }, JobsServices>;

const annotations = { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false };

const count = defineTool({
  name: "jobs_count",
  description: "Counts to n, one step every delayMs, then applies the count under a key.",
  input: z.object({ n: z.number().int().min(0).max(10_000), delayMs: z.number().int().min(0).max(1000).default(10), key: z.string().default("k") }),
  output: z.object({ counted: z.number().int(), attempt: z.number().int(), label: z.string() }),
  annotations,
  task: "optional",
  taskResume: "restart",
  render: (out) => `counted ${out.counted}`,
  handler: async ({ n, delayMs, key }, context: JobsContext) => {
    context.services.started.push(key);
    for (let step = 1; step <= n; step++) {
      if (context.signal.aborted) {
        context.services.stopped?.push(key);
        throw context.signal.reason;
      }
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      await context.progress(step, n, "steps");
    }
    // Apply in one step, and only while this worker still owns the task.
    await context.task?.checkpoint();
    context.signal.throwIfAborted();
    context.services.applied.set(key, (context.services.applied.get(key) ?? 0) + n);
    return { counted: n, attempt: context.task?.attempt ?? 0, label: context.settings.label };
  },
});

const confirmed = defineTool({
  name: "jobs_confirm",
  description: "Asks the human to confirm, then answers whether they did.",
  input: z.object({ what: z.string().max(100) }),
  output: z.object({ confirmed: z.boolean() }),
  annotations,
  task: "required",
  handler: async ({ what }, context: JobsContext) => {
    const answer = await confirmWithUser(context, `Really ${what}?`);
    if (answer === "unavailable") throw new ExtensionError("CONFIRMATION_UNAVAILABLE", "the client cannot ask the user");
    return { confirmed: answer === "accepted" };
  },
});

const forever = defineTool({
  name: "jobs_forever",
  description: "Runs until cancelled; its task fails when its worker dies.",
  input: z.object({}),
  output: z.object({ done: z.boolean() }),
  annotations,
  task: "required",
  handler: async (_input, context: JobsContext) => {
    for (let step = 1; ; step++) {
      context.signal.throwIfAborted();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await context.progress(step, undefined, "ticks");
    }
  },
});

const big = defineTool({
  name: "jobs_big",
  description: "Produces an output larger than its limit.",
  input: z.object({}),
  output: z.object({ text: z.string() }),
  annotations,
  task: "optional",
  maxOutputBytes: 1000,
  handler: () => ({ text: "x".repeat(5000) }),
});

/** The jobs extension. */
export const jobsExtension = defineExtension({
  id: JOBS_ID,
  title: "Jobs",
  description: "Long jobs for task tests.",
  versions: ["1.0.0"],
  serverSettings: z.object({}),
  clientSettings: z.strictObject({ label: z.string().optional() }),
  negotiate: ({ client }) => ({ label: client?.label ?? "none" }),
  tools: [count, confirmed, forever, big],
});

/** A server factory with the jobs extension. */
export function createJobsServer(services: JobsServices, options: Partial<AttachOptions<Record<string, never>, JobsServices>> = {}): McpServer {
  const server = new McpServer({ name: "jobs", version: "1.0.0" });
  attachExtension(server, jobsExtension, { settings: {}, services, ...options });
  return server;
}
