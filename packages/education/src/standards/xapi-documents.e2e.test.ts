import XapiModule from "@xapi/xapi";
import { afterAll, describe, expect, it } from "vitest";
import { EducationStore } from "../backend/store.js";
import { serveXapi, XapiLrs } from "./xapi.js";

// @xapi/xapi ships CommonJS types with `export default`; under NodeNext the class sits on `.default`.
type XapiClass = (typeof XapiModule)["default"];
const XAPI: XapiClass = (XapiModule as unknown as { default?: XapiClass }).default ?? (XapiModule as unknown as XapiClass);

// Cases written from xAPI 1.0.3 Part Three: §2.1.3 concurrency, §2.2 documents, §2.3 State, §2.5 Activity Profile, §2.6 Agent Profile, §2.8 About.
describe("xAPI 1.0.3 document resources and About, driven by @xapi/xapi", async () => {
  const store = new EducationStore(":memory:");
  let clock = Date.parse("2026-11-24T10:00:00Z");
  const server = await serveXapi(new XapiLrs(store, { retentionDays: 30 }), { username: "lrs-user", password: "lrs-password", now: () => clock });
  const xapi = new XAPI({ endpoint: server.endpoint, auth: XAPI.toBasicAuth("lrs-user", "lrs-password"), version: "1.0.3" });
  afterAll(async () => {
    await server.close();
    store.close();
  });
  const agent = { objectType: "Agent" as const, account: { homePage: "urn:mcp-verticals:education:pseudonym", name: "p-0123456789abcdef01234567" } };
  const other = { objectType: "Agent" as const, mbox: "mailto:other@synthetic-school.example" };
  const activityId = "https://synthetic-school.example/activities/unit-1";
  const registration = "ec531277-b57b-4c15-8d91-d292c5b2b8f7";
  const status = (promise: Promise<unknown>) => promise.then(() => 200, (error: { response?: { status: number } }) => error.response?.status ?? -1);

  it("About answers the version without credentials", async () => {
    expect((await xapi.getAbout()).data).toEqual({ version: ["1.0.3"] });
    expect((await fetch(`${server.endpoint}about`)).status).toBe(200);
  });

  it("State: PUT, GET with ETag and Last-Modified, POST merges JSON objects, ids per scope and registration", async () => {
    await xapi.setState({ agent, activityId, stateId: "bookmark", state: { page: 3, total: 10 } });
    const first = await xapi.getState({ agent, activityId, stateId: "bookmark" });
    expect(first.data).toEqual({ page: 3, total: 10 });
    expect(first.headers.etag).toMatch(/^"[0-9a-f]{40}"$/);
    expect(new Date(first.headers["last-modified"]).toISOString()).toBe("2026-11-24T10:00:00.000Z");
    await xapi.createState({ agent, activityId, stateId: "bookmark", state: { page: 4, note: "halfway" } });
    const merged = await xapi.getState({ agent, activityId, stateId: "bookmark" });
    expect(merged.data).toEqual({ page: 4, total: 10, note: "halfway" });
    expect(merged.headers.etag).not.toBe(first.headers.etag);
    // Documents are scoped: another agent, or a registration, is another document.
    await expect(xapi.getState({ agent: other, activityId, stateId: "bookmark" })).rejects.toMatchObject({ response: { status: 404 } });
    clock += 60_000;
    await xapi.setState({ agent, activityId, stateId: "attempt", registration, state: { n: 1 } });
    await xapi.setState({ agent, activityId, stateId: "progress", state: { done: false } });
    expect((await xapi.getStates({ agent, activityId })).data).toEqual(["bookmark", "progress"]);
    expect((await xapi.getStates({ agent, activityId, registration })).data).toEqual(["attempt"]);
    expect((await xapi.getStates({ agent, activityId, since: "2026-11-24T10:00:30Z" })).data).toEqual(["progress"]);
  });

  it("State: POST refuses to merge into a document that is not a JSON object; DELETE one and DELETE all", async () => {
    await xapi.setState({ agent, activityId, stateId: "raw", state: "plain text", contentType: "text/plain" });
    expect((await xapi.getState({ agent, activityId, stateId: "raw" })).data).toBe("plain text");
    expect(await status(xapi.createState({ agent, activityId, stateId: "raw", state: { x: 1 } }))).toBe(400);
    await xapi.deleteState({ agent, activityId, stateId: "raw" });
    await expect(xapi.getState({ agent, activityId, stateId: "raw" })).rejects.toMatchObject({ response: { status: 404 } });
    await xapi.deleteStates({ agent, activityId });
    expect((await xapi.getStates({ agent, activityId })).data).toEqual([]);
    // The registration's documents are their own scope and stay.
    expect((await xapi.getStates({ agent, activityId, registration })).data).toEqual(["attempt"]);
  });

  it("Activity Profile: create with If-None-Match, replace only with the current ETag, 409 without a precondition", async () => {
    const profileId = "https://synthetic-school.example/profiles/difficulty";
    await xapi.createActivityProfile({ activityId, profileId, profile: { level: "intro" }, etag: "*", matchHeader: "If-None-Match" });
    // If-None-Match: * on an existing document fails.
    expect(await status(xapi.createActivityProfile({ activityId, profileId, profile: { level: "again" }, etag: "*", matchHeader: "If-None-Match" }))).toBe(412);
    const current = await xapi.getActivityProfile({ activityId, profileId });
    expect(current.data).toEqual({ level: "intro" });
    // PUT over an existing profile without If-Match/If-None-Match is a 409 (§2.1.3).
    const bare = await fetch(`${server.endpoint}activities/profile?activityId=${encodeURIComponent(activityId)}&profileId=${encodeURIComponent(profileId)}`, {
      method: "PUT",
      headers: { Authorization: XAPI.toBasicAuth("lrs-user", "lrs-password"), "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json" },
      body: JSON.stringify({ level: "clobbered" }),
    });
    expect(bare.status).toBe(409);
    expect(await status(xapi.setActivityProfile({ activityId, profileId, profile: { level: "stale" }, etag: '"0000000000000000000000000000000000000000"', matchHeader: "If-Match" }))).toBe(412);
    await xapi.setActivityProfile({ activityId, profileId, profile: { level: "advanced" }, etag: current.headers.etag, matchHeader: "If-Match" });
    expect((await xapi.getActivityProfile({ activityId, profileId })).data).toEqual({ level: "advanced" });
    expect((await xapi.getActivityProfiles({ activityId })).data).toEqual([profileId]);
    // A stale ETag cannot delete either.
    expect(await status(xapi.deleteActivityProfile({ activityId, profileId, etag: current.headers.etag }))).toBe(412);
    await xapi.deleteActivityProfile({ activityId, profileId });
    expect((await xapi.getActivityProfiles({ activityId })).data).toEqual([]);
  });

  it("Agent Profile: the same document semantics keyed by the agent", async () => {
    await xapi.createAgentProfile({ agent, profileId: "preferences", profile: { theme: "dark" } });
    await xapi.createAgentProfile({ agent, profileId: "preferences", profile: { fontSize: 14 } });
    const profile = await xapi.getAgentProfile({ agent, profileId: "preferences" });
    expect(profile.data).toEqual({ theme: "dark", fontSize: 14 });
    expect((await xapi.getAgentProfiles({ agent })).data).toEqual(["preferences"]);
    expect((await xapi.getAgentProfiles({ agent: other })).data).toEqual([]);
    await xapi.deleteAgentProfile({ agent, profileId: "preferences", etag: profile.headers.etag });
    await expect(xapi.getAgentProfile({ agent, profileId: "preferences" })).rejects.toMatchObject({ response: { status: 404 } });
  });

  it("refuses bad parameters, unknown parameters and missing credentials with 400/401, and keeps serving", async () => {
    const headers = { Authorization: XAPI.toBasicAuth("lrs-user", "lrs-password"), "X-Experience-API-Version": "1.0.3" };
    const agentParam = encodeURIComponent(JSON.stringify(agent));
    for (const query of [
      `activityId=not-an-iri&agent=${agentParam}&stateId=a`,
      `activityId=${encodeURIComponent(activityId)}&agent=${encodeURIComponent("{}")}&stateId=a`,
      `activityId=${encodeURIComponent(activityId)}&agent=${agentParam}&stateId=a&registration=nope`,
      `activityId=${encodeURIComponent(activityId)}&agent=${agentParam}&stateId=a&colour=blue`,
      `agent=${agentParam}&stateId=a`,
    ]) {
      const response = await fetch(`${server.endpoint}activities/state?${query}`, { headers });
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
    }
    expect((await fetch(`${server.endpoint}agents/profile?agent=${agentParam}`, { headers: { "X-Experience-API-Version": "1.0.3" } })).status).toBe(401);
    expect((await xapi.getAbout()).data.version).toEqual(["1.0.3"]);
  });
});
