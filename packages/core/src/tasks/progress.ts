/**
 * Progress reporting for a synchronous call: `notifications/progress` tied to the request's
 * progressToken, only for increasing `done`, at most every 50 ms (the last step always goes).
 */
import type { ServerContext } from "@modelcontextprotocol/server";

const MIN_INTERVAL_MS = 50;
const YIELD_EVERY_MS = 15;
let lastYield = 0;

/**
 * Lets the event loop run (timers, I/O, incoming cancellations) when the caller has held it for
 * a while. A job over a synchronous backend (SQLite) otherwise resolves every await as a
 * microtask and starves the process: no response is sent, no heartbeat runs, no cancel arrives.
 */
export async function yieldIfBusy(): Promise<void> {
  const now = performance.now();
  if (now - lastYield < YIELD_EVERY_MS) return;
  await new Promise<void>((resolve) => setImmediate(resolve));
  lastYield = performance.now();
}

/** Checks progress numbers; they come from vertical code, so a bad value is a bug, not input. */
export function assertProgress(done: number, total: number | undefined): void {
  if (!Number.isFinite(done) || done < 0) throw new RangeError("progress done must be a finite number >= 0");
  if (total !== undefined && (!Number.isFinite(total) || total < 0)) throw new RangeError("progress total must be a finite number >= 0");
}

/** The `progress` of a binding context for a synchronous request. */
export function requestProgress(request: ServerContext): (done: number, total?: number, message?: string) => Promise<void> {
  const token = request.mcpReq._meta?.progressToken;
  let last = -Infinity;
  let sentAt = 0;
  return async (done, total, message) => {
    assertProgress(done, total);
    await yieldIfBusy();
    if (token === undefined || !(done > last)) return;
    const now = Date.now();
    const final = total !== undefined && done >= total;
    if (!final && now - sentAt < MIN_INTERVAL_MS) return;
    last = done;
    sentAt = now;
    try {
      await request.mcpReq.notify({
        method: "notifications/progress",
        params: { progressToken: token, progress: done, ...(total === undefined ? {} : { total }), ...(message ? { message } : {}) },
      });
    } catch {
      // The client went away; the call itself decides what that means (via its signal).
    }
  };
}
