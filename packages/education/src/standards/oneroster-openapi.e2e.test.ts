import { afterAll, describe, expect, it } from "vitest";
import { checkOneRosterResponse, serveOneRosterFromOpenApi } from "../__fixtures__/oneroster-openapi-provider.js";
import { ALL_WRITES, approvedCall, call, declaringClient, testRuntime } from "../__fixtures__/harness.js";
import { generateSchool, seedIfEmpty } from "../backend/seed.js";
import { EducationStore, type OneRosterKind } from "../backend/store.js";
import { OneRosterRestClient, serveOneRosterRest } from "./oneroster-rest.js";
import { toOneRosterWire } from "./oneroster-wire.js";

const CLIENT_ID = "sis-client";
const CLIENT_SECRET = "a-client-secret-that-is-long-enough";
const KINDS: OneRosterKind[] = ["orgs", "academicSessions", "courses", "classes", "users", "enrollments", "categories", "lineItems", "results"];

/**
 * Records written to the 1.2 binding by hand, using what the synthetic school never produces:
 * string booleans, 1.2 role names, `ext:` extensions, optional fields left out, fields this
 * package does not read (userIds, preferred names, children).
 */
const independent = (base: string) => {
  const ref = (service: string, collection: string, type: string, sourcedId: string) => ({ href: `${base}/ims/oneroster/${service}/v1p2/${collection}/${sourcedId}`, sourcedId, type });
  const org = ref("rostering", "orgs", "org", "org-indep");
  return {
    orgs: [{ sourcedId: "org-indep", status: "active", dateLastModified: "2026-09-01T00:00:00Z", name: "Independent School", type: "school", identifier: "IND-1", children: [] }],
    classes: [{ sourcedId: "cls-indep", status: "active", dateLastModified: "2026-09-01T00:00:00Z", title: "Independent Seminar", course: ref("rostering", "courses", "course", "crs-indep"), school: org, terms: [ref("rostering", "academicSessions", "academicSession", "term-indep")] }],
    users: [
      {
        sourcedId: "u-indep-admin",
        status: "active",
        dateLastModified: "2026-09-01T00:00:00Z",
        enabledUser: "false",
        givenName: "Ada",
        familyName: "Admin",
        preferredFirstName: "A.",
        userIds: [{ type: "LTI", identifier: "lti-42" }],
        roles: [
          { roleType: "primary", role: "districtAdministrator", org },
          { roleType: "secondary", role: "ext:mentor", org },
        ],
      },
    ],
    enrollments: [
      { sourcedId: "enr-indep-aide", status: "active", dateLastModified: "2026-09-01T00:00:00Z", user: ref("rostering", "users", "user", "u-indep-admin"), class: ref("rostering", "classes", "class", "cls-indep"), school: org, role: "ext:aide", primary: "false" },
      { sourcedId: "enr-indep-odd", status: "active", dateLastModified: "2026-09-01T00:00:00Z", user: ref("rostering", "users", "user", "u-indep-admin"), class: ref("rostering", "classes", "class", "cls-indep"), school: org, role: "ext:observer" },
    ],
  };
};

describe("OneRoster 1.2 REST client against a provider built from 1EdTech's published OpenAPI documents", async () => {
  const school = generateSchool();
  const provider = await serveOneRosterFromOpenApi({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    records: (base) => {
      const extra = independent(base) as Record<string, unknown[]>;
      return Object.fromEntries(KINDS.map((kind) => [kind, [...school[kind].map((record) => toOneRosterWire(kind, record, base)), ...((extra[kind] ?? []) as object[])]]));
    },
  });
  const client = new OneRosterRestClient({ baseUrl: provider.url, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, pageSize: 100 });
  const runtime = testRuntime({ roster: client, seed: false, settings: ALL_WRITES });
  afterAll(async () => {
    await runtime.close();
    await provider.close();
  });

  it("reads every collection and record the extension uses, each request and response fitting the documents", async () => {
    expect((await client.listOrgs()).map((o) => o.sourcedId)).toEqual(["org-district", "org-school", "org-indep"]);
    expect(await client.listAcademicSessions()).toHaveLength(school.academicSessions.length);
    expect((await client.getAcademicSession("term-2026-fall"))?.type).toBe("term");
    expect((await client.getCourse(school.courses[0]!.sourcedId))?.courseCode).toBe(school.courses[0]!.courseCode);
    expect(await client.listClasses()).toHaveLength(school.classes.length + 1);
    expect((await client.getClass("cls-alg1-a"))?.terms.length).toBeGreaterThan(0);
    const user = await client.getUser("s-0001");
    expect(user).toMatchObject({ sourcedId: "s-0001", enabledUser: true, roles: [{ role: "student" }] });
    expect(await client.getUser("nobody")).toBeUndefined();
    const enrollments = await client.listEnrollments({ classSourcedId: "cls-alg1-a" });
    expect(enrollments.length).toBe(school.enrollments.filter((e) => e.class.sourcedId === "cls-alg1-a").length);
    expect(enrollments.find((e) => e.role === "teacher")?.primary).toBe(true);
    expect(await client.listEnrollments({ classSourcedId: "cls-alg1-a", userSourcedId: "t-001" })).toHaveLength(school.enrollments.filter((e) => e.class.sourcedId === "cls-alg1-a" && e.user.sourcedId === "t-001").length);
    expect(await client.listCategories()).toHaveLength(3);
    const lineItems = await client.listLineItems({ classSourcedId: "cls-alg1-a" });
    expect(lineItems.length).toBe(school.lineItems.filter((l) => l.class.sourcedId === "cls-alg1-a").length);
    const results = await client.listResults({ lineItemSourcedId: lineItems[0]!.sourcedId });
    expect(results.length).toBe(school.results.filter((r) => r.lineItem.sourcedId === lineItems[0]!.sourcedId).length);
    // The binding's scoreDate is a date; the client reads what the provider holds.
    expect(results[0]!.scoreDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect((await client.getResult(results[0]!.sourcedId))?.score).toBe(results[0]!.score);
    expect(new Set(provider.served)).toEqual(
      new Set(["getAllOrgs", "getAllAcademicSessions", "getAcademicSession", "getCourse", "getAllClasses", "getClass", "getUser", "getAllEnrollments", "getAllCategories", "getAllLineItems", "getAllResults", "getResult"]),
    );
    expect(provider.violations).toEqual([]);
  });

  it("reads records written to the 1.2 binding by others: 1.2 role names, string booleans, ext: values", async () => {
    const admin = await client.getUser("u-indep-admin");
    // districtAdministrator reads as administrator; the unknown ext:mentor role grants nothing and is dropped.
    expect(admin).toMatchObject({ enabledUser: false, roles: [{ roleType: "primary", role: "administrator" }] });
    expect(admin?.roles).toHaveLength(1);
    expect(JSON.stringify(admin)).not.toContain("lti-42");
    const seminar = await client.listEnrollments({ classSourcedId: "cls-indep" });
    // ext:aide is this package's aide; ext:observer is unknown, so that enrollment grants nothing.
    expect(seminar.map((e) => [e.sourcedId, e.role, e.primary])).toEqual([["enr-indep-aide", "aide", false]]);
    expect((await client.getClass("cls-indep"))?.classType).toBeUndefined();
    expect(provider.violations).toEqual([]);
  });

  it("writes scores and line items through MCP tools with PUT bodies the documents accept", async () => {
    const { client: mcp, close } = await declaringClient(runtime);
    try {
      const { roster } = await call(mcp, "edu_list_roster", { classSourcedId: "cls-alg1-a", role: "student", limit: 1 });
      const learner = roster[0].learner;
      const written = await approvedCall(runtime.state, mcp, "edu_post_score", { lineItemSourcedId: "li-alg1-a-4", studentSourcedId: learner, scoreGiven: 7, scoreMaximum: 10 });
      expect(written).toMatchObject({ status: "written", result: { learner, score: 7 } });
      const stored = [...provider.data.get("results")!.values()].filter((r) => r.lineItem.sourcedId === "li-alg1-a-4" && r.score === 7 && r.dateLastModified.startsWith("2026-11-24"));
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ scoreDate: "2026-11-24", late: expect.stringMatching(/^(true|false)$/), student: { type: "user", href: expect.stringContaining("/ims/oneroster/rostering/v1p2/users/") } });
      const created = await approvedCall(runtime.state, mcp, "edu_create_assignment", { classSourcedId: "cls-alg1-a", title: "Slope practice", dueDate: "2026-12-15T23:59:00Z", pointsPossible: 10, categorySourcedId: "cat-homework" });
      expect(created.status).toBe("written");
      const lineItem = [...provider.data.get("lineItems")!.values()].find((l) => l.title === "Slope practice");
      expect(lineItem).toMatchObject({ school: { sourcedId: "org-school", type: "org" }, class: { sourcedId: "cls-alg1-a", type: "class" } });
      expect(provider.served).toEqual(expect.arrayContaining(["putResult", "putLineItem"]));
      expect(provider.violations).toEqual([]);
    } finally {
      await close();
    }
  });

  it("refuses a record the documents allow but the extension cannot score, naming the field", async () => {
    const base = provider.url;
    const unscored: Record<string, unknown> = { ...toOneRosterWire("lineItems", school.lineItems[0]!, base), sourcedId: "li-unscored", class: { href: `${base}/ims/oneroster/rostering/v1p2/classes/cls-unscored`, sourcedId: "cls-unscored", type: "class" } };
    delete unscored.resultValueMax;
    provider.data.get("lineItems")!.set("li-unscored", unscored);
    await expect(client.getLineItem("li-unscored")).rejects.toMatchObject({ code: "ONEROSTER_INVALID_RECORD", field: "resultValueMax" });
    expect(provider.violations).toEqual([]);
  });

  it("the provider itself holds to the documents: undeclared parameters and bodies that do not fit are refused", async () => {
    const token = (await (await fetch(provider.tokenUrl, { method: "POST", headers: { Authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}`, "Content-Type": "application/x-www-form-urlencoded" }, body: "grant_type=client_credentials&scope=https%3A%2F%2Fpurl.imsglobal.org%2Fspec%2For%2Fv1p2%2Fscope%2Froster-core.readonly" })).json()) as { access_token: string };
    const headers = { Authorization: `Bearer ${token.access_token}` };
    const before = provider.violations.length;
    expect((await fetch(`${provider.url}/ims/oneroster/rostering/v1p2/classes?page=2`, { headers })).status).toBe(400);
    expect((await fetch(`${provider.url}/ims/oneroster/rostering/v1p2/classes?limit=0`, { headers })).status).toBe(400);
    // A roster-only token may not read the gradebook.
    expect((await fetch(`${provider.url}/ims/oneroster/gradebook/v1p2/results`, { headers })).status).toBe(403);
    expect(provider.violations.length - before).toBe(3);
    provider.violations.splice(before);
  });
});

describe("the package's own OneRoster provider answers in the published 1.2 binding", async () => {
  const store = new EducationStore(":memory:");
  seedIfEmpty(store);
  const ours = await serveOneRosterRest(store, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  afterAll(async () => {
    await ours.close();
    store.close();
  });

  it("collections, single records, errors and PUT answers validate against the documents", async () => {
    const token = (await (await fetch(ours.tokenUrl, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: `grant_type=client_credentials&client_id=${CLIENT_ID}&client_secret=${CLIENT_SECRET}` })).json()) as { access_token: string };
    const get = async (path: string) => {
      const response = await fetch(`${ours.url}${path}`, { headers: { Authorization: `Bearer ${token.access_token}` } });
      return { status: response.status, body: await response.json(), total: response.headers.get("x-total-count") };
    };
    const cases: [string, string][] = [
      ["getAllOrgs", "/ims/oneroster/rostering/v1p2/orgs"],
      ["getAllAcademicSessions", "/ims/oneroster/rostering/v1p2/academicSessions"],
      ["getAllClasses", "/ims/oneroster/rostering/v1p2/classes?limit=30"],
      ["getAllEnrollments", "/ims/oneroster/rostering/v1p2/enrollments?limit=200"],
      ["getUser", "/ims/oneroster/rostering/v1p2/users/s-0001"],
      ["getUser", "/ims/oneroster/rostering/v1p2/users/t-001"],
      ["getCourse", "/ims/oneroster/rostering/v1p2/courses/crs-alg1"],
      ["getAllCategories", "/ims/oneroster/gradebook/v1p2/categories"],
      ["getAllLineItems", "/ims/oneroster/gradebook/v1p2/lineItems?limit=200"],
      ["getAllResults", "/ims/oneroster/gradebook/v1p2/results?limit=500"],
      ["getClass", "/ims/oneroster/rostering/v1p2/classes/cls-nope"],
    ];
    for (const [operationId, path] of cases) {
      const { status, body, total } = await get(path);
      expect({ operationId, problems: checkOneRosterResponse(operationId, status, body, { "x-total-count": total }) }).toEqual({ operationId, problems: [] });
    }
    expect((await get("/ims/oneroster/rostering/v1p2/classes/cls-nope")).status).toBe(404);
    const result = (await get("/ims/oneroster/gradebook/v1p2/results?limit=1")).body.results[0];
    const put = await fetch(`${ours.url}/ims/oneroster/gradebook/v1p2/results/${result.sourcedId}`, {
      method: "PUT",
      headers: { Authorization: `Bearer ${token.access_token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ result: { ...result, score: 9, scoreDate: "2026-11-30" } }),
    });
    expect(checkOneRosterResponse("putResult", put.status, (await put.text()) || undefined)).toEqual([]);
    expect(put.status).toBe(201);
    expect(store.getRecord<{ score: number }>("results", result.sourcedId)?.score).toBe(9);
  });
});
