import { z } from "zod";

/** QTI 3.0 interactions this extension parses, creates and scores. */
export const QtiInteractionType = z.enum(["choice", "text-entry", "extended-text", "inline-choice", "order", "match", "select-point"]).describe("Interaction type.");

/** A choice as a candidate sees it. */
export const QtiChoice = z.object({ identifier: z.string(), text: z.string() });

/** One interaction of an item, in candidate-safe form (no keys, no feedback). */
export const QtiInteraction = z.object({
  type: QtiInteractionType,
  responseIdentifier: z.string(),
  prompt: z.string().optional(),
  choices: z.array(QtiChoice).optional(),
  /** For `match`: the second set the first set's choices are paired with. */
  targets: z.array(QtiChoice).optional(),
  maxChoices: z.number().int().optional(),
  expectedLength: z.number().int().optional(),
});

/** A response declaration; `correct` and `mapping` are the answer key. */
export const QtiResponseDeclaration = z.object({
  identifier: z.string(),
  cardinality: z.enum(["single", "multiple", "ordered", "record"]),
  baseType: z.string(),
  correct: z.array(z.string()).optional(),
  mapping: z
    .object({
      defaultValue: z.number(),
      lowerBound: z.number().optional(),
      upperBound: z.number().optional(),
      entries: z.array(z.object({ key: z.string(), value: z.number(), caseSensitive: z.boolean().describe("Whether a string key matches case-sensitively (default false).") })),
    })
    .optional()
    .describe("qti-mapping: map-key → mapped-value, used by map_response."),
  areaMapping: z
    .object({
      defaultValue: z.number(),
      lowerBound: z.number().optional(),
      upperBound: z.number().optional(),
      entries: z.array(z.object({ shape: z.enum(["circle", "rect", "poly", "ellipse", "default"]), coords: z.array(z.number()), value: z.number() })),
    })
    .optional()
    .describe("qti-area-mapping: areas → mapped-value, used by map_response_point."),
});

/** An outcome declaration with its default value. */
export const QtiOutcomeDeclaration = z.object({
  identifier: z.string().describe("Outcome identifier, e.g. SCORE."),
  cardinality: z.enum(["single", "multiple", "ordered", "record"]),
  baseType: z.string().describe("QTI base-type."),
  defaultValue: z.array(z.string()).optional().describe("qti-default-value values."),
});

/** One element of inline response processing, kept as parsed (author view only). */
export type QtiRuleNode = { tag: string; attrs: Record<string, string>; text?: string; children: QtiRuleNode[] };
/** One element of inline response processing, kept as parsed (author view only). */
export const QtiRuleNode: z.ZodType<QtiRuleNode> = z.lazy(() =>
  z.object({ tag: z.string().describe("Element name, e.g. qti-response-condition."), attrs: z.record(z.string(), z.string()), text: z.string().optional(), children: z.array(QtiRuleNode) }),
);

/** A parsed QTI 3.0 assessment item. */
export const QtiItem = z.object({
  identifier: z.string(),
  title: z.string(),
  stem: z.string(),
  interactions: z.array(QtiInteraction),
  responses: z.array(QtiResponseDeclaration),
  template: z.enum(["match_correct", "map_response", "map_response_point", "inline", "none"]).describe("The standard template named, inline rules, or no response processing."),
  outcomes: z.array(QtiOutcomeDeclaration).default([]),
  responseProcessing: z.array(QtiRuleNode).optional().describe("The rules (the template's, expanded, or inline). Author view only."),
  unsupported: z.array(z.string()).default([]).describe("Response-processing constructs this server cannot evaluate, by element or template name."),
  maxScore: z.number(),
  feedback: z.array(z.object({ outcomeIdentifier: z.string(), identifier: z.string(), showHide: z.enum(["show", "hide"]).default("show"), text: z.string() })),
});

/** A candidate's response: value(s) per response identifier. Pairs for `match` are `"source target"`. */
export const QtiResponse = z.record(z.string().min(1).max(100), z.union([z.string().max(10_000), z.array(z.string().max(1000)).max(100)]));

export type QtiInteractionType = z.output<typeof QtiInteractionType>;
export type QtiInteraction = z.output<typeof QtiInteraction>;
export type QtiResponseDeclaration = z.output<typeof QtiResponseDeclaration>;
export type QtiItem = z.output<typeof QtiItem>;
export type QtiOutcomeDeclaration = z.output<typeof QtiOutcomeDeclaration>;
export type QtiResponse = z.output<typeof QtiResponse>;
