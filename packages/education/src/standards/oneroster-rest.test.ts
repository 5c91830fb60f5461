import { afterAll, describe, expect, it } from "vitest";
import { seedIfEmpty } from "../backend/seed.js";
import { EducationStore } from "../backend/store.js";
import { approvedCall, call, callError, declaringClient, testRuntime, ALL_WRITES } from "../__fixtures__/harness.js";
import { OneRosterRestClient, serveOneRosterRest } from "./oneroster-rest.js";

describe("OneRoster 1.2 REST: provider from the embedded store, consumed by the REST client", async () => {
  const remoteStore = new EducationStore(":memory:");
  seedIfEmpty(remoteStore);
  const provider = await serveOneRosterRest(remoteStore, { clientId: "sis-client", clientSecret: "a-client-secret-that-is-long-enough" });
  const client = new OneRosterRestClient({ baseUrl: provider.url, clientId: "sis-client", clientSecret: "a-client-secret-that-is-long-enough", pageSize: 200 });
  // The MCP server keeps only items, CASE and xAPI locally; rostering and gradebook come over HTTP.
  const runtime = testRuntime({ roster: client, seed: false, settings: ALL_WRITES });
  afterAll(async () => {
    await runtime.close();
    await provider.close();
    remoteStore.close();
  });

  it("pages collections with filters and reads single records through OAuth 2 client credentials", async () => {
    const enrollments = await client.listEnrollments({ classSourcedId: "cls-alg1-a" });
    expect(enrollments.length).toBe((await remoteStore.listEnrollments({ classSourcedId: "cls-alg1-a" })).length);
    expect(enrollments.every((e) => e.class.sourcedId === "cls-alg1-a")).toBe(true);
    expect((await client.listClasses()).length).toBe(25);
    expect((await client.getUser("s-0001"))?.sourcedId).toBe("s-0001");
    expect(await client.getUser("nobody")).toBeUndefined();
  });

  it("refuses wrong client credentials and requests without a token", async () => {
    const wrong = new OneRosterRestClient({ baseUrl: provider.url, clientId: "sis-client", clientSecret: "wrong" });
    await expect(wrong.listClasses()).rejects.toMatchObject({ code: "ONEROSTER_AUTH_FAILED" });
    const bare = await fetch(`${provider.url}/ims/oneroster/rostering/v1p2/users`);
    expect(bare.status).toBe(401);
  });

  it("serves the MCP tools from the remote provider and writes scores back over PUT", async () => {
    const { client: mcp, close } = await declaringClient(runtime);
    try {
      const { classes } = await call(mcp, "edu_list_classes", {});
      expect(classes.map((c: { classSourcedId: string }) => c.classSourcedId)).toContain("cls-alg1-a");
      const { roster } = await call(mcp, "edu_list_roster", { classSourcedId: "cls-alg1-a", role: "student", limit: 1 });
      const learner = roster[0].learner;
      const args = { lineItemSourcedId: "li-alg1-a-4", studentSourcedId: learner, scoreGiven: 7, scoreMaximum: 10 };
      const written = await approvedCall(runtime.state, mcp, "edu_post_score", args);
      expect(written).toMatchObject({ status: "written", result: { learner, score: 7 } });
      const stored = (await remoteStore.listResults({ lineItemSourcedId: "li-alg1-a-4" })).filter((r) => r.score === 7 && r.dateLastModified.startsWith("2026-11-24"));
      expect(stored).toHaveLength(1);
      expect((await callError(mcp, "edu_get_class", { classSourcedId: "cls-nope" })).code).toBe("CLASS_NOT_FOUND");
    } finally {
      await close();
    }
  });
});
