import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_WRITES, approvedCall, call, callError, declaringClient, testRuntime } from "./__fixtures__/harness.js";

type Client = Awaited<ReturnType<typeof declaringClient>>["client"];

// Free text a young learner might type, each a marker the scan looks for in every stored field.
const MARKERS = ["Zarafina", "Quokkastreet", "secretdiary", "hatesbroccoli", "Freetextname", "42Elmwood"];

describe("under 13: no free text survives in any stored field, identifiers included", () => {
  const runtime = testRuntime({ settings: { ...ALL_WRITES, privacy: { identity: "pseudonymous", fields: "minimal", audience: "under13", minCohort: 5, retentionDays: 30, trainingUse: false } } });
  let client: Client;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ client, close } = await declaringClient(runtime));
    runtime.store.grantConsent("s-0001", "2026-11-01T00:00:00Z");
    runtime.as({ id: "s-0001", scopes: [], roles: ["student"] });
  });
  afterAll(async () => {
    await close();
    await runtime.close();
  });

  it("refuses custom verb IRIs, even well-formed ones carrying words", async () => {
    for (const verb of ["https://example.org/verbs/my-secretdiary-Zarafina", "urn:x:hatesbroccoli", "wrote"]) {
      expect(await callError(client, "edu_record_activity", { verb, object: { id: "https://synthetic-school.example/items/item-alg-linear-1" } })).toMatchObject({ code: "VERB_NOT_ALLOWED", field: "verb" });
    }
    // The exact IRI of an allowlisted verb is fine.
    expect(await approvedCall(runtime.state, client, "edu_record_activity", { verb: "http://adlnet.gov/expapi/verbs/completed", object: { id: "urn:mcp-verticals:education:item:item-alg-linear-1" } })).toMatchObject({ verb: "http://adlnet.gov/expapi/verbs/completed" });
  });

  it("rebuilds activity ids from known ids: query strings, fragments and unknown paths never survive", async () => {
    const done = await approvedCall(runtime.state, client, "edu_record_activity", { verb: "answered", object: { id: "https://synthetic-school.example/items/item-alg-linear-1?note=Zarafina+lives+at+42Elmwood#my-secretdiary", name: "Freetextname" }, result: { response: "I hatesbroccoli on Quokkastreet", success: true, duration: "PT2M" } });
    expect(done).toMatchObject({ objectId: "urn:mcp-verticals:education:item:item-alg-linear-1", freeTextDropped: true });
    const myClass = (await runtime.store.listEnrollments({ userSourcedId: "s-0001" }))[0]!.class.sourcedId;
    const lineItem = (await runtime.store.listLineItems({ classSourcedId: myClass }))[0]!.sourcedId;
    const work = await approvedCall(runtime.state, client, "edu_record_activity", { verb: "progressed", object: { id: `https://lms.example/work/${lineItem}?comment=secretdiary` } });
    expect(work.objectId).toBe(`urn:mcp-verticals:education:lineitem:${lineItem}`);
    // Work of a class the learner is not in is not theirs to report.
    const mine = new Set((await runtime.store.listEnrollments({ userSourcedId: "s-0001" })).map((e) => e.class.sourcedId));
    const otherClass = (await runtime.store.listClasses()).find((cls) => !mine.has(cls.sourcedId))!;
    const theirs = (await runtime.store.listLineItems({ classSourcedId: otherClass.sourcedId }))[0]!;
    expect((await callError(client, "edu_record_activity", { verb: "progressed", object: { id: `https://lms.example/work/${theirs.sourcedId}` } })).code).toBe("ACTIVITY_NOT_KNOWN");
    for (const id of ["https://synthetic-school.example/activities/zarafina-secretdiary", "https://synthetic-school.example/items/", "urn:isbn:0451450523"]) {
      expect(await callError(client, "edu_record_activity", { verb: "experienced", object: { id } })).toMatchObject({ code: "ACTIVITY_NOT_KNOWN", field: "object.id" });
    }
  });

  it("leaves no marker in any column of any table of the store", async () => {
    const rows = runtime.store.allStoredRows();
    expect(new Set(rows.map((entry) => entry.table))).toContain("xapi_statements");
    let cells = 0;
    for (const { table, row } of rows) {
      for (const value of Object.values(row)) {
        cells++;
        const text = typeof value === "string" ? value : JSON.stringify(value);
        for (const marker of MARKERS) expect(text.includes(marker), `${table} holds learner free text`).toBe(false);
      }
    }
    expect(cells).toBeGreaterThan(1000);
    // And no query or fragment in any stored activity id.
    for (const row of runtime.store.queryStatements({ limit: 1000, offset: 0, includeVoided: true })) {
      expect(row.activityId).toMatch(/^urn:mcp-verticals:education:(item|lineitem):[A-Za-z0-9._-]+$/);
      expect(JSON.stringify(row.statement)).not.toMatch(/[?#]/);
    }
  });
});
