import { isExtensionError } from "@mcp-verticals/core";
import type { QtiInteraction, QtiInteractionType, QtiItem, QtiOutcomeDeclaration, QtiResponseDeclaration } from "../../schemas/qti.js";
import { readInlineRules, RP_TEMPLATES, templateRules, type RpTemplate } from "./processing.js";
import { attrsOf, childrenOf, elementsOf, findAll, invalidQti, KEY_ELEMENTS, parseTree, QTI3_NAMESPACE, rootOf, tagOf, textOf, type XmlNode } from "./xml.js";

/** Interactions this server parses, by element name. */
export const INTERACTIONS: Record<string, QtiInteractionType> = {
  "qti-choice-interaction": "choice",
  "qti-text-entry-interaction": "text-entry",
  "qti-extended-text-interaction": "extended-text",
  "qti-inline-choice-interaction": "inline-choice",
  "qti-order-interaction": "order",
  "qti-match-interaction": "match",
  "qti-select-point-interaction": "select-point",
};

const isInteraction = (tag: string) => tag in INTERACTIONS;
const itemText = (nodes: XmlNode[], skip: ReadonlySet<string> = KEY_ELEMENTS) => textOf(nodes, skip, isInteraction);

function numberAttr(value: string | undefined, label: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed)) throw invalidQti(`${label} must be a number`);
  return parsed;
}

function valuesOf(node: XmlNode | undefined): string[] {
  if (!node) return [];
  return childrenOf(node)
    .filter((child) => tagOf(child) === "qti-value")
    .map((child) => textOf(childrenOf(child), new Set()));
}

function choicesOf(node: XmlNode, tag: string): { identifier: string; text: string }[] {
  return childrenOf(node)
    .filter((child) => tagOf(child) === tag)
    .map((child) => {
      const identifier = attrsOf(child).identifier;
      if (!identifier) throw invalidQti(`every ${tag} needs an identifier`);
      return { identifier, text: itemText(childrenOf(child)) };
    });
}

const CARDINALITIES = ["single", "multiple", "ordered", "record"] as const;
const cardinalityOf = (value: string | undefined, where: string) => {
  const cardinality = value ?? "single";
  if (!(CARDINALITIES as readonly string[]).includes(cardinality)) throw invalidQti(`${where} has an unknown cardinality`);
  return cardinality as (typeof CARDINALITIES)[number];
};

function responseDeclaration(node: XmlNode): QtiResponseDeclaration {
  const a = attrsOf(node);
  if (!a.identifier) throw invalidQti("every qti-response-declaration needs an identifier");
  const kids = childrenOf(node);
  const correctNode = kids.find((kid) => tagOf(kid) === "qti-correct-response");
  const mappingNode = kids.find((kid) => tagOf(kid) === "qti-mapping");
  const areaNode = kids.find((kid) => tagOf(kid) === "qti-area-mapping");
  const declaration: QtiResponseDeclaration = { identifier: a.identifier, cardinality: cardinalityOf(a.cardinality, "a qti-response-declaration"), baseType: a["base-type"] ?? "identifier" };
  if (correctNode) declaration.correct = valuesOf(correctNode);
  const bounds = (m: Record<string, string>) => {
    const lowerBound = numberAttr(m["lower-bound"], "lower-bound");
    const upperBound = numberAttr(m["upper-bound"], "upper-bound");
    return { defaultValue: numberAttr(m["default-value"], "default-value") ?? 0, ...(lowerBound === undefined ? {} : { lowerBound }), ...(upperBound === undefined ? {} : { upperBound }) };
  };
  if (mappingNode) {
    declaration.mapping = {
      ...bounds(attrsOf(mappingNode)),
      entries: childrenOf(mappingNode)
        .filter((kid) => tagOf(kid) === "qti-map-entry")
        .map((kid) => {
          const e = attrsOf(kid);
          if (e["map-key"] === undefined) throw invalidQti("every qti-map-entry needs a map-key");
          // case-sensitive is per entry (QTI 3.0 qti-map-entry); absent means false.
          return { key: e["map-key"], value: numberAttr(e["mapped-value"], "mapped-value") ?? 0, caseSensitive: e["case-sensitive"] === "true" };
        }),
    };
  }
  if (areaNode) {
    declaration.areaMapping = {
      ...bounds(attrsOf(areaNode)),
      entries: childrenOf(areaNode)
        .filter((kid) => tagOf(kid) === "qti-area-map-entry")
        .map((kid) => {
          const e = attrsOf(kid);
          const shape = e.shape;
          if (shape !== "circle" && shape !== "rect" && shape !== "poly" && shape !== "ellipse" && shape !== "default") throw invalidQti("every qti-area-map-entry needs a shape of circle, rect, poly, ellipse or default");
          const coords = (e.coords ?? "").split(",").filter((part) => part.trim() !== "").map((part) => numberAttr(part.replace("%", ""), "coords")!);
          return { shape, coords, value: numberAttr(e["mapped-value"], "mapped-value") ?? 0 };
        }),
    };
  }
  return declaration;
}

function outcomeDeclaration(node: XmlNode): QtiOutcomeDeclaration {
  const a = attrsOf(node);
  if (!a.identifier) throw invalidQti("every qti-outcome-declaration needs an identifier");
  const defaultNode = childrenOf(node).find((kid) => tagOf(kid) === "qti-default-value");
  return { identifier: a.identifier, cardinality: cardinalityOf(a.cardinality, "a qti-outcome-declaration"), baseType: a["base-type"] ?? "float", ...(defaultNode ? { defaultValue: valuesOf(defaultNode) } : {}) };
}

function interactionsOf(body: XmlNode): { interactions: QtiInteraction[]; unknown: string[] } {
  const interactions: QtiInteraction[] = [];
  const unknown = new Set<string>();
  const walk = (nodes: XmlNode[]) => {
    for (const node of nodes) {
      const tag = tagOf(node);
      if (tag === undefined || tag.startsWith("#")) continue;
      const type = INTERACTIONS[tag];
      if (type === undefined) {
        if (tag.endsWith("-interaction")) unknown.add(tag);
        walk(childrenOf(node));
        continue;
      }
      const a = attrsOf(node);
      if (!a["response-identifier"]) throw invalidQti(`${tag} needs a response-identifier`);
      const promptNode = childrenOf(node).find((kid) => tagOf(kid) === "qti-prompt");
      const interaction: QtiInteraction = { type, responseIdentifier: a["response-identifier"] };
      if (promptNode) interaction.prompt = itemText(childrenOf(promptNode));
      if (type === "choice" || type === "order") {
        interaction.choices = choicesOf(node, "qti-simple-choice");
        if (interaction.choices.length < 2) throw invalidQti(`${tag} needs at least two choices`);
      }
      if (type === "choice") interaction.maxChoices = numberAttr(a["max-choices"], "max-choices") ?? 1;
      if (type === "inline-choice") {
        interaction.choices = choicesOf(node, "qti-inline-choice");
        if (interaction.choices.length < 2) throw invalidQti(`${tag} needs at least two choices`);
      }
      if (type === "match") {
        const sets = childrenOf(node).filter((kid) => tagOf(kid) === "qti-simple-match-set");
        if (sets.length !== 2) throw invalidQti("qti-match-interaction needs exactly two qti-simple-match-set elements");
        interaction.choices = choicesOf(sets[0]!, "qti-simple-associable-choice");
        interaction.targets = choicesOf(sets[1]!, "qti-simple-associable-choice");
      }
      if (type === "text-entry" || type === "extended-text") {
        const expected = numberAttr(a["expected-length"], "expected-length");
        if (expected !== undefined) interaction.expectedLength = Math.trunc(expected);
      }
      if (type === "select-point") interaction.maxChoices = numberAttr(a["max-choices"], "max-choices") ?? 0;
      interactions.push(interaction);
    }
  };
  walk(childrenOf(body));
  return { interactions, unknown: [...unknown].sort() };
}

function responseProcessingOf(rp: XmlNode | undefined): Pick<QtiItem, "template" | "responseProcessing" | "unsupported"> {
  if (!rp) return { template: "none", unsupported: [] };
  const url = attrsOf(rp).template ?? attrsOf(rp)["template-location"];
  if (elementsOf(rp).length === 0 && url !== undefined) {
    const name = url.slice(url.lastIndexOf("/") + 1).replace(/\.xml$/, "");
    if ((RP_TEMPLATES as readonly string[]).includes(name)) return { template: name as RpTemplate, responseProcessing: templateRules(name as RpTemplate), unsupported: [] };
    return { template: "none", unsupported: [`response-processing template ${/^[A-Za-z0-9_.-]{1,64}$/.test(name) ? name : "(unnamed)"}`] };
  }
  const { rules, unsupported } = readInlineRules(rp);
  return { template: "inline", responseProcessing: rules, unsupported };
}

function defaultMaxScore(item: Pick<QtiItem, "template" | "responses">): number {
  const response = item.responses[0];
  if (item.template === "map_response_point" && response?.areaMapping) {
    const mapping = response.areaMapping;
    return mapping.upperBound ?? mapping.entries.map((entry) => entry.value).filter((value) => value > 0).reduce((sum, value) => sum + value, 0);
  }
  if (item.template !== "map_response" || !response?.mapping) return 1;
  if (response.mapping.upperBound !== undefined) return response.mapping.upperBound;
  const positives = response.mapping.entries.map((entry) => entry.value).filter((value) => value > 0);
  return response.cardinality === "single" ? Math.max(0, ...positives) : positives.reduce((sum, value) => sum + value, 0);
}

function parseItem(xml: string): QtiItem {
  const root = rootOf(parseTree(xml));
  const attrs = attrsOf(root);
  if (!attrs.identifier) throw invalidQti("qti-assessment-item needs an identifier attribute");
  if (attrs.xmlns !== undefined && attrs.xmlns !== QTI3_NAMESPACE) throw invalidQti(`the default namespace must be ${QTI3_NAMESPACE}`);
  const children = childrenOf(root);
  const responses = children.filter((node) => tagOf(node) === "qti-response-declaration").map(responseDeclaration);
  const outcomes = children.filter((node) => tagOf(node) === "qti-outcome-declaration").map(outcomeDeclaration);
  const body = children.find((node) => tagOf(node) === "qti-item-body");
  if (!body) throw invalidQti("qti-assessment-item needs a qti-item-body");
  const { interactions, unknown } = interactionsOf(body);
  if (interactions.length === 0) throw invalidQti(unknown.length > 0 ? `the item body has no supported interaction (unsupported: ${unknown.join(", ")})` : "the item body has no interaction");
  for (const interaction of interactions) {
    if (!responses.some((response) => response.identifier === interaction.responseIdentifier)) throw invalidQti(`no qti-response-declaration for response-identifier ${interaction.responseIdentifier}`);
  }
  const processing = responseProcessingOf(children.find((node) => tagOf(node) === "qti-response-processing"));
  const unsupported = [...processing.unsupported, ...unknown];
  const scoredResponse = responses.find((response) => response.identifier === "RESPONSE");
  const keyed = interactions.some((interaction) => interaction.responseIdentifier === "RESPONSE" && interaction.type !== "extended-text");
  if (processing.template === "match_correct" && keyed && scoredResponse?.correct === undefined) throw invalidQti("match_correct needs a qti-correct-response for RESPONSE");
  if (processing.template === "map_response" && keyed && scoredResponse?.mapping === undefined) throw invalidQti("map_response needs a qti-mapping for RESPONSE");
  if (processing.template === "map_response_point" && keyed && scoredResponse?.areaMapping === undefined) throw invalidQti("map_response_point needs a qti-area-mapping for RESPONSE");
  const maxScoreNode = outcomes.find((outcome) => outcome.identifier === "MAXSCORE");
  const declaredMax = maxScoreNode?.defaultValue?.[0] === undefined ? Number.NaN : Number(maxScoreNode.defaultValue[0]);
  const feedback = findAll(children, "qti-modal-feedback")
    .concat(findAll(children, "qti-feedback-inline"), findAll(children, "qti-feedback-block"))
    .map((node) => ({
      outcomeIdentifier: attrsOf(node)["outcome-identifier"] ?? "FEEDBACK",
      identifier: attrsOf(node).identifier ?? "",
      showHide: attrsOf(node)["show-hide"] === "hide" ? ("hide" as const) : ("show" as const),
      text: textOf(childrenOf(node), new Set()),
    }));
  const item: QtiItem = {
    identifier: attrs.identifier,
    title: attrs.title ?? attrs.identifier,
    stem: itemText(childrenOf(body)),
    interactions,
    responses,
    outcomes,
    template: processing.template,
    ...(processing.responseProcessing ? { responseProcessing: processing.responseProcessing } : {}),
    unsupported,
    maxScore: 1,
    feedback,
  };
  item.maxScore = Number.isFinite(declaredMax) ? declaredMax : defaultMaxScore(item);
  return item;
}

/**
 * Parses and validates a QTI 3.0 assessment item: choice, text-entry, extended-text,
 * inline-choice, order, match and select-point interactions; the standard
 * `match_correct`, `map_response` and `map_response_point` templates; and inline response
 * processing. Constructs this server cannot evaluate are listed by name in `unsupported`.
 *
 * @example
 * ```ts
 * const item = parseQtiItem(xml);
 * item.interactions[0]?.type; // "choice"
 * ```
 * @throws ExtensionError `QTI_INVALID` (field `xml`) for malformed items. Any other failure
 * while reading an arbitrary input is turned into `QTI_INVALID` too: nothing else escapes.
 * @category QTI
 */
export function parseQtiItem(xml: string): QtiItem {
  try {
    return parseItem(xml);
  } catch (error) {
    if (isExtensionError(error)) throw error;
    throw invalidQti("the QTI XML could not be read as a QTI 3.0 item");
  }
}
