import { ExtensionError, isExtensionError } from "@mcp-verticals/core";
import type { QtiItem, QtiResponse } from "../../schemas/qti.js";
import { runResponseProcessing, type ProcessingState } from "./processing.js";
import { matchValues, unsupported, valueOf, type QtiValue } from "./values.js";

/** The outcome of scoring one response. */
export interface QtiScore {
  /** The SCORE outcome after response processing (0 when it stays NULL). */
  score: number;
  maxScore: number;
  /**
   * Whether the response earned the key: every scored response equals its
   * qti-correct-response where one is declared, else SCORE reached MAXSCORE. Undefined when
   * the item needs a human.
   */
  correct: boolean | undefined;
  needsHumanScoring: boolean;
  /** Identifiers of the feedback shown by the final outcome values (show-hide honoured). */
  feedback: string[];
}

const shows = (value: QtiValue, identifier: string) => value !== null && value.values.some((entry) => String(entry) === identifier);

function score(item: QtiItem, response: QtiResponse): QtiScore {
  for (const key of Object.keys(response)) {
    if (!item.responses.some((declaration) => declaration.identifier === key)) {
      throw new ExtensionError("RESPONSE_INVALID", "the response names an identifier the item does not declare", { field: "response" });
    }
  }
  const scoredIds = new Set(item.interactions.filter((interaction) => interaction.type !== "extended-text").map((interaction) => interaction.responseIdentifier));
  if (item.template === "none" && item.unsupported.length === 0) return { score: 0, maxScore: item.maxScore, correct: undefined, needsHumanScoring: true, feedback: [] };
  if (scoredIds.size === 0) return { score: 0, maxScore: item.maxScore, correct: undefined, needsHumanScoring: true, feedback: [] };
  // Scoring an item with constructs we cannot evaluate would give a wrong score: say which.
  if (item.unsupported.length > 0) throw unsupported(item.unsupported.join(", "));
  const state: ProcessingState = { responses: new Map(), outcomes: new Map() };
  for (const declaration of item.responses) {
    const given = response[declaration.identifier];
    const raws = given === undefined ? [] : Array.isArray(given) ? given : [given];
    state.responses.set(declaration.identifier, { declaration, value: valueOf(raws, declaration.cardinality, declaration.baseType, `the response for ${declaration.identifier}`) });
  }
  const outcomes = item.outcomes.some((outcome) => outcome.identifier === "SCORE") ? item.outcomes : [...item.outcomes, { identifier: "SCORE", cardinality: "single" as const, baseType: "float" }];
  for (const declaration of outcomes) {
    const numeric = declaration.baseType === "integer" || declaration.baseType === "float";
    // Numeric outcomes without a default start at 0 (QTI 3.0 outcome declaration); others at NULL.
    const initial = declaration.defaultValue ?? (numeric && declaration.cardinality === "single" ? ["0"] : []);
    state.outcomes.set(declaration.identifier, { declaration, value: valueOf(initial, declaration.cardinality, declaration.baseType, `the default of ${declaration.identifier}`) });
  }
  runResponseProcessing(item.responseProcessing ?? [], state);
  const scoreValue = state.outcomes.get("SCORE")?.value;
  const total = scoreValue && typeof scoreValue.values[0] === "number" ? scoreValue.values[0] : 0;
  const keyed = item.responses.filter((declaration) => scoredIds.has(declaration.identifier) && declaration.correct !== undefined);
  const correct = keyed.length > 0
    ? keyed.every((declaration) => matchValues(state.responses.get(declaration.identifier)!.value, valueOf(declaration.correct!, declaration.cardinality, declaration.baseType, "a qti-correct-response value")) === true)
    : item.maxScore > 0 && total >= item.maxScore;
  const feedback = item.feedback
    .filter((entry) => {
      const value = state.outcomes.get(entry.outcomeIdentifier)?.value ?? null;
      return entry.showHide === "show" ? shows(value, entry.identifier) : !shows(value, entry.identifier);
    })
    .map((entry) => entry.identifier);
  return { score: total, maxScore: item.maxScore, correct, needsHumanScoring: false, feedback };
}

/**
 * Scores a response by running the item's response processing: the standard templates
 * exactly as 1EdTech defines them (`match_correct`: SCORE 1 if RESPONSE matches the correct
 * response, else 0; `map_response`: 0 if RESPONSE is NULL, else its mapped value;
 * `map_response_point`: the same with the area mapping) or the item's inline rules.
 *
 * @example
 * ```ts
 * scoreQtiResponse(parseQtiItem(xml), { RESPONSE: "B" }); // { score: 1, maxScore: 1, correct: true, ... }
 * ```
 * @throws ExtensionError `RESPONSE_INVALID` (field `response`) for an undeclared identifier
 * or a value of the wrong type; `QTI_UNSUPPORTED` naming a construct this server cannot
 * evaluate; `QTI_INVALID` for inconsistent rules.
 * @category QTI
 */
export function scoreQtiResponse(item: QtiItem, response: QtiResponse): QtiScore {
  try {
    return score(item, response);
  } catch (error) {
    if (isExtensionError(error)) throw error;
    throw new ExtensionError("QTI_INVALID", "the item's response processing could not be evaluated", { field: "xml" });
  }
}
