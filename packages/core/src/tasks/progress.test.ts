import type { ServerContext } from "@modelcontextprotocol/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { increasingProblem } from "../testing/task-probes.js";
import { requestProgress } from "./progress.js";

type Sent = { progress: number; total?: number; message?: string };

/** A request context carrying a progress token, recording the notifications it is asked to send. */
function requestWithToken(token: string | undefined): { request: ServerContext; sent: Sent[] } {
  const sent: Sent[] = [];
  const request = {
    mcpReq: {
      _meta: token === undefined ? {} : { progressToken: token },
      notify: async (notification: { method: string; params: Sent & { progressToken: string } }) => {
        expect(notification.method).toBe("notifications/progress");
        expect(notification.params.progressToken).toBe(token);
        const { progressToken: _token, ...rest } = notification.params;
        sent.push(rest);
      },
    },
  } as unknown as ServerContext;
  return { request, sent };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("requestProgress pacing: what every run sends", () => {
  it("sends the first step and the step reaching the total even when every step comes at once", async () => {
    // The clock stands still: every step after the first falls inside the 50 ms window.
    vi.useFakeTimers({ toFake: ["Date"], now: 1_000_000 });
    const { request, sent } = requestWithToken("t");
    const progress = requestProgress(request);
    for (let done = 0; done <= 1000; done++) await progress(done, 1000, "rows");
    expect(sent).toEqual([
      { progress: 0, total: 1000, message: "rows" },
      { progress: 1000, total: 1000, message: "rows" },
    ]);
    expect(increasingProblem(sent)).toBeUndefined();
  });

  it("lets a step through once 50 ms have passed since the last one sent, and drops the ones between", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: 1_000_000 });
    const { request, sent } = requestWithToken("t");
    const progress = requestProgress(request);
    await progress(0, 10);
    vi.setSystemTime(1_000_049);
    await progress(1, 10);
    vi.setSystemTime(1_000_050);
    await progress(2, 10);
    await progress(3, 10);
    await progress(10, 10);
    expect(sent.map((item) => item.progress)).toEqual([0, 2, 10]);
  });

  it("never repeats or lowers a value, and sends a single notification when the first step is already the total", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: 1_000_000 });
    const { request, sent } = requestWithToken("t");
    const progress = requestProgress(request);
    await progress(5, 5);
    vi.setSystemTime(1_000_500);
    await progress(5, 5);
    await progress(3, 5);
    expect(sent).toEqual([{ progress: 5, total: 5 }]);
    // One notification is not a sequence every run can promise more of.
    expect(increasingProblem(sent)).toBe("expected at least 2 progress notifications, got 1");
  });

  it("sends nothing for a request without a progress token, and rejects bad numbers as bugs", async () => {
    const { request, sent } = requestWithToken(undefined);
    const progress = requestProgress(request);
    await progress(0, 2);
    await progress(2, 2);
    expect(sent).toEqual([]);
    await expect(progress(Number.NaN, 2)).rejects.toThrow(RangeError);
    await expect(progress(1, -1)).rejects.toThrow(RangeError);
  });
});

describe("increasingProblem", () => {
  it("accepts a sequence rising to its total and names what is wrong with others", () => {
    expect(increasingProblem([{ progress: 0, total: 3 }, { progress: 3, total: 3 }])).toBeUndefined();
    expect(increasingProblem([{ progress: 1 }, { progress: 2 }])).toBeUndefined();
    expect(increasingProblem([{ progress: 0, total: 3 }, { progress: 2, total: 3 }])).toBe("the last notification stops at 2 of 3");
    expect(increasingProblem([{ progress: 2, total: 3 }, { progress: 2, total: 3 }, { progress: 3, total: 3 }])).toBe("notification 1: progress 2 does not exceed 2");
    expect(increasingProblem([{ progress: 0, total: 3 }, { progress: 4, total: 3 }])).toBe("notification 1: progress 4 exceeds total 3");
    expect(increasingProblem([{ progress: 0, total: 3 }, { progress: 3, total: 3 }], { min: 3 })).toBe("expected at least 3 progress notifications, got 2");
  });
});
