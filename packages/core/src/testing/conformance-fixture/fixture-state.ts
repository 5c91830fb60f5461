/**
 * What the conformance fixture's per-request server instances share: the HMAC key sealing
 * multi-round-trip `requestState`, the mutable tool and prompt lists, and the task runtime.
 */
import { randomBytes } from "node:crypto";
import { createRequestStateCodec, type ServerNotifier } from "@modelcontextprotocol/server";
import { createTaskRuntime, type TaskRuntime } from "../../tasks/task-runtime.js";

/** Multi-round state sealed by the fixture's HMAC codec. */
export interface FlowState {
  tool: string;
  round: number;
  name?: string;
}

/** Shared across the per-request server instances of one fixture. */
export interface FixtureState {
  readonly codec: ReturnType<typeof createRequestStateCodec<FlowState>>;
  extraTools: number;
  extraPrompts: number;
  /** Runs the task fixtures' tasks; outlives the per-request server instances. */
  readonly tasks: TaskRuntime;
  /** Publishes list changes to `subscriptions/listen` streams (the HTTP handler's notifier, once serving). */
  notify?: Pick<ServerNotifier, "toolsChanged" | "promptsChanged">;
}

/** Creates the state one fixture's server instances share (one HMAC key per fixture). */
export function createFixtureState(tasks: TaskRuntime = createTaskRuntime({ pollIntervalMs: 200 })): FixtureState {
  return {
    codec: createRequestStateCodec<FlowState>({ key: randomBytes(32), ttlSeconds: 600 }),
    extraTools: 0,
    extraPrompts: 0,
    tasks,
  };
}
