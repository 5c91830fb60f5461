import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { createJobsServer, JOBS_ID, type JobsServices } from "../__fixtures__/jobs-extension.js";
import { serveHttp, type RunningHttpServer } from "../server/serve-http.js";
import { connectInProcess } from "../testing/connect.js";

const until = async (check: () => boolean, ms = 2000) => {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return check();
};

describe("context.signal on synchronous calls", () => {
  for (const era of ["legacy", "modern"] as const) {
    it(`aborts on notifications/cancelled over the stdio entry (${era})`, async () => {
      const services: JobsServices = { applied: new Map(), started: [], stopped: [] };
      const { client, close } = await connectInProcess(() => createJobsServer(services), { era, extensions: { [JOBS_ID]: {} } });
      try {
        const controller = new AbortController();
        const call = client.callTool({ name: "jobs_count", arguments: { n: 400, delayMs: 5, key: era } }, { signal: controller.signal });
        expect(await until(() => services.started.includes(era))).toBe(true);
        controller.abort("changed my mind");
        await expect(call).rejects.toThrow();
        // The handler stops at its next step (well before its 2 s of work) and never applies.
        expect(await until(() => services.stopped!.includes(era), 500)).toBe(true);
        expect(services.applied.has(era)).toBe(false);
      } finally {
        await close();
      }
    });
  }

  describe("over HTTP", () => {
    let http: RunningHttpServer;
    const services: JobsServices = { applied: new Map(), started: [], stopped: [] };
    beforeAll(async () => {
      http = await serveHttp(() => createJobsServer(services), { port: 0, identity: { name: "com.example/jobs", title: "Jobs", version: "1.0.0", description: "jobs" } });
    });
    afterAll(async () => http.close());

    it("aborts when the client abandons the request", async () => {
      const client = new Client({ name: "t", version: "1" }, { capabilities: { extensions: { [JOBS_ID]: {} } as never }, versionNegotiation: { mode: { pin: "2026-07-28" } } });
      await client.connect(new StreamableHTTPClientTransport(new URL(http.url)));
      const controller = new AbortController();
      const call = client.callTool({ name: "jobs_count", arguments: { n: 400, delayMs: 5, key: "http" } }, { signal: controller.signal });
      expect(await until(() => services.started.includes("http"))).toBe(true);
      controller.abort("changed my mind");
      await expect(call).rejects.toThrow();
      expect(await until(() => services.stopped!.includes("http"), 500)).toBe(true);
      expect(services.applied.has("http")).toBe(false);
      await client.close();
    });
  });
});
