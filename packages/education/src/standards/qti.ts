import { ExtensionError } from "@mcp-verticals/core";
import { XMLBuilder, XMLParser, XMLValidator } from "fast-xml-parser";
import type { QtiInteraction, QtiInteractionType, QtiItem, QtiResponse, QtiResponseDeclaration } from "../schemas/qti.js";

/** The QTI 3.0 assessment-item namespace. */
export const QTI3_NAMESPACE = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0";
/** Base URL of the standard response-processing templates. */
export const QTI3_RP_TEMPLATE_BASE = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/";
/** Largest item XML accepted. */
export const MAX_QTI_XML_BYTES = 256 * 1024;

/** One node of the order-preserving tree fast-xml-parser produces. */
type XmlNode = Record<string, unknown> & { ":@"?: Record<string, string> };

const xmlOptions = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  allowBooleanAttributes: true,
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
  suppressEmptyNode: true,
} as const;

const parser = new XMLParser(xmlOptions);
const builder = new XMLBuilder({ ...xmlOptions, format: false });

/** Elements that carry the answer key, scoring or feedback: never shown to candidates. */
const KEY_ELEMENTS = new Set([
  "qti-correct-response",
  "qti-mapping",
  "qti-area-mapping",
  "qti-response-processing",
  "qti-modal-feedback",
  "qti-feedback-inline",
  "qti-feedback-block",
  "qti-rubric-block",
]);

const INTERACTIONS: Record<string, QtiInteractionType> = {
  "qti-choice-interaction": "choice",
  "qti-text-entry-interaction": "text-entry",
  "qti-extended-text-interaction": "extended-text",
  "qti-inline-choice-interaction": "inline-choice",
  "qti-order-interaction": "order",
  "qti-match-interaction": "match",
};

const invalid = (message: string): ExtensionError => new ExtensionError("QTI_INVALID", message, { field: "xml" });

const tagOf = (node: XmlNode): string | undefined => Object.keys(node).find((key) => key !== ":@");
const childrenOf = (node: XmlNode): XmlNode[] => {
  const tag = tagOf(node);
  const value = tag === undefined ? undefined : node[tag];
  return Array.isArray(value) ? (value as XmlNode[]) : [];
};
const attrsOf = (node: XmlNode): Record<string, string> => node[":@"] ?? {};

function findAll(nodes: XmlNode[], tag: string, out: XmlNode[] = []): XmlNode[] {
  for (const node of nodes) {
    if (tagOf(node) === tag) out.push(node);
    findAll(childrenOf(node), tag, out);
  }
  return out;
}

/** Text content of a subtree, whitespace collapsed; key and feedback elements excluded. */
function textOf(nodes: XmlNode[], skip: ReadonlySet<string> = KEY_ELEMENTS): string {
  const parts: string[] = [];
  const walk = (list: XmlNode[]) => {
    for (const node of list) {
      const tag = tagOf(node);
      if (tag === "#text") parts.push(String(node["#text"]));
      else if (tag !== undefined && !skip.has(tag) && !(tag in INTERACTIONS)) walk(childrenOf(node));
    }
  };
  walk(nodes);
  return decodeEntities(parts.join("")).replace(/\s+/g, " ").trim();
}

/** Decodes the five XML entities and numeric references (entities are kept raw while parsing). */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_match, name: string) => {
    const lower = name.toLowerCase();
    if (lower.startsWith("#x")) return String.fromCodePoint(Number.parseInt(lower.slice(2), 16));
    if (lower.startsWith("#")) return String.fromCodePoint(Number.parseInt(lower.slice(1), 10));
    return ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" } as Record<string, string>)[lower] ?? "";
  });
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Parses XML into the order-preserving tree after checking it is well formed and bounded. */
function parseTree(xml: string): XmlNode[] {
  if (typeof xml !== "string" || xml.length === 0) throw invalid("the QTI XML is empty");
  if (Buffer.byteLength(xml, "utf8") > MAX_QTI_XML_BYTES) throw invalid(`the QTI XML exceeds ${MAX_QTI_XML_BYTES} bytes`);
  // DTDs enable entity expansion attacks and are not part of QTI 3.0 items.
  if (xml.includes("<!DOCTYPE") || xml.includes("<!ENTITY")) throw invalid("DOCTYPE and ENTITY declarations are not allowed in QTI items");
  const verdict = XMLValidator.validate(xml, { allowBooleanAttributes: true });
  if (verdict !== true) throw invalid(`the QTI XML is not well formed (line ${verdict.err.line})`);
  try {
    return parser.parse(xml) as XmlNode[];
  } catch {
    throw invalid("the QTI XML could not be parsed");
  }
}

function rootOf(tree: XmlNode[]): XmlNode {
  const root = tree.find((node) => tagOf(node) === "qti-assessment-item");
  if (!root) throw invalid("the root element must be qti-assessment-item");
  return root;
}

function numberAttr(value: string | undefined, label: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw invalid(`${label} must be a number`);
  return parsed;
}

function valuesOf(node: XmlNode | undefined): string[] {
  if (!node) return [];
  return childrenOf(node)
    .filter((child) => tagOf(child) === "qti-value")
    .map((child) => textOf(childrenOf(child)));
}

function choicesOf(node: XmlNode, tag: string): { identifier: string; text: string }[] {
  return childrenOf(node)
    .filter((child) => tagOf(child) === tag)
    .map((child) => {
      const identifier = attrsOf(child).identifier;
      if (!identifier) throw invalid(`every ${tag} needs an identifier`);
      return { identifier, text: textOf(childrenOf(child)) };
    });
}

/**
 * Parses and validates a QTI 3.0 assessment item. Supports choice, text-entry,
 * extended-text, inline-choice, order and match interactions, and the standard
 * `match_correct` and `map_response` response-processing templates.
 *
 * @example
 * ```ts
 * const item = parseQtiItem(xml);
 * item.interactions[0]?.type; // "choice"
 * ```
 * @throws ExtensionError `QTI_INVALID` (field `xml`) for malformed or unsupported items.
 */
export function parseQtiItem(xml: string): QtiItem {
  const tree = parseTree(xml);
  const root = rootOf(tree);
  const attrs = attrsOf(root);
  if (!attrs.identifier) throw invalid("qti-assessment-item needs an identifier attribute");
  if (attrs.xmlns !== undefined && attrs.xmlns !== QTI3_NAMESPACE) throw invalid(`the default namespace must be ${QTI3_NAMESPACE}`);
  const children = childrenOf(root);

  const responses: QtiResponseDeclaration[] = children
    .filter((node) => tagOf(node) === "qti-response-declaration")
    .map((node) => {
      const a = attrsOf(node);
      if (!a.identifier) throw invalid("every qti-response-declaration needs an identifier");
      const cardinality = a.cardinality ?? "single";
      if (!["single", "multiple", "ordered", "record"].includes(cardinality)) throw invalid("unsupported response cardinality");
      const kids = childrenOf(node);
      const correctNode = kids.find((kid) => tagOf(kid) === "qti-correct-response");
      const mappingNode = kids.find((kid) => tagOf(kid) === "qti-mapping");
      const declaration: QtiResponseDeclaration = {
        identifier: a.identifier,
        cardinality: cardinality as QtiResponseDeclaration["cardinality"],
        baseType: a["base-type"] ?? "identifier",
      };
      if (correctNode) declaration.correct = valuesOf(correctNode);
      if (mappingNode) {
        const m = attrsOf(mappingNode);
        const lowerBound = numberAttr(m["lower-bound"], "lower-bound");
        const upperBound = numberAttr(m["upper-bound"], "upper-bound");
        declaration.mapping = {
          defaultValue: numberAttr(m["default-value"], "default-value") ?? 0,
          ...(lowerBound === undefined ? {} : { lowerBound }),
          ...(upperBound === undefined ? {} : { upperBound }),
          caseSensitive: false,
          entries: childrenOf(mappingNode)
            .filter((kid) => tagOf(kid) === "qti-map-entry")
            .map((kid) => {
              const e = attrsOf(kid);
              if (e["map-key"] === undefined) throw invalid("every qti-map-entry needs a map-key");
              if (e["case-sensitive"] === "true") declaration.mapping!.caseSensitive = true;
              return { key: e["map-key"], value: numberAttr(e["mapped-value"], "mapped-value") ?? 0 };
            }),
        };
      }
      return declaration;
    });

  const body = children.find((node) => tagOf(node) === "qti-item-body");
  if (!body) throw invalid("qti-assessment-item needs a qti-item-body");
  const interactions: QtiInteraction[] = [];
  const walk = (nodes: XmlNode[]) => {
    for (const node of nodes) {
      const tag = tagOf(node);
      if (tag === undefined) continue;
      const type = INTERACTIONS[tag];
      if (type === undefined) {
        walk(childrenOf(node));
        continue;
      }
      const a = attrsOf(node);
      if (!a["response-identifier"]) throw invalid(`${tag} needs a response-identifier`);
      const promptNode = childrenOf(node).find((kid) => tagOf(kid) === "qti-prompt");
      const interaction: QtiInteraction = { type, responseIdentifier: a["response-identifier"] };
      if (promptNode) interaction.prompt = textOf(childrenOf(promptNode));
      if (type === "choice" || type === "order") {
        interaction.choices = choicesOf(node, "qti-simple-choice");
        if (interaction.choices.length < 2) throw invalid(`${tag} needs at least two choices`);
      }
      if (type === "choice") interaction.maxChoices = numberAttr(a["max-choices"], "max-choices") ?? 1;
      if (type === "inline-choice") {
        interaction.choices = choicesOf(node, "qti-inline-choice");
        if (interaction.choices.length < 2) throw invalid(`${tag} needs at least two choices`);
      }
      if (type === "match") {
        const sets = childrenOf(node).filter((kid) => tagOf(kid) === "qti-simple-match-set");
        if (sets.length !== 2) throw invalid("qti-match-interaction needs exactly two qti-simple-match-set elements");
        interaction.choices = choicesOf(sets[0]!, "qti-simple-associable-choice");
        interaction.targets = choicesOf(sets[1]!, "qti-simple-associable-choice");
      }
      if (type === "text-entry" || type === "extended-text") {
        const expected = numberAttr(a["expected-length"], "expected-length");
        if (expected !== undefined) interaction.expectedLength = expected;
      }
      interactions.push(interaction);
    }
  };
  walk(childrenOf(body));
  if (interactions.length === 0) throw invalid("the item body has no supported interaction");
  for (const interaction of interactions) {
    if (!responses.some((response) => response.identifier === interaction.responseIdentifier)) {
      throw invalid(`no qti-response-declaration for response-identifier ${interaction.responseIdentifier}`);
    }
  }

  const rp = children.find((node) => tagOf(node) === "qti-response-processing");
  let template: QtiItem["template"] = "none";
  if (rp) {
    const url = attrsOf(rp).template ?? "";
    const name = url.slice(url.lastIndexOf("/") + 1).replace(/\.xml$/, "");
    if (name === "match_correct" || name === "map_response") template = name;
    else throw invalid("only the match_correct and map_response response-processing templates are supported");
  }
  for (const response of responses) {
    if (template === "match_correct" && interactions.some((i) => i.responseIdentifier === response.identifier) && response.correct === undefined) {
      if (!interactions.every((i) => i.type === "extended-text")) throw invalid(`match_correct needs a qti-correct-response for ${response.identifier}`);
    }
    if (template === "map_response" && response.mapping === undefined && response.identifier === responses[0]?.identifier) {
      throw invalid(`map_response needs a qti-mapping for ${response.identifier}`);
    }
  }

  const outcomes = children.filter((node) => tagOf(node) === "qti-outcome-declaration");
  const maxScoreNode = outcomes.find((node) => attrsOf(node).identifier === "MAXSCORE");
  const declaredMax = maxScoreNode ? Number(valuesOf(childrenOf(maxScoreNode).find((kid) => tagOf(kid) === "qti-default-value"))[0]) : Number.NaN;
  const maxScore = Number.isFinite(declaredMax) ? declaredMax : defaultMaxScore(template, responses[0]);

  const feedback = findAll(children, "qti-modal-feedback")
    .concat(findAll(children, "qti-feedback-inline"), findAll(children, "qti-feedback-block"))
    .map((node) => ({
      outcomeIdentifier: attrsOf(node)["outcome-identifier"] ?? "FEEDBACK",
      identifier: attrsOf(node).identifier ?? "",
      text: textOf(childrenOf(node), new Set()),
    }));

  return {
    identifier: attrs.identifier,
    title: attrs.title ?? attrs.identifier,
    stem: textOf(childrenOf(body)),
    interactions,
    responses,
    template,
    maxScore,
    feedback,
  };
}

function defaultMaxScore(template: QtiItem["template"], response: QtiResponseDeclaration | undefined): number {
  if (template !== "map_response" || !response?.mapping) return 1;
  if (response.mapping.upperBound !== undefined) return response.mapping.upperBound;
  const positives = response.mapping.entries.map((entry) => entry.value).filter((value) => value > 0);
  return response.cardinality === "single" ? Math.max(0, ...positives) : positives.reduce((sum, value) => sum + value, 0);
}

/**
 * The candidate view of an item's XML: correct responses, mappings, response processing,
 * feedback and rubric blocks removed, re-serialized through the XML builder.
 *
 * @example
 * ```ts
 * candidateQtiXml(xml).includes("qti-correct-response"); // false
 * ```
 */
export function candidateQtiXml(xml: string): string {
  const tree = parseTree(xml);
  rootOf(tree);
  const strip = (nodes: XmlNode[]): XmlNode[] =>
    nodes
      .filter((node) => {
        const tag = tagOf(node);
        return tag === undefined || !KEY_ELEMENTS.has(tag);
      })
      .map((node) => {
        const tag = tagOf(node);
        if (tag === undefined || tag.startsWith("#") || tag.startsWith("?")) return node;
        return { ...node, [tag]: strip(childrenOf(node)) };
      });
  return String(builder.build(strip(tree)));
}

/** The candidate view of a parsed item: the same structure with the answer key and feedback removed. */
export function candidateQtiItem(item: QtiItem): QtiItem {
  return {
    ...item,
    responses: item.responses.map(({ identifier, cardinality, baseType }) => ({ identifier, cardinality, baseType })),
    feedback: [],
  };
}

/** The outcome of scoring one response. */
export interface QtiScore {
  score: number;
  maxScore: number;
  /** Whether every scored response matched the key; undefined when the item needs a human. */
  correct: boolean | undefined;
  needsHumanScoring: boolean;
  /** Identifiers of the feedback whose outcome matches. */
  feedback: string[];
}

const normalizeResponse = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((entry) => entry.trim().replace(/\s+/g, " "));

function matches(declaration: QtiResponseDeclaration, given: string[]): boolean {
  const correct = (declaration.correct ?? []).map((value) => value.trim().replace(/\s+/g, " "));
  if (declaration.cardinality === "single") return given.length === 1 && correct.length === 1 && given[0] === correct[0];
  if (declaration.cardinality === "ordered") return given.length === correct.length && given.every((value, index) => value === correct[index]);
  const a = new Set(given);
  const b = new Set(correct);
  return a.size === b.size && [...a].every((value) => b.has(value)) && given.length === a.size;
}

function mapped(declaration: QtiResponseDeclaration, given: string[]): number {
  const mapping = declaration.mapping!;
  const lookup = (value: string): number => {
    const entry = mapping.entries.find((candidate) => (mapping.caseSensitive ? candidate.key === value : candidate.key.toLowerCase() === value.toLowerCase()));
    return entry ? entry.value : mapping.defaultValue;
  };
  // map_response counts each distinct value once.
  let total = [...new Set(given)].reduce((sum, value) => sum + lookup(value), 0);
  if (given.length === 0) total = 0;
  if (mapping.lowerBound !== undefined) total = Math.max(mapping.lowerBound, total);
  if (mapping.upperBound !== undefined) total = Math.min(mapping.upperBound, total);
  return total;
}

/**
 * Scores a response with the item's standard response-processing template
 * (`match_correct`: 1 if every response equals the key, else 0; `map_response`: the sum
 * of mapped values within the mapping's bounds). Extended-text items need a human.
 *
 * @example
 * ```ts
 * scoreQtiResponse(parseQtiItem(xml), { RESPONSE: "B" }); // { score: 1, maxScore: 1, correct: true, ... }
 * ```
 * @throws ExtensionError `RESPONSE_INVALID` (field `response`) when the response names an unknown identifier.
 */
export function scoreQtiResponse(item: QtiItem, response: QtiResponse): QtiScore {
  for (const key of Object.keys(response)) {
    if (!item.responses.some((declaration) => declaration.identifier === key)) {
      throw new ExtensionError("RESPONSE_INVALID", "the response names an identifier the item does not declare", { field: "response" });
    }
  }
  const scored = item.responses.filter((declaration) => item.interactions.some((i) => i.responseIdentifier === declaration.identifier && i.type !== "extended-text"));
  if (item.template === "none" || scored.length === 0) {
    return { score: 0, maxScore: item.maxScore, correct: undefined, needsHumanScoring: true, feedback: [] };
  }
  let score = 0;
  let allCorrect = true;
  if (item.template === "match_correct") {
    for (const declaration of scored) if (!matches(declaration, normalizeResponse(response[declaration.identifier]))) allCorrect = false;
    score = allCorrect ? 1 : 0;
  } else {
    for (const declaration of scored) {
      const given = normalizeResponse(response[declaration.identifier]);
      if (declaration.mapping) score += mapped(declaration, given);
      if (declaration.correct === undefined || !matches(declaration, given)) allCorrect = false;
    }
  }
  const outcome = allCorrect ? "correct" : "incorrect";
  const feedback = item.feedback.filter((entry) => entry.identifier.toLowerCase() === outcome).map((entry) => entry.identifier);
  return { score, maxScore: item.maxScore, correct: allCorrect, needsHumanScoring: false, feedback };
}

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

const node = (tag: string, attrs: Record<string, string> | undefined, children: XmlNode[]): XmlNode =>
  ({ [tag]: children, ...(attrs ? { ":@": attrs } : {}) }) as XmlNode;
const text = (value: string): XmlNode => ({ "#text": escapeXml(value) }) as XmlNode;

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
  }
  const scored = spec.type !== "extended-text";
  const declaration = node("qti-response-declaration", { identifier: "RESPONSE", cardinality, "base-type": baseType }, [
    ...(scored ? [node("qti-correct-response", undefined, correct.map((value) => node("qti-value", undefined, [text(value)])))] : []),
    ...(scored && spec.type === "text-entry"
      ? [node("qti-mapping", { "default-value": "0" }, spec.correct.map((value) => node("qti-map-entry", { "map-key": value, "mapped-value": String(spec.points) }, [])))]
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
  const xml = String(builder.build(tree));
  parseQtiItem(xml);
  return xml;
}
