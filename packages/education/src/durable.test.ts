import { verifyAuditFile } from "@mcp-verticals/core";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createEducationRuntime } from "./server.js";
import { ALL_WRITES, approvedCall, call, declaringClient, testState } from "./__fixtures__/harness.js";

describe("the durable embedded store (--data)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "edu-durable-"));
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("keeps scores, statements, keys and one audit chain across a restart, and seeds only once", async () => {
    const state = testState();
    const first = createEducationRuntime({ dataDir: dir, settings: ALL_WRITES, state, toolsets: ["all"] });
    const learnerId = (await first.store.listEnrollments({ classSourcedId: "cls-alg1-a" })).find((e) => e.role === "student")!.user.sourcedId;
    const learner = first.services.gateway.pseudonym(learnerId);
    const { client, close } = await declaringClient(first);
    const args = { lineItemSourcedId: "li-alg1-a-5", studentSourcedId: learner, scoreGiven: 7.5, scoreMaximum: 10 };
    await approvedCall(state, client, "edu_post_score", args);
    const { statementId } = await approvedCall(state, client, "edu_record_activity", { verb: "completed", object: { id: "https://synthetic-school.example/activities/durable" } });
    await close();
    await first.close();

    const second = createEducationRuntime({ dataDir: dir, settings: ALL_WRITES, toolsets: ["all"] });
    try {
      expect(second.services.gateway.pseudonym(learnerId)).toBe(learner);
      expect((await second.store.listResults({ lineItemSourcedId: "li-alg1-a-5", studentSourcedId: learnerId }))[0]?.score).toBe(7.5);
      expect(second.store.getStatement(statementId)).toBeDefined();
      expect(second.store.count("users")).toBe(333);
      const again = await declaringClient(second);
      await call(again.client, "edu_list_roster", { classSourcedId: "cls-alg1-a" });
      await again.close();
    } finally {
      await second.close();
    }
    expect(existsSync(join(dir, "education.sqlite"))).toBe(true);
    const verdict = await verifyAuditFile(join(dir, "audit.jsonl"), { chainKey: readFileSync(join(dir, "audit.key"), "utf8").trim() });
    expect(verdict).toMatchObject({ ok: true });
    expect((verdict as { count: number }).count).toBeGreaterThan(4);
  });
});
