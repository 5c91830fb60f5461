import { isExtensionError } from "@mcp-verticals/core";
import { describe, expect, it } from "vitest";
import { seededItems } from "../backend/seed-content.js";
import { buildQtiItemXml, candidateQtiItem, candidateQtiXml, parseQtiItem, scoreQtiResponse } from "./qti.js";

const items = new Map(seededItems("t-001").map((item) => [item.id, item]));
const parsed = (id: string) => parseQtiItem(items.get(id)!.xml);

describe("QTI 3.0 items", () => {
  it("parses every seeded item with its interaction type", () => {
    const types = new Set<string>();
    for (const item of items.values()) {
      const qti = parseQtiItem(item.xml);
      expect(qti.identifier).toBe(item.id);
      types.add(qti.interactions[0]!.type);
    }
    expect([...types].sort()).toEqual(["choice", "extended-text", "inline-choice", "match", "order", "text-entry"]);
  });

  it.each([
    ["item-alg-linear-1", { RESPONSE: "B" }, { RESPONSE: "A" }, 1],
    ["item-alg-factor-1", { RESPONSE: "A" }, { RESPONSE: "C" }, 1],
    ["item-bio-method-1", { RESPONSE: ["A", "B", "C", "D", "E"] }, { RESPONSE: ["B", "A", "C", "D", "E"] }, 1],
    ["item-geo-circle-1", { RESPONSE: ["A T1", "B T2", "C T3"] }, { RESPONSE: ["A T2", "B T1", "C T3"] }, 1],
    ["item-stat-centre-1", { RESPONSE: ["B", "A"] }, { RESPONSE: ["A"] }, 1],
  ])("match_correct scores %s", (id, right, wrong, max) => {
    const item = parsed(id);
    expect(item.template).toBe("match_correct");
    expect(scoreQtiResponse(item, right)).toMatchObject({ score: 1, maxScore: max, correct: true });
    expect(scoreQtiResponse(item, wrong)).toMatchObject({ score: 0, correct: false });
  });

  it("map_response scores text entry case-insensitively and accepts alternatives", () => {
    const item = parsed("item-geo-pythagoras-1");
    expect(item.template).toBe("map_response");
    expect(scoreQtiResponse(item, { RESPONSE: " 10 " })).toMatchObject({ score: 2, maxScore: 2, correct: true });
    expect(scoreQtiResponse(item, { RESPONSE: "12" })).toMatchObject({ score: 0, correct: false });
    const newton = parsed("item-phys-newton-1");
    expect(scoreQtiResponse(newton, { RESPONSE: "6 n" }).score).toBe(1);
  });

  it("map_response sums distinct mapped values within the bounds and picks feedback", () => {
    const item = parsed("item-chem-elements-1");
    expect(item.maxScore).toBe(2);
    expect(scoreQtiResponse(item, { RESPONSE: ["Fe", "Cu"] })).toMatchObject({ score: 2, correct: true, feedback: ["correct"] });
    expect(scoreQtiResponse(item, { RESPONSE: ["Fe", "Fe"] }).score).toBe(1);
    expect(scoreQtiResponse(item, { RESPONSE: ["Fe", "O"] })).toMatchObject({ score: 0, feedback: ["incorrect"] });
    expect(scoreQtiResponse(item, { RESPONSE: ["O", "S"] }).score).toBe(0); // lower-bound 0
  });

  it("extended text needs a human scorer", () => {
    expect(scoreQtiResponse(parsed("item-ela-argument-1"), { RESPONSE: "Yes, because…" })).toMatchObject({ needsHumanScoring: true, correct: undefined });
  });

  it("refuses a response for an undeclared identifier", () => {
    expect(() => scoreQtiResponse(parsed("item-alg-linear-1"), { OTHER: "A" })).toThrow(expect.objectContaining({ code: "RESPONSE_INVALID" }));
  });

  it("the candidate view never contains the answer key, mapping, response processing or feedback", () => {
    for (const item of items.values()) {
      const xml = candidateQtiXml(item.xml);
      for (const tag of ["qti-correct-response", "qti-mapping", "qti-response-processing", "qti-modal-feedback", "qti-map-entry"]) expect(xml).not.toContain(tag);
      const candidate = parseQtiItem(xml.replace("<qti-item-body", "<qti-item-body"));
      expect(candidate.interactions).toEqual(parseQtiItem(item.xml).interactions);
      const json = JSON.stringify(candidateQtiItem(parseQtiItem(item.xml)));
      expect(json).not.toContain('"correct"');
      expect(json).not.toContain('"mapping"');
    }
    expect(candidateQtiXml(items.get("item-geo-pythagoras-1")!.xml)).not.toContain(">10<");
    expect(candidateQtiXml(items.get("item-chem-elements-1")!.xml)).not.toContain("iron and copper are metals");
  });

  it("builds items that round-trip and rejects inconsistent descriptions with the field", () => {
    const xml = buildQtiItemXml({ identifier: "x1", title: "T & <t>", type: "match", prompt: "Match", choices: ["a", "b"], targets: ["1", "2"], correct: ["a => 2", "b => 1"], points: 1 });
    const item = parseQtiItem(xml);
    expect(item.title).toBe("T & <t>");
    expect(scoreQtiResponse(item, { RESPONSE: ["A T2", "B T1"] }).score).toBe(1);
    expect(() => buildQtiItemXml({ identifier: "x2", title: "t", type: "choice", prompt: "p", choices: ["a", "b"], correct: ["c"], points: 1 })).toThrow(expect.objectContaining({ code: "ITEM_INVALID", field: "correct" }));
  });

  it("rejects malformed, foreign and DTD-bearing XML with QTI_INVALID", () => {
    for (const bad of ["", "<qti-assessment-item", "<html/>", '<!DOCTYPE x [<!ENTITY a "b">]><qti-assessment-item identifier="a"/>', '<qti-assessment-item identifier="a"><qti-item-body/></qti-assessment-item>']) {
      expect(() => parseQtiItem(bad)).toThrow(expect.objectContaining({ code: "QTI_INVALID", field: "xml" }));
    }
  });

  it("fuzzed XML never crashes: every failure is a typed QTI_INVALID", () => {
    let state = 42;
    const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const sources = [...items.values()].map((item) => item.xml);
    const alphabet = ['<', '>', '/', '"', "=", "&", "qti-", " ", "\u0000", "]]>", "<!--", "identifier", "x"];
    let failures = 0;
    for (let run = 0; run < 600; run++) {
      let xml = sources[run % sources.length]!;
      for (let edit = 0; edit < 1 + Math.floor(random() * 4); edit++) {
        const at = Math.floor(random() * xml.length);
        const op = random();
        if (op < 0.4) xml = xml.slice(0, at) + xml.slice(at + 1 + Math.floor(random() * 20));
        else if (op < 0.8) xml = xml.slice(0, at) + alphabet[Math.floor(random() * alphabet.length)] + xml.slice(at);
        else xml = xml.slice(0, at);
      }
      try {
        const item = parseQtiItem(xml);
        scoreQtiResponse(item, { RESPONSE: "A" });
        candidateQtiXml(xml);
      } catch (error) {
        if (!isExtensionError(error)) throw error;
        failures++;
      }
    }
    expect(failures).toBeGreaterThan(0);
  });
});
