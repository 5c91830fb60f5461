import { afterAll, describe, expect, it } from "vitest";
import { ALL_WRITES, approvedCall, call, callError, declaringClient, testRuntime } from "../__fixtures__/harness.js";

describe("approved writes with an idempotency key", () => {
  const runtime = testRuntime({ settings: ALL_WRITES });
  afterAll(() => runtime.close());

  it("replays a keyed score instead of writing it again; the key approves nothing and binds its arguments", async () => {
    const { client, close } = await declaringClient(runtime);
    try {
      const learner = (await call(client, "edu_list_roster", { classSourcedId: "cls-alg1-a", role: "student", limit: 1 })).roster[0].learner as string;
      const args = { lineItemSourcedId: "li-alg1-a-4", studentSourcedId: learner, scoreGiven: 8, scoreMaximum: 10, comment: "keyed write", idempotencyKey: "score-k-0001" };
      const keyed = async () => (await runtime.store.listResults({ lineItemSourcedId: "li-alg1-a-4" })).filter((result) => result.comment === "keyed write");

      const first = await approvedCall(runtime.state, client, "edu_post_score", args);
      expect(first).toMatchObject({ status: "written", idempotentReplayed: false, result: { score: expect.any(Number) } });
      // The retry needs no approval: it answers the first write's outcome and writes nothing.
      const again = await call(client, "edu_post_score", args);
      expect(again).toMatchObject({ status: "written", idempotentReplayed: true, approvalId: first.approvalId, result: first.result });
      expect(await keyed()).toHaveLength(1);

      expect(await callError(client, "edu_post_score", { ...args, scoreGiven: 9 })).toMatchObject({ code: "IDEMPOTENCY_CONFLICT", field: "idempotencyKey" });
      expect((await callError(client, "edu_post_score", { ...args, idempotencyKey: "not a key" })).field).toBe("idempotencyKey");
      // A fresh key is no approval: the spent one is not reused, and a human decides again.
      expect((await callError(client, "edu_post_score", { ...args, idempotencyKey: "score-k-0002" })).code).toBe("APPROVAL_PENDING");
      const { idempotencyKey: _key, ...unkeyed } = args;
      expect((await callError(client, "edu_post_score", unkeyed)).code).toBe("APPROVAL_PENDING");
      expect(await keyed()).toHaveLength(1);
    } finally {
      await close();
    }
  });

  it("keys assignments and items too: a retry with the key creates nothing new", async () => {
    const { client, close } = await declaringClient(runtime);
    try {
      const assignment = { classSourcedId: "cls-alg1-a", title: "Keyed quiz", dueDate: "2026-12-01T23:59:00Z", pointsPossible: 10, idempotencyKey: "assign-k-0001" };
      const created = await approvedCall(runtime.state, client, "edu_create_assignment", assignment);
      expect(created).toMatchObject({ status: "written", idempotentReplayed: false });
      expect(await call(client, "edu_create_assignment", assignment)).toMatchObject({ status: "written", idempotentReplayed: true, work: created.work });
      const lineItems = (await runtime.store.listLineItems({ classSourcedId: "cls-alg1-a" })).filter((lineItem) => lineItem.title === "Keyed quiz");
      expect(lineItems).toHaveLength(1);

      const item = { format: "simple", identifier: "keyed_item_1", type: "choice", title: "Keyed item", prompt: "2 + 2?", choices: ["3", "4"], correct: ["4"], idempotencyKey: "item-k-0001" };
      const written = await approvedCall(runtime.state, client, "edu_create_item", item);
      expect(written).toMatchObject({ status: "written", itemId: "keyed_item_1", idempotentReplayed: false });
      expect(await call(client, "edu_create_item", item)).toMatchObject({ status: "written", itemId: "keyed_item_1", idempotentReplayed: true });
    } finally {
      await close();
    }
  });
});
