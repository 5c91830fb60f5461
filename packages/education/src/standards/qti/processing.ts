import { ExtensionError } from "@mcp-verticals/core";
import type { QtiOutcomeDeclaration, QtiResponseDeclaration, QtiRuleNode } from "../../schemas/qti.js";
import { attrsOf, elementsOf, invalidQti, tagOf, textOf, type XmlNode } from "./xml.js";
import { mapResponse, mapResponsePoint, matchValues, memberOf, primitiveOf, unsupported, valueOf, type Primitive, type QtiValue } from "./values.js";

/** Response rules this server evaluates. */
const RULES = new Set(["qti-response-condition", "qti-response-if", "qti-response-else-if", "qti-response-else", "qti-set-outcome-value", "qti-exit-response"]);
/** Expressions this server evaluates. */
const EXPRESSIONS = new Set([
  "qti-base-value", "qti-variable", "qti-correct", "qti-default", "qti-null", "qti-map-response", "qti-map-response-point",
  "qti-is-null", "qti-match", "qti-member", "qti-contains", "qti-and", "qti-or", "qti-not",
  "qti-sum", "qti-subtract", "qti-product", "qti-divide", "qti-gt", "qti-gte", "qti-lt", "qti-lte", "qti-equal",
  "qti-string-match", "qti-multiple", "qti-ordered", "qti-container-size",
]);

/** Standard templates, by the last segment of their URL. */
export const RP_TEMPLATES = ["match_correct", "map_response", "map_response_point"] as const;
export type RpTemplate = (typeof RP_TEMPLATES)[number];

const rule = (tag: string, attrs: Record<string, string>, children: QtiRuleNode[], text?: string): QtiRuleNode => ({ tag, attrs, children, ...(text === undefined ? {} : { text }) });
const setScore = (expression: QtiRuleNode) => rule("qti-set-outcome-value", { identifier: "SCORE" }, [expression]);
const float = (value: string) => rule("qti-base-value", { "base-type": "float" }, [], value);
const response = rule("qti-variable", { identifier: "RESPONSE" }, []);

/** The rules of a standard template, exactly as the 1EdTech template files define them. */
export function templateRules(name: RpTemplate): QtiRuleNode[] {
  if (name === "match_correct") {
    return [rule("qti-response-condition", {}, [
      rule("qti-response-if", {}, [rule("qti-match", {}, [response, rule("qti-correct", { identifier: "RESPONSE" }, [])]), setScore(float("1"))]),
      rule("qti-response-else", {}, [setScore(float("0"))]),
    ])];
  }
  const mapper = name === "map_response" ? "qti-map-response" : "qti-map-response-point";
  return [rule("qti-response-condition", {}, [
    rule("qti-response-if", {}, [rule("qti-is-null", {}, [response]), setScore(float("0.0"))]),
    rule("qti-response-else", {}, [setScore(rule(mapper, { identifier: "RESPONSE" }, []))]),
  ])];
}

const MAX_RULE_NODES = 5_000;
const MAX_DEPTH = 64;

/**
 * Reads inline response processing into rule nodes, collecting every element this server
 * cannot evaluate by name (so the item can be stored and shown, and scoring says why not).
 */
export function readInlineRules(rp: XmlNode): { rules: QtiRuleNode[]; unsupported: string[] } {
  const missing = new Set<string>();
  let count = 0;
  const read = (node: XmlNode, depth: number, kind: "rule" | "expression"): QtiRuleNode => {
    if (++count > MAX_RULE_NODES || depth > MAX_DEPTH) throw invalidQti("the response processing is too large or too deeply nested");
    const tag = tagOf(node)!;
    const known = kind === "rule" ? RULES.has(tag) : EXPRESSIONS.has(tag);
    if (!known) missing.add(tag);
    const childKind = tag === "qti-response-condition" || tag === "qti-response-else" ? "rule" : "expression";
    const children = elementsOf(node).map((child, index) => {
      // if/else-if: the first child is the condition, the rest are rules.
      const kindOf = tag === "qti-response-if" || tag === "qti-response-else-if" ? (index === 0 ? "expression" : "rule") : childKind;
      return read(child, depth + 1, kindOf);
    });
    const text = tag === "qti-base-value" ? textOf([node], new Set()) : undefined;
    return rule(tag, attrsOf(node), children, text);
  };
  const rules = elementsOf(rp).map((child) => read(child, 0, "rule"));
  return { rules, unsupported: [...missing].sort() };
}

/** Variables in scope while response processing runs. */
export interface ProcessingState {
  responses: Map<string, { declaration: QtiResponseDeclaration; value: QtiValue }>;
  outcomes: Map<string, { declaration: QtiOutcomeDeclaration; value: QtiValue }>;
}

class ExitResponse {}

const num = (value: QtiValue): number | null => (value === null || typeof value.values[0] !== "number" ? (value === null ? null : Number.NaN) : (value.values[0] as number));
const single = (baseType: string, value: Primitive | null): QtiValue => (value === null ? null : { cardinality: "single", baseType, values: [value] });
const bool = (value: boolean | null): QtiValue => single("boolean", value);
const truth = (value: QtiValue): boolean | null => (value === null ? null : value.values[0] === true);

function need(node: QtiRuleNode, count: number): void {
  if (node.children.length < count) throw invalidQti(`${node.tag} needs ${count} sub-expression(s)`);
}

function evaluate(node: QtiRuleNode, state: ProcessingState): QtiValue {
  const identifier = node.attrs.identifier ?? "";
  const args = () => node.children.map((child) => evaluate(child, state));
  switch (node.tag) {
    case "qti-base-value": {
      const baseType = node.attrs["base-type"] ?? "string";
      const value = primitiveOf(node.text ?? "", baseType);
      if (value === undefined) throw invalidQti(`a qti-base-value is not a valid ${baseType}`);
      return single(baseType, value);
    }
    case "qti-variable": {
      const found = state.responses.get(identifier) ?? state.outcomes.get(identifier);
      if (!found) throw invalidQti(`qti-variable names an undeclared variable ${identifier}`);
      return found.value;
    }
    case "qti-correct": {
      const declaration = state.responses.get(identifier)?.declaration;
      if (!declaration) throw invalidQti(`qti-correct names an undeclared response ${identifier}`);
      return valueOf(declaration.correct ?? [], declaration.cardinality, declaration.baseType, "a qti-correct-response value");
    }
    case "qti-default": {
      const declaration = state.outcomes.get(identifier)?.declaration;
      if (!declaration) throw invalidQti(`qti-default names an undeclared outcome ${identifier}`);
      return valueOf(declaration.defaultValue ?? [], declaration.cardinality, declaration.baseType, "a qti-default-value");
    }
    case "qti-null":
      return null;
    case "qti-map-response":
    case "qti-map-response-point": {
      const found = state.responses.get(identifier);
      if (!found) throw invalidQti(`${node.tag} names an undeclared response ${identifier}`);
      return single("float", node.tag === "qti-map-response" ? mapResponse(found.declaration, found.value) : mapResponsePoint(found.declaration, found.value));
    }
    case "qti-is-null":
      need(node, 1);
      return bool(evaluate(node.children[0]!, state) === null);
    case "qti-match": {
      need(node, 2);
      const [a, b] = args() as [QtiValue, QtiValue];
      return bool(matchValues(a, b));
    }
    case "qti-member": {
      need(node, 2);
      const [a, b] = args() as [QtiValue, QtiValue];
      return bool(memberOf(a, b));
    }
    case "qti-contains": {
      need(node, 2);
      const [a, b] = args() as [QtiValue, QtiValue];
      if (a === null || b === null) return null;
      return bool(b.values.every((value) => memberOf(single(b.baseType, value), a)));
    }
    case "qti-and":
    case "qti-or": {
      need(node, 1);
      const values = args().map(truth);
      const decisive = node.tag === "qti-and" ? false : true;
      if (values.includes(decisive)) return bool(decisive);
      return values.includes(null) ? null : bool(!decisive);
    }
    case "qti-not": {
      need(node, 1);
      const value = truth(evaluate(node.children[0]!, state));
      return value === null ? null : bool(!value);
    }
    case "qti-sum":
    case "qti-product":
    case "qti-subtract":
    case "qti-divide": {
      need(node, node.tag === "qti-subtract" || node.tag === "qti-divide" ? 2 : 1);
      const values = args();
      if (values.some((value) => value === null)) return null;
      // Numeric operators take every value of container operands (sum/product) or single values.
      const numbers = values.flatMap((value) => value!.values.map((entry) => (typeof entry === "number" ? entry : Number.NaN)));
      if (numbers.some((n) => Number.isNaN(n))) throw invalidQti(`${node.tag} needs numeric operands`);
      const isFloat = values.some((value) => value!.baseType === "float") || node.tag === "qti-divide";
      let result: number;
      if (node.tag === "qti-sum") result = numbers.reduce((sum, n) => sum + n, 0);
      else if (node.tag === "qti-product") result = numbers.reduce((product, n) => product * n, 1);
      else if (node.tag === "qti-subtract") result = numbers[0]! - numbers[1]!;
      else {
        if (numbers[1] === 0) return null;
        result = numbers[0]! / numbers[1]!;
      }
      return single(isFloat ? "float" : "integer", result);
    }
    case "qti-gt":
    case "qti-gte":
    case "qti-lt":
    case "qti-lte":
    case "qti-equal": {
      need(node, 2);
      const [a, b] = args().map(num) as [number | null, number | null];
      if (a === null || b === null) return null;
      if (Number.isNaN(a) || Number.isNaN(b)) throw invalidQti(`${node.tag} needs numeric operands`);
      if (node.tag === "qti-gt") return bool(a > b);
      if (node.tag === "qti-gte") return bool(a >= b);
      if (node.tag === "qti-lt") return bool(a < b);
      if (node.tag === "qti-lte") return bool(a <= b);
      return bool(equalWithTolerance(node, a, b));
    }
    case "qti-string-match": {
      need(node, 2);
      const [a, b] = args() as [QtiValue, QtiValue];
      if (a === null || b === null) return null;
      const sensitive = node.attrs["case-sensitive"] !== "false";
      const [x, y] = [String(a.values[0]), String(b.values[0])];
      return bool(sensitive ? x === y : x.toLowerCase() === y.toLowerCase());
    }
    case "qti-multiple":
    case "qti-ordered": {
      const values = args().filter((value): value is NonNullable<QtiValue> => value !== null);
      if (values.length === 0) return null;
      return { cardinality: node.tag === "qti-multiple" ? "multiple" : "ordered", baseType: values[0]!.baseType, values: values.flatMap((value) => value.values) };
    }
    case "qti-container-size": {
      need(node, 1);
      const value = evaluate(node.children[0]!, state);
      return single("integer", value === null ? 0 : value.values.length);
    }
    default:
      throw unsupported(node.tag);
  }
}

function equalWithTolerance(node: QtiRuleNode, a: number, b: number): boolean {
  const mode = node.attrs["tolerance-mode"] ?? "exact";
  if (mode === "exact") return a === b;
  const [t0 = 0, t1 = t0] = (node.attrs.tolerance ?? "0").trim().split(/\s+/).map(Number);
  const lowerInclusive = node.attrs["include-lower-bound"] !== "false";
  const upperInclusive = node.attrs["include-upper-bound"] !== "false";
  const low = mode === "absolute" ? a - t0 : a * (1 - t0 / 100);
  const high = mode === "absolute" ? a + t1 : a * (1 + t1 / 100);
  return (lowerInclusive ? b >= low : b > low) && (upperInclusive ? b <= high : b < high);
}

function setOutcome(node: QtiRuleNode, state: ProcessingState): void {
  need(node, 1);
  const target = state.outcomes.get(node.attrs.identifier ?? "");
  if (!target) throw invalidQti(`qti-set-outcome-value names an undeclared outcome ${node.attrs.identifier ?? ""}`);
  const value = evaluate(node.children[0]!, state);
  const { baseType, cardinality } = target.declaration;
  if (value === null) {
    target.value = null;
    return;
  }
  // Numeric outcomes take the value in their own base type (integer outcomes truncate toward zero).
  if (baseType === "integer" || baseType === "float") {
    const n = value.values[0];
    if (typeof n !== "number") throw invalidQti(`qti-set-outcome-value gives ${node.attrs.identifier ?? ""} a non-numeric value`);
    target.value = single(baseType, baseType === "integer" ? Math.trunc(n) : n);
    return;
  }
  target.value = { cardinality: cardinality === "record" ? "single" : cardinality, baseType, values: value.values };
}

function runRules(rules: readonly QtiRuleNode[], state: ProcessingState): void {
  for (const node of rules) {
    if (node.tag === "qti-set-outcome-value") setOutcome(node, state);
    else if (node.tag === "qti-exit-response") throw new ExitResponse();
    else if (node.tag === "qti-response-condition") {
      for (const branch of node.children) {
        if (branch.tag === "qti-response-else") {
          runRules(branch.children, state);
          break;
        }
        if (branch.tag !== "qti-response-if" && branch.tag !== "qti-response-else-if") throw invalidQti(`qti-response-condition cannot contain ${branch.tag}`);
        need(branch, 1);
        // A NULL condition counts as false.
        if (truth(evaluate(branch.children[0]!, state)) === true) {
          runRules(branch.children.slice(1), state);
          break;
        }
      }
    } else throw unsupported(node.tag);
  }
}

/**
 * Runs response processing over the state, updating outcome values in place.
 *
 * @throws ExtensionError `QTI_UNSUPPORTED` naming a construct this server cannot evaluate;
 * `QTI_INVALID` for rules that reference undeclared variables or lack operands.
 */
export function runResponseProcessing(rules: readonly QtiRuleNode[], state: ProcessingState): void {
  try {
    runRules(rules, state);
  } catch (error) {
    if (error instanceof ExitResponse) return;
    if (error instanceof ExtensionError) throw error;
    throw invalidQti("the response processing could not be evaluated");
  }
}
