import { isExtensionError } from "@mcp-verticals/core";
import { describe, expect, it } from "vitest";
import { seededItems } from "../backend/seed-content.js";
import { candidateQtiItem, candidateQtiXml, parseQtiItem, scoreQtiResponse } from "./qti.js";

// Items written for these tests from the QTI 3.0 specification (ASI information model and the
// standard response-processing templates).
const NS = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0";
const TEMPLATES = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/";
const item = (declarations: string, body: string, processing: string, extra = "") =>
  `<?xml version="1.0" encoding="UTF-8"?><qti-assessment-item xmlns="${NS}" identifier="t" title="t" adaptive="false" time-dependent="false">${declarations}<qti-item-body>${body}</qti-item-body>${processing}${extra}</qti-assessment-item>`;
const score = `<qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"/>`;
const textEntry = `<qti-p>Capital? <qti-text-entry-interaction response-identifier="RESPONSE"/></qti-p>`;
const choice = (max = 1) => `<qti-choice-interaction response-identifier="RESPONSE" max-choices="${max}"><qti-simple-choice identifier="A">a</qti-simple-choice><qti-simple-choice identifier="B">b</qti-simple-choice><qti-simple-choice identifier="C">c</qti-simple-choice></qti-choice-interaction>`;
const template = (name: string) => `<qti-response-processing template="${TEMPLATES}${name}.xml"/>`;

describe("QTI 3.0 response processing", () => {
  it("parses case-sensitive map entries (they used to crash the parser) and honours them per entry", () => {
    const xml = item(
      `<qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="string"><qti-correct-response><qti-value>Paris</qti-value></qti-correct-response><qti-mapping default-value="0"><qti-map-entry map-key="Paris" mapped-value="2" case-sensitive="true"/><qti-map-entry map-key="paris" mapped-value="1" case-sensitive="true"/><qti-map-entry map-key="PARIGI" mapped-value="1" case-sensitive="false"/></qti-mapping></qti-response-declaration>${score}`,
      textEntry,
      template("map_response"),
    );
    const parsed = parseQtiItem(xml);
    expect(parsed.responses[0]!.mapping!.entries.map((entry) => entry.caseSensitive)).toEqual([true, true, false]);
    expect(scoreQtiResponse(parsed, { RESPONSE: "Paris" }).score).toBe(2);
    expect(scoreQtiResponse(parsed, { RESPONSE: "paris" }).score).toBe(1);
    expect(scoreQtiResponse(parsed, { RESPONSE: "PARIS" }).score).toBe(0);
    expect(scoreQtiResponse(parsed, { RESPONSE: "parigi" }).score).toBe(1);
  });

  it("match_correct: SCORE 1 only when RESPONSE matches, 0 otherwise and for no response", () => {
    const xml = item(`<qti-response-declaration identifier="RESPONSE" cardinality="multiple" base-type="identifier"><qti-correct-response><qti-value>A</qti-value><qti-value>C</qti-value></qti-correct-response></qti-response-declaration>${score}`, choice(0), template("match_correct"));
    const parsed = parseQtiItem(xml);
    expect(parsed.template).toBe("match_correct");
    expect(scoreQtiResponse(parsed, { RESPONSE: ["C", "A"] })).toMatchObject({ score: 1, correct: true });
    expect(scoreQtiResponse(parsed, { RESPONSE: ["A"] })).toMatchObject({ score: 0, correct: false });
    expect(scoreQtiResponse(parsed, { RESPONSE: ["A", "C", "A"] }).score).toBe(0); // a multiset, not a set
    expect(scoreQtiResponse(parsed, {})).toMatchObject({ score: 0, correct: false });
  });

  it("map_response: NULL scores 0 even with a negative default; containers map each value once, then bound", () => {
    const xml = item(
      `<qti-response-declaration identifier="RESPONSE" cardinality="multiple" base-type="identifier"><qti-mapping default-value="-1" lower-bound="-2" upper-bound="3"><qti-map-entry map-key="A" mapped-value="2"/><qti-map-entry map-key="B" mapped-value="2"/></qti-mapping></qti-response-declaration>${score}`,
      choice(0),
      template("map_response"),
    );
    const parsed = parseQtiItem(xml);
    expect(scoreQtiResponse(parsed, {}).score).toBe(0);
    expect(scoreQtiResponse(parsed, { RESPONSE: ["A"] }).score).toBe(2);
    expect(scoreQtiResponse(parsed, { RESPONSE: ["A", "A"] }).score).toBe(2);
    expect(scoreQtiResponse(parsed, { RESPONSE: ["A", "B"] }).score).toBe(3); // upper-bound
    expect(scoreQtiResponse(parsed, { RESPONSE: ["C"] }).score).toBe(-1); // default-value
    expect(scoreQtiResponse(parsed, { RESPONSE: ["C", "C"] }).score).toBe(-1);
  });

  it("map_response on integers compares numerically", () => {
    const xml = item(`<qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="integer"><qti-mapping default-value="0"><qti-map-entry map-key="12" mapped-value="1"/></qti-mapping></qti-response-declaration>${score}`, textEntry, template("map_response"));
    expect(scoreQtiResponse(parseQtiItem(xml), { RESPONSE: "+12" }).score).toBe(1);
    expect(() => scoreQtiResponse(parseQtiItem(xml), { RESPONSE: "twelve" })).toThrow(expect.objectContaining({ code: "RESPONSE_INVALID", field: "response" }));
  });

  it("map_response_point: each area counts once, points outside every area add the default", () => {
    const xml = item(
      `<qti-response-declaration identifier="RESPONSE" cardinality="multiple" base-type="point"><qti-area-mapping default-value="-1" lower-bound="-5"><qti-area-map-entry shape="circle" coords="100,100,10" mapped-value="2"/><qti-area-map-entry shape="rect" coords="0,0,20,20" mapped-value="1"/><qti-area-map-entry shape="poly" coords="200,200,260,200,230,250" mapped-value="3"/></qti-area-mapping></qti-response-declaration>${score}`,
      `<qti-select-point-interaction response-identifier="RESPONSE" max-choices="0"><qti-prompt>Mark the cities.</qti-prompt></qti-select-point-interaction>`,
      template("map_response_point"),
    );
    const parsed = parseQtiItem(xml);
    expect(parsed.template).toBe("map_response_point");
    expect(parsed.maxScore).toBe(6);
    expect(scoreQtiResponse(parsed, { RESPONSE: ["101 99"] }).score).toBe(2);
    expect(scoreQtiResponse(parsed, { RESPONSE: ["101 99", "95 105"] }).score).toBe(2); // same circle, once
    expect(scoreQtiResponse(parsed, { RESPONSE: ["101 99", "5 5", "230 210"] }).score).toBe(6);
    expect(scoreQtiResponse(parsed, { RESPONSE: ["500 500"] }).score).toBe(-1);
    expect(scoreQtiResponse(parsed, { RESPONSE: ["230 260"] }).score).toBe(-1); // outside the triangle
    expect(scoreQtiResponse(parsed, {}).score).toBe(0);
    expect(JSON.stringify(candidateQtiItem(parsed))).not.toContain("areaMapping");
  });

  const inline = `<qti-response-processing>
    <qti-response-condition>
      <qti-response-if><qti-is-null><qti-variable identifier="RESPONSE"/></qti-is-null>
        <qti-set-outcome-value identifier="FEEDBACK"><qti-base-value base-type="identifier">empty</qti-base-value></qti-set-outcome-value></qti-response-if>
      <qti-response-else-if><qti-and><qti-member><qti-base-value base-type="identifier">A</qti-base-value><qti-variable identifier="RESPONSE"/></qti-member><qti-not><qti-member><qti-base-value base-type="identifier">B</qti-base-value><qti-variable identifier="RESPONSE"/></qti-member></qti-not></qti-and>
        <qti-set-outcome-value identifier="SCORE"><qti-sum><qti-variable identifier="SCORE"/><qti-base-value base-type="float">2</qti-base-value><qti-base-value base-type="float">0.5</qti-base-value></qti-sum></qti-set-outcome-value>
        <qti-set-outcome-value identifier="FEEDBACK"><qti-base-value base-type="identifier">good</qti-base-value></qti-set-outcome-value></qti-response-else-if>
      <qti-response-else-if><qti-or><qti-match><qti-variable identifier="RESPONSE"/><qti-correct identifier="RESPONSE"/></qti-match><qti-gte><qti-container-size><qti-variable identifier="RESPONSE"/></qti-container-size><qti-base-value base-type="integer">3</qti-base-value></qti-gte></qti-or>
        <qti-set-outcome-value identifier="SCORE"><qti-base-value base-type="float">1</qti-base-value></qti-set-outcome-value></qti-response-else-if>
      <qti-response-else>
        <qti-set-outcome-value identifier="FEEDBACK"><qti-base-value base-type="identifier">retry</qti-base-value></qti-set-outcome-value></qti-response-else>
    </qti-response-condition>
    <qti-response-condition><qti-response-if><qti-lte><qti-variable identifier="SCORE"/><qti-base-value base-type="float">0</qti-base-value></qti-lte>
      <qti-set-outcome-value identifier="ATTEMPTS_LEFT"><qti-base-value base-type="float">1.9</qti-base-value></qti-set-outcome-value><qti-exit-response/></qti-response-if></qti-response-condition>
    <qti-set-outcome-value identifier="SCORE"><qti-base-value base-type="float">99</qti-base-value></qti-set-outcome-value>
  </qti-response-processing>`;
  const inlineItem = item(
    `<qti-response-declaration identifier="RESPONSE" cardinality="multiple" base-type="identifier"><qti-correct-response><qti-value>B</qti-value><qti-value>C</qti-value></qti-correct-response></qti-response-declaration>${score}<qti-outcome-declaration identifier="MAXSCORE" cardinality="single" base-type="float"><qti-default-value><qti-value>99</qti-value></qti-default-value></qti-outcome-declaration><qti-outcome-declaration identifier="FEEDBACK" cardinality="single" base-type="identifier"/><qti-outcome-declaration identifier="ATTEMPTS_LEFT" cardinality="single" base-type="integer"/>`,
    choice(0),
    inline,
    `<qti-modal-feedback outcome-identifier="FEEDBACK" identifier="good" show-hide="show">Good.</qti-modal-feedback><qti-modal-feedback outcome-identifier="FEEDBACK" identifier="retry" show-hide="show">Retry.</qti-modal-feedback><qti-modal-feedback outcome-identifier="FEEDBACK" identifier="empty" show-hide="hide">You answered.</qti-modal-feedback>`,
  );

  it("runs inline rules: if / else-if / else, member, and/or/not, sum, gte/lte, container-size, exit-response", () => {
    const parsed = parseQtiItem(inlineItem);
    expect(parsed.template).toBe("inline");
    expect(parsed.unsupported).toEqual([]);
    expect(scoreQtiResponse(parsed, { RESPONSE: ["A"] })).toMatchObject({ score: 99, feedback: ["good", "empty"] }); // 2.5 then the last rule
    expect(scoreQtiResponse(parsed, { RESPONSE: ["C", "B"] })).toMatchObject({ score: 99, correct: true });
    expect(scoreQtiResponse(parsed, { RESPONSE: ["A", "B", "C"] }).score).toBe(99);
    // B alone: no branch scores, SCORE stays 0, exit before the final rule.
    expect(scoreQtiResponse(parsed, { RESPONSE: ["B"] })).toMatchObject({ score: 0, correct: false, feedback: ["retry", "empty"] });
    expect(scoreQtiResponse(parsed, {})).toMatchObject({ score: 0, feedback: [] });
    expect(JSON.stringify(candidateQtiItem(parsed))).not.toContain("qti-correct");
    expect(candidateQtiXml(inlineItem)).not.toContain("qti-response-processing");
  });

  it("reports constructs it cannot evaluate by name, at scoring, without refusing to store the item", () => {
    const random = item(`<qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier"/>${score}`, choice(), `<qti-response-processing><qti-set-outcome-value identifier="SCORE"><qti-random-integer min="0" max="1"/></qti-set-outcome-value><qti-lookup-outcome-value identifier="SCORE"><qti-base-value base-type="float">1</qti-base-value></qti-lookup-outcome-value></qti-response-processing>`);
    const parsed = parseQtiItem(random);
    expect(parsed.unsupported).toEqual(["qti-lookup-outcome-value", "qti-random-integer"]);
    expect(() => scoreQtiResponse(parsed, { RESPONSE: "A" })).toThrow(expect.objectContaining({ code: "QTI_UNSUPPORTED", message: expect.stringContaining("qti-lookup-outcome-value, qti-random-integer") }));
    const foreignTemplate = parseQtiItem(item(`<qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier"/>${score}`, choice(), template("cc2_match")));
    expect(() => scoreQtiResponse(foreignTemplate, { RESPONSE: "A" })).toThrow(expect.objectContaining({ code: "QTI_UNSUPPORTED", message: expect.stringContaining("template cc2_match") }));
    expect(() => parseQtiItem(item(`<qti-response-declaration identifier="RESPONSE"/>`, `<qti-hotspot-interaction response-identifier="RESPONSE"/>`, ""))).toThrow(expect.objectContaining({ code: "QTI_INVALID", message: expect.stringContaining("qti-hotspot-interaction") }));
  });

  it("refuses rules that reference undeclared variables with a typed error", () => {
    const bad = item(`<qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier"/>${score}`, choice(), `<qti-response-processing><qti-set-outcome-value identifier="NOPE"><qti-base-value base-type="float">1</qti-base-value></qti-set-outcome-value></qti-response-processing>`);
    expect(() => scoreQtiResponse(parseQtiItem(bad), { RESPONSE: "A" })).toThrow(expect.objectContaining({ code: "QTI_INVALID" }));
  });

  it("structure-aware fuzzing: every input either works or fails with a typed error", () => {
    let state = 7;
    const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const sources = [...seededItems("t-001").map((entry) => entry.xml), inlineItem];
    const attributes = [' case-sensitive="true"', ' base-type="integer"', ' base-type="point"', ' cardinality="record"', ' cardinality="ordered"', ' identifier=""', ' mapped-value="NaN"', ' default-value="x"', ' shape="poly"', ' coords="1,2"', ' template="x"', ' lower-bound="5"', ' tolerance-mode="relative"'];
    const elements = ["<qti-sum/>", "<qti-match><qti-null/></qti-match>", "<qti-variable identifier=\"SCORE\"/>", "<qti-base-value base-type=\"float\">abc</qti-base-value>", "<qti-response-condition><qti-response-else/></qti-response-condition>", "<qti-divide><qti-base-value base-type=\"integer\">1</qti-base-value><qti-base-value base-type=\"integer\">0</qti-base-value></qti-divide>", "&#x110000;", "<qti-map-entry map-key=\"k\" case-sensitive=\"true\"/>"];
    const responses: Record<string, string | string[]>[] = [{ RESPONSE: "A" }, { RESPONSE: ["A", "B"] }, { RESPONSE: "1 2" }, { RESPONSE: "" }, {}, { RESPONSE: ["x y", "3 4"] }];
    const typed = new Set(["QTI_INVALID", "QTI_UNSUPPORTED", "RESPONSE_INVALID"]);
    let ok = 0;
    let refused = 0;
    for (let run = 0; run < 1500; run++) {
      let xml = pick(sources);
      for (let edit = 0; edit < 1 + Math.floor(random() * 3); edit++) {
        const tags = [...xml.matchAll(/<qti-[a-z-]+/g)];
        const at = pick(tags);
        if (!at) break;
        const end = at.index + at[0].length;
        const op = random();
        if (op < 0.5) xml = xml.slice(0, end) + pick(attributes) + xml.slice(end);
        else if (op < 0.8) {
          const close = xml.indexOf(">", end);
          xml = xml.slice(0, close + 1) + pick(elements) + xml.slice(close + 1);
        } else xml = xml.slice(0, at.index) + xml.slice(at.index + Math.floor(random() * 60));
      }
      try {
        const parsed = parseQtiItem(xml);
        scoreQtiResponse(parsed, pick(responses));
        candidateQtiXml(xml);
        ok++;
      } catch (error) {
        if (!isExtensionError(error) || !typed.has(error.code)) throw error;
        refused++;
      }
    }
    expect(ok).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
