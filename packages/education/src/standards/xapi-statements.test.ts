import { describe, expect, it } from "vitest";
import { EducationStore } from "../backend/store.js";
import { isIsoDuration, isLanguageTag, isXapiTimestamp } from "../schemas/xapi-formats.js";
import { returnedStatement, validateXapiStatement, XapiLrs } from "./xapi.js";

// Cases written from the xAPI 1.0.3 specification, Part Two (Data), §2.4 and §4.
const actor = { objectType: "Agent", name: "Sally Glider", mbox: "mailto:sally@example.com" };
const verb = { id: "http://adlnet.gov/expapi/verbs/experienced", display: { "en-US": "experienced" } };
const activity = { id: "http://example.com/activities/solo-hang-gliding", definition: { name: { "en-US": "Solo Hang Gliding" } } };
const base = { actor, verb, object: activity };

// The "long" example of Appendix A, trimmed: team Group, instructor, every context relation, extensions, result.
const meeting = {
  id: "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
  actor: { name: "Team PB", mbox: "mailto:teampb@example.com", member: [{ name: "Andrew Downes", account: { homePage: "http://www.example.com", name: "13936749" }, objectType: "Agent" }, { name: "Toby Nichols", openid: "http://toby.openid.example.org/", objectType: "Agent" }, { name: "Ena Hills", mbox_sha1sum: "ebd31e95054c018b10727ccffd2ef2ec3a016ee9", objectType: "Agent" }], objectType: "Group" },
  verb: { id: "http://adlnet.gov/expapi/verbs/attended", display: { "en-GB": "attended", "en-US": "attended" } },
  result: { extensions: { "http://example.com/profiles/meetings/resultextensions/minuteslocation": "X:\\meetings\\minutes\\examplemeeting.one" }, success: true, completion: true, response: "We agreed on some example actions.", duration: "PT1H0M0S" },
  context: {
    registration: "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
    contextActivities: {
      parent: [{ id: "http://www.example.com/meetings/series/267", objectType: "Activity" }],
      category: [{ id: "http://www.example.com/meetings/categories/teammeeting", objectType: "Activity", definition: { name: { en: "team meeting" }, description: { en: "A category of meeting used for regular team meetings." }, type: "http://example.com/expapi/activities/meetingcategory" } }],
      other: [{ id: "http://www.example.com/meetings/occurances/34257", objectType: "Activity" }, { id: "http://www.example.com/meetings/occurances/3425567", objectType: "Activity" }],
    },
    instructor: { name: "Andrew Downes", account: { homePage: "http://www.example.com", name: "13936749" }, objectType: "Agent" },
    team: { name: "Team PB", mbox: "mailto:teampb@example.com", objectType: "Group" },
    platform: "Example virtual meeting software",
    language: "tlh",
    statement: { objectType: "StatementRef", id: "6690e6c9-3ef0-4ed3-8b37-7f3964730bee" },
  },
  timestamp: "2013-05-18T05:32:34.804+00:00",
  version: "1.0.0",
  object: {
    id: "http://www.example.com/meetings/occurances/34534",
    definition: {
      extensions: { "http://example.com/profiles/meetings/activitydefinitionextensions/room": { name: "Kilby", id: "http://example.com/rooms/342" } },
      name: { "en-GB": "example meeting", "en-US": "example meeting" },
      description: { "en-GB": "An example meeting that happened on a specific occasion with certain people present.", "en-US": "An example meeting that happened on a specific occasion with certain people present." },
      type: "http://adlnet.gov/expapi/activities/meeting",
      moreInfo: "http://virtualmeeting.example.com/345256",
    },
    objectType: "Activity",
  },
};

const choiceInteraction = {
  ...base,
  object: {
    id: "http://example.com/activities/beta-prototypes",
    definition: {
      description: { "en-US": "Which of these prototypes are available at the beta site?" },
      type: "http://adlnet.gov/expapi/activities/cmi.interaction",
      interactionType: "choice",
      correctResponsesPattern: ["golf[,]tetris"],
      choices: [{ id: "golf", description: { "en-US": "Golf Example" } }, { id: "facebook", description: { "en-US": "Facebook App" } }, { id: "tetris", description: { "en-US": "Tetris Example" } }],
    },
  },
  result: { score: { scaled: 0.5, raw: 1, min: 0, max: 2 }, success: false, response: "golf" },
};

const subStatement = {
  actor: { objectType: "Agent", mbox: "mailto:test@example.com" },
  verb: { id: "http://example.com/planned", display: { "en-US": "planned" } },
  object: { objectType: "SubStatement", actor: { objectType: "Agent", mbox: "mailto:test@example.com" }, verb: { id: "http://example.com/visited", display: { "en-US": "will visit" } }, object: { id: "http://example.com/website", definition: { name: { "en-US": "Some Awesome Website" } } } },
};

const oauthAuthority = { objectType: "Group", member: [{ account: { homePage: "http://example.com/xAPI/OAuth/Token", name: "oauth_consumer_x75db" } }, { mbox: "mailto:bob@example.com" }] };

const valid: [string, unknown][] = [
  ["the simplest statement", base],
  ["Appendix A's meeting statement (identified Group actor with members, team, instructor)", meeting],
  ["a choice interaction with a consistent score", choiceInteraction],
  ["a SubStatement object", subStatement],
  ["an Agent object", { ...base, object: { objectType: "Agent", account: { homePage: "https://lms.example.org", name: "42" } } }],
  ["an anonymous Group object", { ...base, object: { objectType: "Group", member: [{ mbox: "mailto:a@example.org" }, { openid: "https://openid.example.org/b" }] } }],
  ["an anonymous Group actor", { ...base, actor: { objectType: "Group", member: [{ mbox_sha1sum: "ebd31e95054c018b10727ccffd2ef2ec3a016ee9" }] } }],
  ["a single Activity (not an array) in contextActivities", { ...base, context: { contextActivities: { parent: { id: "http://example.com/courses/gliding" } } } }],
  ["an OAuth authority: anonymous Group of two Agents", { ...base, authority: oauthAuthority }],
  ["a timestamp with a positive offset and nanoseconds", { ...base, timestamp: "2026-02-28T23:59:60.123456789+05:30" }],
  ["a weeks duration and language tags with script, region and private use", { ...base, result: { duration: "P3W" }, verb: { id: verb.id, display: { "zh-Hant-TW": "經歷", "x-klingon": "Qapla", "sr-Latn-RS": "iskusio", "es-419": "experimentó", "i-klingon": "Qapla" } } }],
  ["version 1.0.3", { ...base, version: "1.0.3" }],
];

const invalid: [string, unknown, string][] = [
  ["an unknown top-level property", { ...base, foo: "bar" }, "statement"],
  ["an unknown actor property", { ...base, actor: { ...actor, email: "sally@example.com" } }, "actor"],
  ["an unknown result property", { ...base, result: { passed: true } }, "result"],
  ["an unknown definition property", { ...base, object: { ...activity, definition: { name: { "en-US": "x" }, title: "x" } } }, "object"],
  ["an unknown contextActivities relation", { ...base, context: { contextActivities: { sibling: [{ id: "http://example.com/x" }] } } }, "context.contextActivities"],
  ["a language map key that is not an RFC 5646 tag", { ...base, verb: { id: verb.id, display: { en_US: "experienced" } } }, "verb.display"],
  ["a context language that is not an RFC 5646 tag", { ...base, context: { language: "english!" } }, "context.language"],
  ["an mbox that is not a mailto: IRI", { ...base, actor: { mbox: "sally@example.com" } }, "actor"],
  ["an openid that is not a URI", { ...base, actor: { openid: "not a uri" } }, "actor"],
  ["an Agent with two identifiers", { ...base, actor: { mbox: "mailto:a@example.org", openid: "https://openid.example.org/a" } }, "actor"],
  ["an Agent with no identifier", { ...base, actor: { name: "Nobody" } }, "actor"],
  ["raw above max", { ...base, result: { score: { raw: 11, min: 0, max: 10 } } }, "result.score.raw"],
  ["raw below min", { ...base, result: { score: { raw: -1, min: 0 } } }, "result.score.raw"],
  ["min not below max", { ...base, result: { score: { min: 5, max: 5 } } }, "result.score.min"],
  ["scaled outside [-1, 1]", { ...base, result: { score: { scaled: 1.5 } } }, "result.score.scaled"],
  ["a -00:00 timestamp", { ...base, timestamp: "2013-05-18T05:32:34.804-00:00" }, "timestamp"],
  ["a -0000 timestamp", { ...base, timestamp: "2013-05-18T05:32:34-0000" }, "timestamp"],
  ["a timestamp that is not ISO 8601", { ...base, timestamp: "18/05/2013 05:32" }, "timestamp"],
  ["a 13th month", { ...base, timestamp: "2013-13-18T05:32:34Z" }, "timestamp"],
  ["a duration with no component", { ...base, result: { duration: "PT" } }, "result.duration"],
  ["a duration with a fraction before the last component", { ...base, result: { duration: "P1.5DT2H" } }, "result.duration"],
  ["an extension key that is not an IRI", { ...base, result: { extensions: { minutes: 3 } } }, "result.extensions.minutes"],
  ["a verb id that is not an IRI", { ...base, verb: { id: "experienced" } }, "verb.id"],
  ["an Agent object without objectType", { ...base, object: { mbox: "mailto:a@example.org" } }, "object"],
  ["a SubStatement with an id", { ...subStatement, object: { ...subStatement.object, id: "fd41c918-b88b-4b20-a0a5-a4c32391aaa0" } }, "object"],
  ["a SubStatement with stored, version or authority", { ...subStatement, object: { ...subStatement.object, version: "1.0.0" } }, "object"],
  ["a nested SubStatement", { ...subStatement, object: { ...subStatement.object, object: subStatement.object } }, "object"],
  ["an anonymous Group without members", { ...base, actor: { objectType: "Group", name: "Empty" } }, "actor"],
  ["a Group as a Group member", { ...base, actor: { objectType: "Group", member: [{ objectType: "Group", mbox: "mailto:g@example.org" }] } }, "actor"],
  ["an authority Group of three", { ...base, authority: { ...oauthAuthority, member: [...oauthAuthority.member, { mbox: "mailto:c@example.org" }] } }, "authority"],
  ["an authority with an unknown property", { ...base, authority: { mbox: "mailto:lrs@example.org", role: "admin" } }, "authority"],
  ["a version that does not start with 1.0.", { ...base, version: "2.0.0" }, "version"],
  ["platform with an Agent object", { ...base, object: { objectType: "Agent", mbox: "mailto:a@example.org" }, context: { platform: "x" } }, "context.platform"],
  ["a null property", { ...base, result: null }, "result"],
  ["a statement id that is not a UUID", { ...base, id: "statement-1" }, "id"],
];

describe("xAPI 1.0.3 statement validation (Part Two, Data)", () => {
  it.each(valid)("accepts %s", (_name, statement) => {
    expect(() => validateXapiStatement(statement)).not.toThrow();
  });

  it.each(invalid)("rejects %s, naming the field", (_name, statement, field) => {
    let caught: unknown;
    try {
      validateXapiStatement(statement);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: "STATEMENT_INVALID" });
    expect((caught as { field: string }).field.startsWith(field)).toBe(true);
    // Messages name the place and rule, never the value sent.
    expect((caught as Error).message).not.toContain("sally@example.com");
  });

  it("checks RFC 5646, ISO 8601 timestamps and durations precisely", () => {
    for (const tag of ["en", "en-US", "tlh", "zh-Hant-TW", "de-CH-1901", "en-a-bbb-x-ccc", "x-whatever", "sgn-BE-FR", "es-419"]) expect(isLanguageTag(tag), tag).toBe(true);
    for (const tag of ["", "e", "en-", "en_US", "abcdefghi", "de-1901-1901", "en-a-bb-a-cc", "x", "en-US-"]) expect(isLanguageTag(tag), tag).toBe(false);
    for (const ts of ["2013-05-18T05:32:34Z", "2013-05-18T05:32Z", "2013-05-18T05:32:34+01", "2024-02-29T00:00:00.1+0100", "2013-05-18T05:32:34"]) expect(isXapiTimestamp(ts), ts).toBe(true);
    for (const ts of ["2013-05-18", "2023-02-29T00:00:00Z", "2013-05-18T24:00:00Z", "2013-05-18T05:32:34-00", "2013-05-18T05:32:34+15:00"]) expect(isXapiTimestamp(ts), ts).toBe(false);
    for (const d of ["P1Y2M3DT4H5M6.5S", "PT0S", "P0.5D", "PT1H0M0S", "P2W"]) expect(isIsoDuration(d), d).toBe(true);
    for (const d of ["P", "PT", "1H", "P1H", "P1DT", "P1W2D", "PT1.5H2M"]) expect(isIsoDuration(d), d).toBe(false);
  });
});

describe("the LRS stores accepted statements exactly as sent", () => {
  const store = new EducationStore(":memory:");
  const lrs = new XapiLrs(store, { retentionDays: 3650, now: () => Date.parse("2026-12-01T10:00:00Z") });
  const lrsAssigned = ["id", "stored", "timestamp", "version", "authority"];
  const sentProperties = (value: Record<string, unknown>) => Object.fromEntries(Object.entries(value).filter(([key]) => !lrsAssigned.includes(key)));

  it.each(valid)("keeps every property of %s", (_name, statement) => {
    const entry = lrs.record(statement);
    const stored = store.getStatement(entry.id)!.statement as unknown as Record<string, unknown>;
    expect(sentProperties(stored)).toEqual(sentProperties(statement as Record<string, unknown>));
    // Properties the client set itself are kept as well (timestamp, version).
    for (const key of ["timestamp", "version"]) if ((statement as Record<string, unknown>)[key] !== undefined) expect(stored[key]).toBe((statement as Record<string, unknown>)[key]);
    expect(stored.stored).toBe("2026-12-01T10:00:00.000Z");
  });

  it("fills the LRS-assigned properties: version 1.0.0, timestamp = stored, its own authority", () => {
    const stored = store.getStatement(lrs.record(base).id)!.statement;
    expect(stored).toMatchObject({ version: "1.0.0", timestamp: stored.stored, authority: { objectType: "Agent" } });
  });

  it("returns a single contextActivities Activity as an array of one, without changing what is stored", () => {
    const entry = lrs.record({ ...base, context: { contextActivities: { parent: { id: "http://example.com/courses/gliding" } } } });
    expect(store.getStatement(entry.id)!.statement.context!.contextActivities!.parent).toEqual({ id: "http://example.com/courses/gliding" });
    expect(returnedStatement(store.getStatement(entry.id)!.statement).context!.contextActivities!.parent).toEqual([{ id: "http://example.com/courses/gliding" }]);
  });

  it("stores nothing for a rejected statement", () => {
    const before = store.queryStatements({ limit: 1000, offset: 0, includeVoided: true }).length;
    expect(() => lrs.record({ ...base, id: "0b5e3a7e-1f7c-4f43-9a0d-3f6b6c1d2e3f", extra: true })).toThrow(expect.objectContaining({ code: "STATEMENT_INVALID" }));
    expect(store.getStatement("0b5e3a7e-1f7c-4f43-9a0d-3f6b6c1d2e3f")).toBeUndefined();
    expect(store.queryStatements({ limit: 1000, offset: 0, includeVoided: true })).toHaveLength(before);
  });

  it("indexes Group actors and non-Activity objects so filters still work", () => {
    const group = { objectType: "Group", member: [{ mbox: "mailto:b@example.org" }, { mbox: "mailto:a@example.org" }] };
    const entry = lrs.record({ ...base, actor: group, object: { objectType: "Agent", mbox: "mailto:c@example.org" } });
    expect(entry.activityId).toBe("");
    const reordered = { objectType: "Group", member: [{ mbox: "mailto:a@example.org" }, { mbox: "mailto:b@example.org" }] };
    expect(lrs.query({ agent: reordered as never, limit: 10, offset: 0 }).map((row) => row.id)).toContain(entry.id);
  });
});
