import { z } from "zod";
import { isAbsoluteIri, isIsoDuration, isLanguageTag, isMailtoIri, isXapiTimestamp } from "./xapi-formats.js";

// Every object below is strict: xAPI 1.0.3 (Part Two, §2.2) requires an LRS to reject a
// statement with a property it does not recognize, so unknown keys fail instead of being stripped.

const iri = z.string().refine(isAbsoluteIri, "must be an absolute IRI").describe("An absolute IRI (RFC 3987).");
const uuid = z.uuid().describe("A UUID (RFC 4122).");

/** An xAPI language map: RFC 5646 language tags to strings. */
export const XapiLanguageMap = z
  .record(z.string().refine(isLanguageTag, "keys must be RFC 5646 language tags"), z.string())
  .describe("Language map: RFC 5646 language tag → text.");

/** xAPI extensions: IRI keys to any JSON value. */
export const XapiExtensions = z
  .record(z.string().refine(isAbsoluteIri, "extension keys must be absolute IRIs"), z.unknown())
  .describe("Extensions: IRI → any JSON value.");

const account = z
  .strictObject({
    homePage: iri.describe("IRL of the system the account is on."),
    name: z.string().min(1).describe("The account's unique id on that system."),
  })
  .describe("An account on an existing system.");

const ifiFields = {
  mbox: z.string().refine(isMailtoIri, "mbox must be a mailto: IRI").optional().describe("mailto: IRI of the agent's email."),
  mbox_sha1sum: z.string().regex(/^[0-9a-f]{40}$/i, "mbox_sha1sum must be 40 hex digits").optional().describe("SHA-1 of the mailto: IRI."),
  openid: iri.optional().describe("An OpenID URI of the agent."),
  account: account.optional(),
};
const ifiCount = (value: Record<string, unknown>) => ["mbox", "mbox_sha1sum", "openid", "account"].filter((key) => value[key] !== undefined).length;

const agentShape = { name: z.string().optional().describe("Full name."), ...ifiFields };

/** xAPI 1.0.3 Agent: exactly one inverse functional identifier. */
export const XapiAgent = z
  .strictObject({ objectType: z.literal("Agent").optional().describe("Agent (optional for actors)."), ...agentShape })
  .refine((agent) => ifiCount(agent) === 1, { message: "an Agent needs exactly one inverse functional identifier" })
  .describe("An xAPI Agent.");

/** An Agent used as a statement object, where `objectType` is required. */
const XapiAgentObject = z
  .strictObject({ objectType: z.literal("Agent").describe("Agent (required for objects)."), ...agentShape })
  .refine((agent) => ifiCount(agent) === 1, { message: "an Agent needs exactly one inverse functional identifier" });

/** xAPI 1.0.3 Group: anonymous (no identifier, `member` required) or identified (exactly one identifier). */
export const XapiGroup = z
  .strictObject({
    objectType: z.literal("Group").describe("Group."),
    name: z.string().optional().describe("Name of the group."),
    member: z.array(XapiAgent).optional().describe("Agents in the group (never Groups)."),
    ...ifiFields,
  })
  .superRefine((group, ctx) => {
    const count = ifiCount(group);
    if (count > 1) ctx.addIssue({ code: "custom", message: "a Group has at most one inverse functional identifier" });
    if (count === 0 && (group.member === undefined || group.member.length === 0)) ctx.addIssue({ code: "custom", path: ["member"], message: "an anonymous Group must list its members" });
  })
  .describe("An xAPI Group.");

/** An actor: Agent or Group. */
export const XapiActor = z.union([XapiGroup, XapiAgent]).describe("Agent or Group.");

/** xAPI 1.0.3 Verb. */
export const XapiVerb = z.strictObject({ id: iri.describe("Verb IRI."), display: XapiLanguageMap.optional() }).describe("An xAPI Verb.");

const interactionComponent = z.strictObject({ id: z.string().min(1).describe("Component id."), description: XapiLanguageMap.optional() });

/** xAPI 1.0.3 Activity Definition, including interaction activities. */
export const XapiActivityDefinition = z
  .strictObject({
    name: XapiLanguageMap.optional(),
    description: XapiLanguageMap.optional(),
    type: iri.optional().describe("Activity type IRI."),
    moreInfo: iri.optional().describe("IRL with more information."),
    interactionType: z.enum(["true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing", "likert", "numeric", "other"]).optional().describe("Interaction type (cmi.interactions)."),
    correctResponsesPattern: z.array(z.string()).optional().describe("Correct response patterns."),
    choices: z.array(interactionComponent).optional(),
    scale: z.array(interactionComponent).optional(),
    source: z.array(interactionComponent).optional(),
    target: z.array(interactionComponent).optional(),
    steps: z.array(interactionComponent).optional(),
    extensions: XapiExtensions.optional(),
  })
  .describe("Activity metadata.");

/** xAPI 1.0.3 Activity. */
export const XapiActivity = z
  .strictObject({ objectType: z.literal("Activity").optional().describe("Activity (the default)."), id: iri.describe("Activity IRI."), definition: XapiActivityDefinition.optional() })
  .describe("An xAPI Activity.");

/** xAPI 1.0.3 StatementRef (used by voiding statements). */
export const XapiStatementRef = z.strictObject({ objectType: z.literal("StatementRef").describe("StatementRef."), id: uuid }).describe("A reference to another statement.");

/** xAPI 1.0.3 Score: `scaled` in [-1, 1], `min` < `max`, `min` ≤ `raw` ≤ `max`. */
export const XapiScore = z
  .strictObject({
    scaled: z.number().min(-1).max(1).optional().describe("Scaled score in [-1, 1]."),
    raw: z.number().optional().describe("Raw score, between min and max inclusive."),
    min: z.number().optional().describe("Lowest possible score."),
    max: z.number().optional().describe("Highest possible score."),
  })
  .superRefine((score, ctx) => {
    if (score.min !== undefined && score.max !== undefined && !(score.min < score.max)) ctx.addIssue({ code: "custom", path: ["min"], message: "min must be less than max" });
    if (score.raw !== undefined && score.min !== undefined && score.raw < score.min) ctx.addIssue({ code: "custom", path: ["raw"], message: "raw must not be below min" });
    if (score.raw !== undefined && score.max !== undefined && score.raw > score.max) ctx.addIssue({ code: "custom", path: ["raw"], message: "raw must not exceed max" });
  })
  .describe("A score.");

/** xAPI 1.0.3 Result. */
export const XapiResult = z
  .strictObject({
    score: XapiScore.optional(),
    success: z.boolean().optional().describe("Whether the attempt succeeded."),
    completion: z.boolean().optional().describe("Whether the activity was completed."),
    response: z.string().optional().describe("The learner's response."),
    duration: z.string().refine(isIsoDuration, "duration must be an ISO 8601 duration").optional().describe("ISO 8601 duration."),
    extensions: XapiExtensions.optional(),
  })
  .describe("The outcome of the statement.");

const activityOrList = z.union([XapiActivity, z.array(XapiActivity)]).describe("One Activity or an array of them.");

/** xAPI 1.0.3 Context. */
export const XapiContext = z
  .strictObject({
    registration: uuid.optional(),
    instructor: XapiActor.optional(),
    team: XapiGroup.optional(),
    contextActivities: z
      .strictObject({ parent: activityOrList.optional(), grouping: activityOrList.optional(), category: activityOrList.optional(), other: activityOrList.optional() })
      .optional()
      .describe("Related activities by relation."),
    revision: z.string().optional().describe("Revision of the activity (Activity objects only)."),
    platform: z.string().optional().describe("Platform used (Activity objects only)."),
    language: z.string().refine(isLanguageTag, "language must be an RFC 5646 tag").optional().describe("RFC 5646 tag of the statement's language."),
    statement: XapiStatementRef.optional(),
    extensions: XapiExtensions.optional(),
  })
  .describe("Context of the statement.");

/** xAPI 1.0.3 Attachment metadata. */
export const XapiAttachment = z
  .strictObject({
    usageType: iri.describe("Usage type IRI."),
    display: XapiLanguageMap,
    description: XapiLanguageMap.optional(),
    contentType: z.string().min(1).describe("Internet media type."),
    length: z.number().int().min(0).describe("Length in octets."),
    sha2: z.string().regex(/^[0-9a-f]{56,128}$/i, "sha2 must be a hex SHA-2 digest").describe("SHA-2 of the content."),
    fileUrl: iri.optional().describe("IRL of the content."),
  })
  .describe("An attachment.");

const timestamp = z.string().refine(isXapiTimestamp, "must be an ISO 8601 timestamp (and not use -00:00)").describe("ISO 8601 timestamp.");

/** Activity-only context properties (§2.4.6.2): `revision` and `platform` need an Activity object. */
function checkContextForObject(value: { object: { objectType?: string | undefined }; context?: { revision?: string | undefined; platform?: string | undefined } | undefined }, ctx: z.RefinementCtx): void {
  const isActivity = value.object.objectType === undefined || value.object.objectType === "Activity";
  if (isActivity || value.context === undefined) return;
  if (value.context.revision !== undefined) ctx.addIssue({ code: "custom", path: ["context", "revision"], message: "revision is only allowed when the object is an Activity" });
  if (value.context.platform !== undefined) ctx.addIssue({ code: "custom", path: ["context", "platform"], message: "platform is only allowed when the object is an Activity" });
}

/** xAPI 1.0.3 SubStatement: no id, stored, version or authority, and no nested SubStatement. */
export const XapiSubStatement = z
  .strictObject({
    objectType: z.literal("SubStatement").describe("SubStatement."),
    actor: XapiActor,
    verb: XapiVerb,
    object: z.union([XapiStatementRef, XapiAgentObject, XapiGroup, XapiActivity]),
    result: XapiResult.optional(),
    context: XapiContext.optional(),
    timestamp: timestamp.optional(),
    attachments: z.array(XapiAttachment).optional(),
  })
  .superRefine(checkContextForObject)
  .describe("A statement inside a statement.");

/** xAPI 1.0.3 Statement, the full model of Part Two §2.4. */
export const XapiStatement = z
  .strictObject({
    id: uuid.optional(),
    actor: XapiActor,
    verb: XapiVerb,
    object: z.union([XapiStatementRef, XapiSubStatement, XapiAgentObject, XapiGroup, XapiActivity]).describe("Activity, Agent, Group, StatementRef or SubStatement."),
    result: XapiResult.optional(),
    context: XapiContext.optional(),
    timestamp: timestamp.optional(),
    stored: timestamp.optional().describe("Set by the LRS."),
    authority: z
      .union([XapiAgent, XapiGroup])
      .optional()
      .refine((value) => value === undefined || value.objectType !== "Group" || (ifiCount(value) === 0 && value.member?.length === 2), {
        message: "a Group authority must be an anonymous Group of two Agents (OAuth consumer and user)",
      })
      .describe("Who asserts the statement is true."),
    version: z.string().regex(/^1\.0\.\d+$/, "version must start with 1.0.").optional().describe("xAPI version, 1.0.x."),
    attachments: z.array(XapiAttachment).optional(),
  })
  .superRefine(checkContextForObject)
  .describe("An xAPI 1.0.3 statement.");

export type XapiAgent = z.output<typeof XapiAgent>;
export type XapiGroup = z.output<typeof XapiGroup>;
export type XapiActor = z.output<typeof XapiActor>;
export type XapiStatement = z.output<typeof XapiStatement>;

/** The verb IRI that voids an earlier statement. */
export const XAPI_VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided";
