/**
 * Conformance fixture for the Tasks extension (`io.modelcontextprotocol/tasks`, SEP-2663): the
 * tools the official suite's tasks scenarios call by name, defined with core's `defineTool` and
 * served through `attachExtension`, so the suite judges core's task implementation (creation,
 * polling, input, cancellation, errors, -32021) rather than anything hand-wired here.
 *
 * Composed by `createConformanceFixture` (see `fixture.ts`).
 */
import { ExtensionError } from "../../errors.js";
import { defineTool, type BindingContext } from "../../extension/bindings.js";
import { defineExtension } from "../../extension/define.js";
import { attachExtension } from "../../server/attach.js";
import { InputRequiredSignal } from "../../server/confirm-with-user.js";
import type { TaskRuntime } from "../../tasks/task-runtime.js";
import { acceptedContent, inputRequired, ProtocolError, ProtocolErrorCode, type McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";

/** The extension that carries the task fixtures (clients need not declare it). */
export const TASK_FIXTURES_ID = "io.github.mcp-verticals/conformance-tasks";

const annotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };
const Text = z.object({ text: z.string().describe("What the tool did") });
const render = (output: { text: string }) => output.text;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });

const confirmSchema = (what: string) => ({
  message: `Confirm: ${what}`,
  requestedSchema: { type: "object" as const, properties: { confirm: { type: "boolean" as const } }, required: ["confirm"] },
});

/** Asks through the task (input_required + tasks/update); a task-only tool never runs without one. */
async function askInTask(context: BindingContext, requests: Record<string, unknown>): Promise<Record<string, unknown>> {
  if (!context.task) throw new ExtensionError("TASK_REQUIRED", "this tool asks for input through its task");
  return context.task.requestInput(requests);
}

const greet = defineTool({
  name: "greet",
  description: "Greets someone by name, synchronously.",
  input: z.object({ name: z.string().max(200).describe("Who to greet") }),
  output: Text,
  annotations,
  render,
  handler: ({ name }) => ({ text: `Hello, ${name}!` }),
});

const slowCompute = defineTool({
  name: "slow_compute",
  description: "Sleeps for the given number of seconds (cancellable), then reports it.",
  input: z.object({ seconds: z.number().min(0).max(120).describe("How long to work"), label: z.string().max(200).default("job").describe("A label echoed back") }),
  output: Text,
  annotations,
  task: "optional",
  render,
  handler: async ({ seconds, label }, context) => {
    const steps = Math.max(1, Math.ceil(seconds * 10));
    for (let step = 1; step <= steps; step++) {
      await sleep((seconds * 1000) / steps, context.signal);
      await context.progress(step, steps, "tenths of the work");
    }
    return { text: `${label}: computed for ${seconds}s` };
  },
});

const failingJob = defineTool({
  name: "failing_job",
  description: "Always ends with a tool error (isError: true).",
  input: z.object({}),
  output: Text,
  annotations,
  task: "required",
  render,
  handler: () => {
    throw new ExtensionError("JOB_FAILED", "the job failed on purpose");
  },
});

const protocolErrorJob = defineTool({
  name: "protocol_error_job",
  description: "Always ends with a JSON-RPC error (the task fails).",
  input: z.object({}),
  output: Text,
  annotations,
  task: "required",
  render,
  handler: () => {
    throw new ProtocolError(ProtocolErrorCode.InternalError, "the job hit a protocol-level error on purpose");
  },
});

const confirmDelete = defineTool({
  name: "confirm_delete",
  description: "Asks the user (through the task) to confirm deleting a file, then reports the decision.",
  input: z.object({ filename: z.string().max(200).describe("The file to delete") }),
  output: Text,
  annotations,
  task: "required",
  render,
  handler: async ({ filename }, context) => {
    const answers = await askInTask(context, { confirm_delete: inputRequired.elicit(confirmSchema(`delete ${filename}`)) });
    const accepted = acceptedContent(answers, "confirm_delete", z.object({}).passthrough()) !== undefined;
    return { text: accepted ? `Deleted ${filename}` : `Kept ${filename}` };
  },
});

const multiInput = defineTool({
  name: "multi_input",
  description: "Asks two questions at once through the task and completes when both are answered.",
  input: z.object({}),
  output: Text,
  annotations,
  task: "required",
  render,
  handler: async (_input, context) => {
    const answers = await askInTask(context, {
      first: inputRequired.elicit(confirmSchema("the first item")),
      second: inputRequired.elicit(confirmSchema("the second item")),
    });
    const names = ["first", "second"].map((key) => String((acceptedContent(answers, key, z.object({ name: z.string() }).passthrough()) ?? {}).name ?? key));
    return { text: `Answered: ${names.join(", ")}` };
  },
});

const NameAnswer = z.object({ name: z.string().max(200) });
const toolWithTask = defineTool({
  name: "test_tool_with_task",
  description: "Asks for the user's name (multi-round-trip), then finishes the work as a task.",
  input: z.object({ user_name: z.string().max(200).optional().describe("Filled in from the user's answer") }),
  output: Text,
  annotations,
  task: "required",
  render,
  beforeTask: (input, context) => {
    const responses = context.request.mcpReq.inputResponses;
    const answer = responses ? acceptedContent(responses, "user_name", NameAnswer) : undefined;
    if (!answer) {
      throw new InputRequiredSignal(
        inputRequired({
          inputRequests: {
            user_name: inputRequired.elicit({ message: "What is your name?", requestedSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] } }),
          },
        }),
      );
    }
    return { ...input, user_name: answer.name };
  },
  handler: async ({ user_name }) => ({ text: `Hello, ${user_name ?? "stranger"}! The task finished.` }),
});

const taskFixtures = defineExtension({
  id: TASK_FIXTURES_ID,
  title: "Conformance task fixtures",
  description: "The tools the official conformance suite's tasks scenarios call.",
  versions: ["0.1.0"],
  serverSettings: z.object({}),
  clientSettings: z.object({}),
  negotiate: () => ({}),
  tools: [greet, slowCompute, failingJob, protocolErrorJob, confirmDelete, multiInput, toolWithTask],
});

/**
 * Adds the task fixtures to a server; every per-request instance shares `tasks`. A server that
 * already carries the Tasks extension (a vertical with task-capable tools) keeps its own runtime.
 */
export function addTaskFixtures(server: McpServer, tasks: TaskRuntime): McpServer {
  attachExtension(server, taskFixtures, { settings: {}, services: {}, tasks });
  return server;
}
