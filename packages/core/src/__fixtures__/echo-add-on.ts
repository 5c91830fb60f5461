import { z } from "zod";
import { defineExtension } from "../extension/define.js";
import { defineTool } from "../extension/bindings.js";
import { attachExtension } from "../server/attach.js";
import type { ServerAddOn } from "../server/add-ons.js";

/** An add-on for core's `--add-on` tests: one extension whose tool may run as a task, attached without a principal of its own. */
export const ECHO_ID = "com.example/echo";

const echo = defineTool({
  name: "echo_later",
  description: "Echoes a word (as a task when the client declares Tasks).",
  input: z.object({ word: z.string().max(50).describe("What to echo") }),
  output: z.object({ echoed: z.string().describe("The word"), command: z.string().describe("The command the add-on was set up for") }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  task: "optional",
  handler: ({ word }, context) => ({ echoed: word, command: (context.services as { command: string }).command }),
});

const echoExtension = defineExtension({
  id: ECHO_ID,
  title: "Echo",
  description: "Echo, composed onto another server.",
  versions: ["1.0.0"],
  serverSettings: z.object({}),
  clientSettings: z.object({}),
  negotiate: () => ({}),
  tools: [echo],
});

/** Counts set-ups, so a test sees it runs once per process, not per instance. */
export const setUps: string[] = [];

const addOn: ServerAddOn = ({ command, state }) => {
  setUps.push(command);
  return (server) => {
    attachExtension(server, echoExtension, { settings: {}, services: { command }, state });
  };
};
export default addOn;

/** The same add-on under a name (for `#export`). */
export const named = addOn;

/** Not an add-on. */
export const notAFunction = 42;
