import { z } from "zod";

/** Capability profiles a deployment can offer. */
export const EducationProfile = z.enum(["roster", "coursework", "gradebook", "assessment", "outcomes", "activity"]).describe("A capability profile.");

/** Roles a principal can hold; always taken from authentication, never from tool arguments. */
export const ActingRole = z.enum(["student", "teacher", "ta", "admin", "guardian"]).describe("Acting role, from authentication.");

/** Writes a deployment can allow. */
export const AllowedWrite = z.enum(["post_score", "create_assignment", "create_item", "record_activity", "import_framework", "import_roster"]).describe("A write the server may allow.");

/** Who the deployment serves; `under13` turns on the COPPA / GDPR-K rules. */
export const Audience = z.enum(["under13", "k12", "higher-ed"]).describe("Who the deployment serves (under13: COPPA / GDPR-K rules).");

/** Student-privacy rules the server enforces at its backend boundary. */
export const PrivacySettings = z.object({
  /** Students and teachers appear only as stable keyed pseudonyms. The only value in v1. */
  identity: z.literal("pseudonymous").default("pseudonymous").describe("People appear only as keyed pseudonyms."),
  /** Only minimal fields leave the server: no email, phone, birth date, SIS ids or demographics. */
  fields: z.literal("minimal").default("minimal").describe("Only minimal fields leave the server."),
  audience: Audience.default("k12"),
  /** Aggregates over fewer learners than this are suppressed. */
  minCohort: z.number().int().min(2).max(100).default(5).describe("Aggregates over fewer learners are suppressed."),
  /** Days activity statements are kept before they are purged. */
  retentionDays: z.number().int().min(1).max(3650).default(365).describe("Days activity statements are kept."),
  /** Whether data may be used to train models; always false in v1. */
  trainingUse: z.literal(false).default(false).describe("Data may never train models."),
}).describe("Student-privacy rules.");

/** Academic-integrity rules. */
export const IntegritySettings = z.object({
  /** `off`: students get no items; `practice`: candidate view and self-scoring; `proctored`: items and scoring hidden from students. */
  assessmentMode: z.enum(["off", "practice", "proctored"]).default("practice").describe("off: no items for students; practice: candidate view and self-scoring; proctored: hidden from students."),
  /** `author-only`: the answer key is shown only to the item's author (and admins); `teachers`: to any teacher. */
  answerKeys: z.enum(["author-only", "teachers"]).default("author-only").describe("Who sees answer keys: the item's author (and admins), or any teacher."),
  /** Practice attempts one student may score per item. */
  practiceAttempts: z.number().int().min(1).max(100).default(3).describe("Practice attempts one student may score per item."),
  /** `per-attempt`: each practice attempt is scored at once; `after-last-attempt`: scores are withheld until the last allowed attempt. */
  practiceFeedback: z.enum(["per-attempt", "after-last-attempt"]).default("per-attempt").describe("When a student sees practice scores."),
}).describe("Academic-integrity rules.");

/** Which writes are possible, and how they are confirmed. */
export const WriteSettings = z.object({
  /** `off`: no writes; `confirm`: preview, then confirm with a single-use token bound to the exact arguments. */
  mode: z.enum(["off", "confirm"]).default("off").describe("off: no writes; confirm: each write approved by a human."),
  allow: z.array(AllowedWrite).default([]).describe("Writes allowed."),
}).describe("Which writes are possible.");

/** The standard versions this extension speaks. */
export const StandardVersions = z.object({
  oneroster: z.literal("1.2").default("1.2").describe("OneRoster version."),
  qti: z.literal("3.0").default("3.0").describe("QTI version."),
  case: z.literal("1.1").default("1.1").describe("CASE version."),
  xapi: z.literal("1.0.3").default("1.0.3").describe("xAPI version."),
}).describe("Standard versions spoken.");

/** What the server advertises under `capabilities.extensions["io.github.mcp-verticals/education"]`. */
export const EducationServerSettings = z
  .object({
    profiles: z.array(EducationProfile).min(1).default(["roster", "coursework", "gradebook", "assessment", "outcomes", "activity"]).describe("Profiles offered."),
    standards: StandardVersions.default({ oneroster: "1.2", qti: "3.0", case: "1.1", xapi: "1.0.3" }),
    /** Where the acting role comes from (always authentication) and which roles are served. */
    actingRole: z
      .object({ source: z.literal("authentication").default("authentication").describe("Roles come from authentication."), roles: z.array(ActingRole).min(1).default(["student", "teacher", "ta", "admin"]).describe("Roles served.") })
      .default({ source: "authentication", roles: ["student", "teacher", "ta", "admin"] })
      .describe("Where the acting role comes from and which roles are served."),
    privacy: PrivacySettings.default({ identity: "pseudonymous", fields: "minimal", audience: "k12", minCohort: 5, retentionDays: 365, trainingUse: false }),
    integrity: IntegritySettings.default({ assessmentMode: "practice", answerKeys: "author-only", practiceAttempts: 3, practiceFeedback: "per-attempt" }),
    writes: WriteSettings.default({ mode: "off", allow: [] }),
    limits: z
      .object({ defaultPageSize: z.number().int().min(1).max(500).default(25).describe("Page size without limit."), maxPageSize: z.number().int().min(1).max(500).default(100).describe("Largest page.") })
      .default({ defaultPageSize: 25, maxPageSize: 100 })
      .describe("Paging limits."),
  })
  .refine((settings) => settings.privacy.audience !== "under13" || settings.privacy.retentionDays <= 365, {
    message: "an under13 audience requires retentionDays of at most 365",
    path: ["privacy", "retentionDays"],
  });

/** What a client declares. Strict: a typo is refused, not ignored. */
export const EducationClientSettings = z.strictObject({
  /**
   * How the client confirms writes. `token`: it shows the preview and returns the single-use token in a second call.
   * `elicitation`: the server asks the human through MCP form elicitation (2025 era, client with the elicitation
   * capability), falling back to `token` where it cannot ask.
   */
  confirmation: z.enum(["token", "elicitation"]).optional().describe("How the client confirms writes."),
  /** Formats the client can render, e.g. `text/markdown`, `application/qti+xml`. */
  renders: z.array(z.string().min(1).max(100)).max(20).optional().describe("Formats the client renders."),
  /** `pseudonym`: show pseudonyms; `local-map`: the client re-identifies locally from its own roster map. */
  identityDisplay: z.enum(["pseudonym", "local-map"]).optional().describe("How the client shows people."),
});

/** The settings in force for one request. */
export const EducationEffectiveSettings = z.object({
  negotiated: z.boolean().describe("Whether the client declared the extension."),
  profiles: z.array(EducationProfile).describe("Profiles offered."),
  privacy: z
    .object({
      identity: z.literal("pseudonymous").describe("Identity rule."),
      fields: z.literal("minimal").describe("Field rule."),
      audience: Audience,
      minCohort: z.number().int().describe("Minimum cohort."),
      retentionDays: z.number().int().describe("Retention in days."),
      trainingUse: z.literal(false).describe("Training use."),
    })
    .describe("Privacy rules."),
  integrity: z
    .object({
      assessmentMode: z.enum(["off", "practice", "proctored"]).describe("Assessment mode."),
      answerKeys: z.enum(["author-only", "teachers"]).describe("Who sees answer keys."),
      practiceAttempts: z.number().int().describe("Practice attempts per item."),
      practiceFeedback: z.enum(["per-attempt", "after-last-attempt"]).describe("When practice scores show."),
    })
    .describe("Integrity rules."),
  writes: z.object({ mode: z.enum(["off", "confirm"]).describe("Write mode."), allow: z.array(AllowedWrite).describe("Writes allowed.") }).describe("Writes in force."),
  confirmation: z.enum(["token", "elicitation"]).describe("Confirmation channel."),
  renders: z.array(z.string()).describe("Formats rendered."),
  identityDisplay: z.enum(["pseudonym", "local-map"]).describe("Identity display."),
  limits: z.object({ defaultPageSize: z.number().int().describe("Default page size."), maxPageSize: z.number().int().describe("Largest page.") }).describe("Paging limits."),
});

export type EducationProfile = z.output<typeof EducationProfile>;
export type ActingRole = z.output<typeof ActingRole>;
export type AllowedWrite = z.output<typeof AllowedWrite>;
export type EducationServerSettings = z.output<typeof EducationServerSettings>;
export type EducationClientSettings = z.output<typeof EducationClientSettings>;
export type EducationEffectiveSettings = z.output<typeof EducationEffectiveSettings>;

/**
 * Negotiates the settings for one request. A plain client (`client` undefined) gets the
 * safest service: pseudonymous, read-only, assessment locked to practice or stricter.
 */
export function negotiateEducation(server: EducationServerSettings, client: EducationClientSettings | undefined): EducationEffectiveSettings {
  const negotiated = client !== undefined;
  return {
    negotiated,
    profiles: server.profiles,
    privacy: { ...server.privacy },
    integrity: { ...server.integrity },
    writes: negotiated ? { mode: server.writes.mode, allow: server.writes.mode === "off" ? [] : [...server.writes.allow] } : { mode: "off", allow: [] },
    confirmation: client?.confirmation ?? "token",
    renders: client?.renders ?? ["text/markdown"],
    identityDisplay: client?.identityDisplay ?? "pseudonym",
    limits: { ...server.limits },
  };
}
