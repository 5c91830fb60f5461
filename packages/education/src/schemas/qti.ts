import { z } from "zod";

/** QTI 3.0 interactions this extension parses, creates and scores. */
export const QtiInteractionType = z.enum(["choice", "text-entry", "extended-text", "inline-choice", "order", "match"]);

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
      caseSensitive: z.boolean(),
      entries: z.array(z.object({ key: z.string(), value: z.number() })),
    })
    .optional(),
});

/** A parsed QTI 3.0 assessment item. */
export const QtiItem = z.object({
  identifier: z.string(),
  title: z.string(),
  stem: z.string(),
  interactions: z.array(QtiInteraction),
  responses: z.array(QtiResponseDeclaration),
  template: z.enum(["match_correct", "map_response", "none"]),
  maxScore: z.number(),
  feedback: z.array(z.object({ outcomeIdentifier: z.string(), identifier: z.string(), text: z.string() })),
});

/** A candidate's response: value(s) per response identifier. Pairs for `match` are `"source target"`. */
export const QtiResponse = z.record(z.string().min(1).max(100), z.union([z.string().max(10_000), z.array(z.string().max(1000)).max(100)]));

export type QtiInteractionType = z.output<typeof QtiInteractionType>;
export type QtiInteraction = z.output<typeof QtiInteraction>;
export type QtiResponseDeclaration = z.output<typeof QtiResponseDeclaration>;
export type QtiItem = z.output<typeof QtiItem>;
export type QtiResponse = z.output<typeof QtiResponse>;
