import { z } from "zod";
import { integer } from "./lean.js";

/** QTI 3.0 interactions this extension parses, creates and scores. */
export const QtiInteractionType = z.enum(["choice", "text-entry", "extended-text", "inline-choice", "order", "match", "select-point"]).describe("Interaction type.");

/** A choice as a candidate sees it. */
export const QtiChoice = z.object({ identifier: z.string().describe("Choice id."), text: z.string().describe("Choice text.") });

/** One interaction of an item, in candidate-safe form (no keys, no feedback). */
export const QtiInteraction = z.object({
  type: QtiInteractionType,
  responseIdentifier: z.string().describe("Response identifier."),
  prompt: z.string().optional().describe("Prompt."),
  choices: z.array(QtiChoice).optional().describe("Choices."),
  targets: z.array(QtiChoice).optional().describe("match: the set choices pair with."),
  maxChoices: integer("Most choices allowed.").optional(),
  expectedLength: integer("Expected answer length.").optional(),
});

/** A response declaration; `correct` and `mapping` are the answer key. */
export const QtiResponseDeclaration = z.object({
  identifier: z.string().describe("Response identifier."),
  cardinality: z.enum(["single", "multiple", "ordered", "record"]).describe("QTI cardinality."),
  baseType: z.string().describe("QTI base-type."),
  correct: z.array(z.string()).optional().describe("Correct response (answer key)."),
  mapping: z
    .object({
      defaultValue: z.number().describe("Value of unmapped keys."),
      lowerBound: z.number().optional().describe("Lower bound."),
      upperBound: z.number().optional().describe("Upper bound."),
      entries: z.array(z.object({ key: z.string().describe("Map key."), value: z.number().describe("Mapped value."), caseSensitive: z.boolean().describe("Case-sensitive key match.") })).describe("Entries."),
    })
    .optional()
    .describe("qti-mapping: map-key → mapped-value, used by map_response."),
  areaMapping: z
    .object({
      defaultValue: z.number().describe("Value outside every area."),
      lowerBound: z.number().optional().describe("Lower bound."),
      upperBound: z.number().optional().describe("Upper bound."),
      entries: z
        .array(z.object({ shape: z.enum(["circle", "rect", "poly", "ellipse", "default"]).describe("Shape."), coords: z.array(z.number()).describe("Coordinates."), value: z.number().describe("Mapped value.") }))
        .describe("Areas."),
    })
    .optional()
    .describe("qti-area-mapping: areas → mapped-value, used by map_response_point."),
});

/** An outcome declaration with its default value. */
export const QtiOutcomeDeclaration = z.object({
  identifier: z.string().describe("Outcome identifier, e.g. SCORE."),
  cardinality: z.enum(["single", "multiple", "ordered", "record"]).describe("QTI cardinality."),
  baseType: z.string().describe("QTI base-type."),
  defaultValue: z.array(z.string()).optional().describe("qti-default-value values."),
});

/** One element of inline response processing, kept as parsed (author view only). */
export type QtiRuleNode = { tag: string; attrs: Record<string, string>; text?: string; children: QtiRuleNode[] };
/** One element of inline response processing, kept as parsed (author view only). */
export const QtiRuleNode: z.ZodType<QtiRuleNode> = z.lazy(() =>
  z.object({
    tag: z.string().describe("Element name, e.g. qti-response-condition."),
    attrs: z.record(z.string(), z.string()).describe("Attributes."),
    text: z.string().optional().describe("Text content."),
    children: z.array(QtiRuleNode).describe("Child elements."),
  }),
);

/** A parsed QTI 3.0 assessment item. */
export const QtiItem = z.object({
  identifier: z.string().describe("Item identifier."),
  title: z.string().describe("Title."),
  stem: z.string().describe("Item body text."),
  interactions: z.array(QtiInteraction).describe("Interactions."),
  responses: z.array(QtiResponseDeclaration).describe("Response declarations."),
  template: z.enum(["match_correct", "map_response", "map_response_point", "inline", "none"]).describe("The standard template named, inline rules, or no response processing."),
  outcomes: z.array(QtiOutcomeDeclaration).default([]).describe("Outcome declarations."),
  responseProcessing: z.array(QtiRuleNode).optional().describe("The rules (the template's, expanded, or inline). Author view only."),
  unsupported: z.array(z.string()).default([]).describe("Response-processing constructs this server cannot evaluate, by element or template name."),
  maxScore: z.number().describe("Maximum score."),
  feedback: z
    .array(z.object({ outcomeIdentifier: z.string().describe("Outcome it depends on."), identifier: z.string().describe("Feedback id."), showHide: z.enum(["show", "hide"]).default("show").describe("Show or hide on match."), text: z.string().describe("Text.") }))
    .describe("Modal feedback (author view)."),
});

/** A candidate's response: value(s) per response identifier. Pairs for `match` are `"source target"`. */
export const QtiResponse = z
  .record(z.string().min(1).max(100), z.union([z.string().max(10_000), z.array(z.string().max(1000)).max(100)]).describe("A value, or values for multiple/ordered."))
  .describe("Value(s) per response identifier, e.g. {RESPONSE: \"B\"}; match pairs as \"A T1\".");

export type QtiInteractionType = z.output<typeof QtiInteractionType>;
export type QtiInteraction = z.output<typeof QtiInteraction>;
export type QtiResponseDeclaration = z.output<typeof QtiResponseDeclaration>;
export type QtiItem = z.output<typeof QtiItem>;
export type QtiOutcomeDeclaration = z.output<typeof QtiOutcomeDeclaration>;
export type QtiResponse = z.output<typeof QtiResponse>;
