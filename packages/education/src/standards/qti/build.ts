import { ExtensionError } from "@mcp-verticals/core";
import type { QtiInteractionType } from "../../schemas/qti.js";
import { parseQtiItem } from "./parse.js";
import { node, QTI3_NAMESPACE, QTI3_RP_TEMPLATE_BASE, text, xmlBuilder, type XmlNode } from "./xml.js";

/** A simple description of an item, turned into QTI 3.0 XML by {@link buildQtiItemXml}. */
export interface SimpleQtiItem {
  identifier: string;
  title: string;
  type: QtiInteractionType;
  prompt: string;
  /** Choices for choice, inline-choice, order and match (the first set). */
  choices?: string[];
  /** The second set for match. */
  targets?: string[];
  /**
   * The key: choice texts (choice, inline-choice), the ordered choice texts (order),
   * accepted answers (text-entry) or `"source => target"` pairs (match). Empty for extended-text.
   */
  correct: string[];
  points: number;
}


/**
 * Builds a QTI 3.0 item from a simple description, then re-parses it so the result is
 * known to be valid. Choice identifiers are `A`, `B`, …; match targets `T1`, `T2`, ….
 *
 * @example
 * ```ts
 * const xml = buildQtiItemXml({ identifier: "q1", title: "Capital", type: "choice", prompt: "Capital of France?",
 *   choices: ["Paris", "Rome"], correct: ["Paris"], points: 1 });
 * ```
 * @throws ExtensionError `ITEM_INVALID` naming the field when the description is inconsistent.
 */
export function buildQtiItemXml(spec: SimpleQtiItem): string {
  const bad = (field: string, message: string) => new ExtensionError("ITEM_INVALID", message, { field });
  const letters = (index: number) => String.fromCharCode(65 + index);
  const choices = spec.choices ?? [];
  const targets = spec.targets ?? [];
  const idOfChoice = (value: string, field: string): string => {
    const index = choices.indexOf(value);
    if (index < 0) throw bad(field, "every correct answer must be one of the choices");
    return letters(index);
  };
  if (["choice", "inline-choice", "order", "match"].includes(spec.type) && (choices.length < 2 || choices.length > 20)) {
    throw bad("choices", "this interaction needs between 2 and 20 choices");
  }
  if (spec.type !== "extended-text" && spec.correct.length === 0) throw bad("correct", "the item needs a correct answer");
  let baseType = "identifier";
  let cardinality = "single";
  let correct: string[] = [];
  let interaction: XmlNode;
  const prompt = node("qti-prompt", undefined, [text(spec.prompt)]);
  const simpleChoices = (tag: string) => choices.map((choice, index) => node(tag, { identifier: letters(index) }, [text(choice)]));
  switch (spec.type) {
    case "choice":
      cardinality = spec.correct.length > 1 ? "multiple" : "single";
      correct = spec.correct.map((value) => idOfChoice(value, "correct"));
      interaction = node("qti-choice-interaction", { "response-identifier": "RESPONSE", "max-choices": String(spec.correct.length > 1 ? 0 : 1) }, [prompt, ...simpleChoices("qti-simple-choice")]);
      break;
    case "order":
      cardinality = "ordered";
      if (spec.correct.length !== choices.length) throw bad("correct", "an order item's key lists every choice in order");
      correct = spec.correct.map((value) => idOfChoice(value, "correct"));
      interaction = node("qti-order-interaction", { "response-identifier": "RESPONSE" }, [prompt, ...simpleChoices("qti-simple-choice")]);
      break;
    case "inline-choice":
      correct = [idOfChoice(spec.correct[0]!, "correct")];
      interaction = node("qti-p", undefined, [text(`${spec.prompt} `), node("qti-inline-choice-interaction", { "response-identifier": "RESPONSE" }, simpleChoices("qti-inline-choice"))]);
      break;
    case "text-entry":
      baseType = "string";
      correct = [spec.correct[0]!];
      interaction = node("qti-p", undefined, [text(`${spec.prompt} `), node("qti-text-entry-interaction", { "response-identifier": "RESPONSE", "expected-length": "20" }, [])]);
      break;
    case "extended-text":
      baseType = "string";
      interaction = node("qti-extended-text-interaction", { "response-identifier": "RESPONSE", "expected-length": "500" }, [prompt]);
      break;
    case "match": {
      if (targets.length < 1 || targets.length > 20) throw bad("targets", "a match item needs between 1 and 20 targets");
      baseType = "directedPair";
      cardinality = "multiple";
      correct = spec.correct.map((pair) => {
        const [source, target] = pair.split("=>").map((part) => part.trim());
        const targetIndex = targets.indexOf(target ?? "");
        if (source === undefined || targetIndex < 0) throw bad("correct", "match pairs are written 'choice => target' with values from choices and targets");
        return `${idOfChoice(source, "correct")} T${targetIndex + 1}`;
      });
      const associable = (values: string[], id: (index: number) => string) =>
        values.map((value, index) => node("qti-simple-associable-choice", { identifier: id(index), "match-max": "1" }, [text(value)]));
      interaction = node("qti-match-interaction", { "response-identifier": "RESPONSE", "max-associations": String(choices.length) }, [
        prompt,
        node("qti-simple-match-set", undefined, associable(choices, letters)),
        node("qti-simple-match-set", undefined, associable(targets, (index) => `T${index + 1}`)),
      ]);
      break;
    }
    default:
      throw bad("type", "this interaction type cannot be built from a simple description; author its QTI XML instead");
  }
  const scored = spec.type !== "extended-text";
  const declaration = node("qti-response-declaration", { identifier: "RESPONSE", cardinality, "base-type": baseType }, [
    ...(scored ? [node("qti-correct-response", undefined, correct.map((value) => node("qti-value", undefined, [text(value)])))] : []),
    ...(scored && spec.type === "text-entry"
      ? [node("qti-mapping", { "default-value": "0" }, spec.correct.map((value) => node("qti-map-entry", { "map-key": value, "mapped-value": String(spec.points), "case-sensitive": "false" }, [])))]
      : []),
  ]);
  const outcome = (identifier: string, value?: number) =>
    node("qti-outcome-declaration", { identifier, cardinality: "single", "base-type": "float" }, value === undefined ? [] : [node("qti-default-value", undefined, [node("qti-value", undefined, [text(String(value))])])]);
  const template = spec.type === "text-entry" ? "map_response" : "match_correct";
  const tree = [
    node("?xml", { version: "1.0", encoding: "UTF-8" }, []),
    node(
      "qti-assessment-item",
      { xmlns: QTI3_NAMESPACE, identifier: spec.identifier, title: spec.title, adaptive: "false", "time-dependent": "false", "xml:lang": "en" },
      [
        declaration,
        outcome("SCORE"),
        outcome("MAXSCORE", spec.type === "text-entry" ? spec.points : 1),
        node("qti-item-body", undefined, [interaction]),
        ...(scored ? [node("qti-response-processing", { template: `${QTI3_RP_TEMPLATE_BASE}${template}.xml` }, [])] : []),
      ],
    ),
  ];
  const xml = String(xmlBuilder.build(tree));
  parseQtiItem(xml);
  return xml;
}
