import { z } from "zod";

const iri = z.string().min(1).max(2048).refine((value) => /^[a-z][a-z0-9+.-]*:/i.test(value), "must be an IRI");
const languageMap = z.record(z.string(), z.string());

/** xAPI 1.0.3 Agent (one inverse functional identifier). */
export const XapiAgent = z
  .object({
    objectType: z.literal("Agent").optional(),
    name: z.string().optional(),
    mbox: z.string().regex(/^mailto:/).optional(),
    mbox_sha1sum: z.string().regex(/^[0-9a-f]{40}$/).optional(),
    openid: z.string().optional(),
    account: z.object({ homePage: iri, name: z.string().min(1) }).optional(),
  })
  .refine((agent) => [agent.mbox, agent.mbox_sha1sum, agent.openid, agent.account].filter((value) => value !== undefined).length === 1, {
    message: "an Agent needs exactly one inverse functional identifier",
  });

/** xAPI 1.0.3 Verb. */
export const XapiVerb = z.object({ id: iri, display: languageMap.optional() });

/** xAPI 1.0.3 Activity. */
export const XapiActivity = z.object({
  objectType: z.literal("Activity").optional(),
  id: iri,
  definition: z
    .object({ name: languageMap.optional(), description: languageMap.optional(), type: iri.optional(), extensions: z.record(z.string(), z.unknown()).optional() })
    .optional(),
});

/** xAPI 1.0.3 StatementRef (used by voiding statements). */
export const XapiStatementRef = z.object({ objectType: z.literal("StatementRef"), id: z.uuid() });

/** xAPI 1.0.3 Result. */
export const XapiResult = z.object({
  score: z
    .object({ scaled: z.number().min(-1).max(1).optional(), raw: z.number().optional(), min: z.number().optional(), max: z.number().optional() })
    .optional(),
  success: z.boolean().optional(),
  completion: z.boolean().optional(),
  response: z.string().optional(),
  duration: z.string().regex(/^P(?!$)(\d+(?:\.\d+)?Y)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?W)?(\d+(?:\.\d+)?D)?(T(?=\d)(\d+(?:\.\d+)?H)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?S)?)?$/).optional(),
  extensions: z.record(z.string(), z.unknown()).optional(),
});

/** xAPI 1.0.3 Statement (the subset this extension stores: Agent actors, Activity or StatementRef objects). */
export const XapiStatement = z.object({
  id: z.uuid().optional(),
  actor: XapiAgent,
  verb: XapiVerb,
  object: z.union([XapiStatementRef, XapiActivity]),
  result: XapiResult.optional(),
  context: z
    .object({
      registration: z.uuid().optional(),
      platform: z.string().optional(),
      language: z.string().optional(),
      contextActivities: z.record(z.string(), z.array(XapiActivity)).optional(),
      extensions: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  timestamp: z.iso.datetime({ offset: true }).optional(),
  stored: z.string().optional(),
  authority: z.unknown().optional(),
  version: z.string().regex(/^1\.0(\.\d+)?$/).optional(),
});

export type XapiAgent = z.output<typeof XapiAgent>;
export type XapiStatement = z.output<typeof XapiStatement>;

/** The verb IRI that voids an earlier statement. */
export const XAPI_VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided";
