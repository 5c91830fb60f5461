/**
 * The official MCP conformance suite's fixture as one piece: the diagnostics the suite calls by
 * name (content, multi-round-trip, 2025-era sampling and elicitation, schema, list mutation,
 * resources and subscriptions, prompts) and the Tasks fixtures, composed onto a real server. A vertical's reference server gets it with
 * `--add-on @mcp-verticals/core/testing#conformanceFixture`; an in-process test with
 * `withServerAddOns(factory, [fixture.decorate])`.
 */
import type { McpServer, ServerNotifier } from "@modelcontextprotocol/server";
import type { ServerAddOn } from "../../server/add-ons.js";
import { taskRuntimeFor, type TaskRuntime } from "../../tasks/task-runtime.js";
import { addConformanceDiagnostics } from "./diagnostics.js";
import { createFixtureState } from "./fixture-state.js";
import { addInputRequiredDiagnostics } from "./input-required.js";
import { addLegacyDiagnostics } from "./legacy.js";
import { addTaskFixtures } from "./task-fixtures.js";

/**
 * Options for {@link createConformanceFixture}.
 * @example
 * ```ts
 * const options: ConformanceFixtureOptions = { tasks: taskRuntimeFor(state) };
 * ```
 * @category Testing
 */
export interface ConformanceFixtureOptions {
  /** Runs the task fixtures (default: an in-memory runtime polling every 200 ms). A server that already carries the Tasks extension keeps its own. */
  tasks?: TaskRuntime;
  /** Where list changes are published (the HTTP handler's notifier); can also be set later on the fixture. */
  notify?: Pick<ServerNotifier, "toolsChanged" | "promptsChanged">;
}

/**
 * One fixture: its instances share the HMAC key for `requestState`, the mutable lists and the task runtime.
 * @example
 * ```ts
 * const fixture: ConformanceFixture = createConformanceFixture();
 * ```
 * @category Testing
 */
export interface ConformanceFixture {
  /** Adds every diagnostic and the task fixtures to one server instance, and returns it. */
  readonly decorate: (server: McpServer) => McpServer;
  /** Where `test_trigger_tool_change` and `test_trigger_prompt_change` publish list changes (set it once serving HTTP). */
  notify: Pick<ServerNotifier, "toolsChanged" | "promptsChanged"> | undefined;
}

/**
 * Creates the conformance fixture for composing onto a server factory.
 *
 * @example
 * ```ts
 * const fixture = createConformanceFixture();
 * const running = await serveHttp(withServerAddOns(() => createTemplateServer(), [fixture.decorate]), { port: 0, identity });
 * fixture.notify = running.notify;
 * ```
 * @category Testing
 */
export function createConformanceFixture(options: ConformanceFixtureOptions = {}): ConformanceFixture {
  const state = createFixtureState(options.tasks);
  if (options.notify) state.notify = options.notify;
  return {
    decorate: (server) => addTaskFixtures(addLegacyDiagnostics(addInputRequiredDiagnostics(addConformanceDiagnostics(server, state), state)), state.tasks),
    get notify() {
      return state.notify;
    },
    set notify(notify) {
      if (notify) state.notify = notify;
      else delete state.notify;
    },
  };
}

/**
 * The conformance fixture as a {@link ServerAddOn}, for `--add-on @mcp-verticals/core/testing#conformanceFixture`:
 * its tasks run on the command's shared state, and its list changes reach `subscriptions/listen` streams.
 *
 * @example
 * ```ts
 * const bin = await startHttpBin(binPath, { args: ["--add-on", "@mcp-verticals/core/testing#conformanceFixture"] });
 * ```
 * @category Testing
 */
export const conformanceFixture: ServerAddOn = ({ state, notify }) => createConformanceFixture({ tasks: taskRuntimeFor(state), notify }).decorate;
