import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolErrorOf } from "@mcp-verticals/core";
import { buildQtiItemXml } from "./standards/qti.js";
import { ALL_WRITES, call, callError, declaringClient, TEST_NOW, testRuntime } from "./__fixtures__/harness.js";

type Client = Awaited<ReturnType<typeof declaringClient>>["client"];
const choiceItem = (identifier: string) => ({
  id: identifier,
  title: identifier,
  interaction: "choice",
  xml: buildQtiItemXml({ identifier, title: identifier, type: "choice", prompt: "Pick one", choices: ["w", "x", "y", "z"], correct: ["y"], points: 1 }),
  cfItemIds: [],
  status: "published" as const,
  author: "t-001",
  bank: "algebra",
});

// The answer-key oracle: a student calling edu_score_response with each choice in turn.
async function oracle(client: Client, itemId: string): Promise<{ key?: string; calls: number; codes: string[] }> {
  const codes: string[] = [];
  let calls = 0;
  for (const guess of ["A", "B", "C", "D"]) {
    calls++;
    const result = (await client.callTool({ name: "edu_score_response", arguments: { itemId, response: { RESPONSE: guess } } })) as { isError?: boolean; structuredContent?: any; _meta?: unknown };
    if (result.isError) codes.push(toolErrorOf(result)?.code ?? "UNSTRUCTURED");
    else if (result.structuredContent.correct === true) return { key: guess, calls, codes };
  }
  return { calls, codes };
}

describe("the practice-scoring answer-key oracle is closed", () => {
  const runtime = testRuntime({ settings: ALL_WRITES });
  let client: Client;
  let close: () => Promise<void>;
  const student = (id = "s-0001") => runtime.as({ id, scopes: [], roles: ["student"] });
  const teacher = () => runtime.as({ id: "t-001", scopes: [], roles: ["teacher"] });

  beforeAll(async () => {
    ({ client, close } = await declaringClient(runtime));
    runtime.store.putItem(choiceItem("item-open-quiz"));
    runtime.store.putItem(choiceItem("item-practice"));
    runtime.store.putItem(choiceItem("item-practice-2"));
    // A quiz still open (due after the clock) and still a draft: "may become" graded counts.
    await runtime.store.putLineItem({
      sourcedId: "li-open-quiz", status: "active", dateLastModified: new Date(TEST_NOW).toISOString(), title: "Unit 3 quiz", assignDate: "2026-11-20T08:00:00Z",
      dueDate: new Date(TEST_NOW + 7 * 86_400_000).toISOString(), class: { sourcedId: "cls-alg1-a", type: "class" }, category: { sourcedId: "cat-quizzes", type: "category" },
      resultValueMin: 0, resultValueMax: 1, metadata: { kind: "quiz", qtiItemIds: ["item-open-quiz"], cfItemIds: [], published: false, rubric: [] },
    } as never);
  });
  afterAll(async () => {
    await close();
    await runtime.close();
  });

  it("refuses to score items of graded work that has not closed: the oracle learns nothing", async () => {
    student();
    const attack = await oracle(client, "item-open-quiz");
    expect(attack.key).toBeUndefined();
    expect(attack.codes).toEqual(["ITEM_IN_GRADED_WORK", "ITEM_IN_GRADED_WORK", "ITEM_IN_GRADED_WORK", "ITEM_IN_GRADED_WORK"]);
    // Refused calls cost no attempt and leave nothing behind.
    expect(runtime.store.practiceAttempts("s-0001", "item-open-quiz")).toEqual([]);
    // Staff still score it (to check their key).
    teacher();
    expect(await call(client, "edu_score_response", { itemId: "item-open-quiz", response: { RESPONSE: "C" } })).toMatchObject({ score: 1, correct: true, scoreWithheld: false });
  });

  it("caps practice attempts per student per item, durably", async () => {
    student();
    const first = await call(client, "edu_score_response", { itemId: "item-practice", response: { RESPONSE: "A" } });
    expect(first).toMatchObject({ attempt: 1, attemptsLeft: 2, correct: false, score: 0 });
    await call(client, "edu_score_response", { itemId: "item-practice", response: { RESPONSE: "B" } });
    await call(client, "edu_score_response", { itemId: "item-practice", response: { RESPONSE: "D" } });
    expect(await callError(client, "edu_score_response", { itemId: "item-practice", response: { RESPONSE: "C" } })).toMatchObject({ code: "PRACTICE_ATTEMPTS_EXHAUSTED", field: "itemId" });
    // A malformed response costs no attempt.
    student("s-0002");
    expect((await callError(client, "edu_score_response", { itemId: "item-practice", response: { OTHER: "C" } })).code).toBe("RESPONSE_INVALID");
    expect(runtime.store.practiceAttempts("s-0002", "item-practice")).toEqual([]);
    // Another student has their own attempts.
    expect(await call(client, "edu_score_response", { itemId: "item-practice", response: { RESPONSE: "C" } })).toMatchObject({ attempt: 1, correct: true });
  });

  it("parallel attempts cannot exceed the cap", async () => {
    student("s-0003");
    const results = await Promise.all(["A", "B", "C", "D", "A", "B"].map((guess) => client.callTool({ name: "edu_score_response", arguments: { itemId: "item-practice-2", response: { RESPONSE: guess } } }) as Promise<{ isError?: boolean }>));
    expect(results.filter((result) => !result.isError)).toHaveLength(3);
    expect(runtime.store.practiceAttempts("s-0003", "item-practice-2")).toHaveLength(3);
  });

  it("a practised item cannot become graded work", async () => {
    teacher();
    const args = { classSourcedId: "cls-alg1-a", title: "Quiz with practised item", dueDate: "2026-12-20T23:59:00Z", pointsPossible: 1, qtiItemIds: ["item-practice"] };
    expect(await callError(client, "edu_create_assignment", args)).toMatchObject({ code: "ITEM_PRACTISED", field: "qtiItemIds" });
  });
});

describe("delayed practice feedback", () => {
  const runtime = testRuntime({ settings: { integrity: { assessmentMode: "practice", answerKeys: "author-only", practiceAttempts: 2, practiceFeedback: "after-last-attempt" } } });
  let client: Client;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ client, close } = await declaringClient(runtime));
    runtime.store.putItem(choiceItem("item-delayed"));
  });
  afterAll(async () => {
    await close();
    await runtime.close();
  });

  it("withholds scores until the last attempt, then releases every attempt's result", async () => {
    runtime.as({ id: "s-0001", scopes: [], roles: ["student"] });
    const first = await call(client, "edu_score_response", { itemId: "item-delayed", response: { RESPONSE: "C" } });
    expect(first).toMatchObject({ attempt: 1, attemptsLeft: 1, scoreWithheld: true, feedback: [] });
    expect(first).not.toHaveProperty("score");
    expect(first).not.toHaveProperty("correct");
    const last = await call(client, "edu_score_response", { itemId: "item-delayed", response: { RESPONSE: "A" } });
    expect(last).toMatchObject({ attempt: 2, attemptsLeft: 0, scoreWithheld: false, score: 0, correct: false, attempts: [{ attempt: 1, score: 1, correct: true }, { attempt: 2, score: 0, correct: false }] });
  });
});
