import XapiModule from "@xapi/xapi";
import { afterAll, describe, expect, it } from "vitest";
import { EducationStore } from "../backend/store.js";
import { serveXapi, XapiLrs } from "./xapi.js";

// @xapi/xapi ships CommonJS types with `export default`; under NodeNext the class sits on `.default`.
type XapiClass = (typeof XapiModule)["default"];
const XAPI: XapiClass = (XapiModule as unknown as { default?: XapiClass }).default ?? (XapiModule as unknown as XapiClass);

describe("xAPI 1.0.3 Statements API driven by @xapi/xapi", async () => {
  const store = new EducationStore(":memory:");
  const lrs = new XapiLrs(store, { retentionDays: 30 });
  const server = await serveXapi(lrs, { username: "lrs-user", password: "lrs-password", pageSize: 2 });
  const xapi = new XAPI({ endpoint: server.endpoint, auth: XAPI.toBasicAuth("lrs-user", "lrs-password"), version: "1.0.3" });
  afterAll(async () => {
    await server.close();
    store.close();
  });
  const actor = { objectType: "Agent" as const, account: { homePage: "urn:mcp-verticals:education:pseudonym", name: "p-0123456789abcdef01234567" } };
  const statement = (activity: string) => ({ actor, verb: XAPI.Verbs.COMPLETED, object: { objectType: "Activity" as const, id: `https://synthetic-school.example/activities/${activity}` } });

  it("stores statements by POST and PUT and reads them back by id", async () => {
    const posted = await xapi.sendStatement({ statement: statement("unit-1") });
    const id = posted.data[0]!;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const fetched = await xapi.getStatement({ statementId: id });
    expect(fetched.data.object).toMatchObject({ id: "https://synthetic-school.example/activities/unit-1" });
    expect(fetched.headers["x-experience-api-version"]).toBe("1.0.3");
    const putId = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    await xapi.sendStatement({ statement: { ...statement("unit-2"), id: putId } });
    expect((await xapi.getStatement({ statementId: putId })).data.id).toBe(putId);
  });

  it("filters and pages with `more`, and voids statements", async () => {
    await xapi.sendStatements({ statements: [statement("unit-3"), statement("unit-4")] });
    const first = await xapi.getStatements({ agent: actor, verb: XAPI.Verbs.COMPLETED.id });
    expect(first.data.statements).toHaveLength(2);
    expect(first.data.more).not.toBe("");
    const target = first.data.statements[0]!.id!;
    await xapi.voidStatement({ actor, statementId: target });
    await expect(xapi.getStatement({ statementId: target })).rejects.toMatchObject({ response: { status: 404 } });
    expect((await xapi.getVoidedStatement({ voidedStatementId: target })).data.id).toBe(target);
  });

  it("refuses invalid statements, missing version headers and bad credentials", async () => {
    await expect(xapi.sendStatement({ statement: { actor, verb: { id: "not an iri" }, object: { id: "x" } } as never })).rejects.toMatchObject({ response: { status: 400 } });
    const noVersion = await fetch(`${server.endpoint}statements`, { headers: { Authorization: XAPI.toBasicAuth("lrs-user", "lrs-password") } });
    expect(noVersion.status).toBe(400);
    const badAuth = await fetch(`${server.endpoint}statements`, { headers: { Authorization: XAPI.toBasicAuth("lrs-user", "nope"), "X-Experience-API-Version": "1.0.3" } });
    expect(badAuth.status).toBe(401);
  });

  it("purges statements past the retention window", () => {
    const old = new XapiLrs(store, { retentionDays: 30, now: () => Date.parse("2020-01-01T00:00:00Z") });
    old.record(statement("ancient"));
    const before = store.queryStatements({ activityId: "https://synthetic-school.example/activities/ancient", limit: 10, offset: 0, includeVoided: true });
    expect(before).toHaveLength(1);
    expect(lrs.purgeExpired()).toBeGreaterThanOrEqual(1);
    expect(store.queryStatements({ activityId: "https://synthetic-school.example/activities/ancient", limit: 10, offset: 0, includeVoided: true })).toHaveLength(0);
  });
});

describe("xAPI query parameters", async () => {
  const store = new EducationStore(":memory:");
  const server = await serveXapi(new XapiLrs(store, { retentionDays: 30 }), { username: "u", password: "p" });
  afterAll(async () => {
    await server.close();
    store.close();
  });
  it("answers 400, not 500, for a malformed agent filter", async () => {
    const headers = { Authorization: `Basic ${Buffer.from("u:p").toString("base64")}`, "X-Experience-API-Version": "1.0.3" };
    for (const agent of ["{}", "not json", '{"mbox":"x"}']) {
      const response = await fetch(`${server.endpoint}statements?agent=${encodeURIComponent(agent)}`, { headers });
      expect(response.status).toBe(400);
    }
  });
});
