import { z } from "zod";
import { ActingRole } from "./settings.js";

/** A pseudonymous learner or staff id: `p-` and 24 hex characters, stable per deployment key. */
export const Pseudonym = z.string().regex(/^p-[0-9a-f]{24}$/, "must be a pseudonym such as p-0123456789abcdef01234567");

/** A reference to a OneRoster record by sourcedId and title. */
export const NamedRef = z.object({ sourcedId: z.string(), title: z.string() });

/** A class as tools return it. */
export const ClassView = z.object({
  classSourcedId: z.string(),
  title: z.string(),
  classCode: z.string().optional(),
  course: NamedRef,
  terms: z.array(NamedRef),
  subjects: z.array(z.string()),
  periods: z.array(z.string()),
  /** The caller's role in this class. */
  myRole: z.enum(["teacher", "student", "aide", "administrator"]),
  cfItemIds: z.array(z.string()),
});

/** A roster entry: pseudonym and minimal fields only (no names, emails, phones, birth dates, SIS ids or demographics). */
export const RosterEntry = z.object({
  learner: Pseudonym,
  /** A display label derived from the pseudonym, never from the name. */
  label: z.string(),
  role: z.enum(["student", "teacher", "aide"]),
  grades: z.array(z.string()),
});

/** Status of a piece of work for a learner (or, for staff, the worst status across the class). */
export const WorkStatus = z.enum(["upcoming", "missing", "late", "graded", "submitted"]);

/** A caller's own result on one piece of work. */
export const OwnResult = z.object({
  scoreStatus: z.string(),
  score: z.number().optional(),
  scoreMaximum: z.number(),
  late: z.boolean(),
});

/** An assessable piece of work: a OneRoster line item (assignment or quiz) with its status. */
export const WorkItem = z.object({
  lineItemSourcedId: z.string(),
  classSourcedId: z.string(),
  title: z.string(),
  kind: z.enum(["assignment", "quiz"]),
  assignDate: z.string(),
  dueDate: z.string(),
  pointsPossible: z.number(),
  category: z.string(),
  status: WorkStatus,
  published: z.boolean(),
  cfItemIds: z.array(z.string()),
  /** Staff only: counts of learners per status. */
  counts: z.object({ graded: z.number().int(), submitted: z.number().int(), late: z.number().int(), missing: z.number().int(), upcoming: z.number().int() }).optional(),
  /** Students only: their own result. */
  own: OwnResult.optional(),
});

/** A result as tools return it. */
export const ResultView = z.object({
  lineItemSourcedId: z.string(),
  classSourcedId: z.string(),
  learner: Pseudonym,
  scoreStatus: z.string(),
  score: z.number().optional(),
  scoreMaximum: z.number(),
  scoreDate: z.string(),
  late: z.boolean(),
  missing: z.boolean(),
  /** Teacher-authored comment, fenced as untrusted text. */
  comment: z.string().optional(),
});

/** Who the caller is, as the server sees it. */
export const WhoAmI = z.object({
  actingRole: ActingRole,
  me: Pseudonym,
  roleSource: z.literal("authentication"),
  negotiated: z.boolean(),
  profiles: z.array(z.string()),
  privacy: z.object({ identity: z.string(), fields: z.string(), audience: z.string(), minCohort: z.number(), retentionDays: z.number(), trainingUse: z.boolean() }),
  integrity: z.object({ assessmentMode: z.string(), answerKeys: z.string() }),
  writes: z.object({ mode: z.string(), allow: z.array(z.string()) }),
});

/** Paging fields every list output carries. */
export const PageInfo = { truncated: z.boolean(), nextCursor: z.string().optional(), returned: z.number().int() };

export type ClassView = z.output<typeof ClassView>;
export type RosterEntry = z.output<typeof RosterEntry>;
export type WorkItem = z.output<typeof WorkItem>;
export type WorkStatus = z.output<typeof WorkStatus>;
export type ResultView = z.output<typeof ResultView>;
