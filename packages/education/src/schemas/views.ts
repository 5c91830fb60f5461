import { z } from "zod";
import { integer } from "./lean.js";
import { ActingRole } from "./settings.js";

/** A pseudonymous learner or staff id: `p-` and 24 hex characters, stable per deployment key. */
export const Pseudonym = z.string().regex(/^p-[0-9a-f]{24}$/, "must be a pseudonym such as p-0123456789abcdef01234567").describe("Pseudonym (p-…).");

/** A reference to a OneRoster record by sourcedId and title. */
export const NamedRef = z.object({ sourcedId: z.string().describe("sourcedId."), title: z.string().describe("Title.") });

/** A class as tools return it. */
export const ClassView = z.object({
  classSourcedId: z.string().describe("Class sourcedId."),
  title: z.string().describe("Class title."),
  classCode: z.string().optional().describe("Class code."),
  course: NamedRef.describe("Course."),
  terms: z.array(NamedRef).describe("Terms."),
  subjects: z.array(z.string()).describe("Subjects."),
  periods: z.array(z.string()).describe("Periods."),
  myRole: z.enum(["teacher", "student", "aide", "administrator"]).describe("Your role."),
  cfItemIds: z.array(z.string()).describe("Aligned CASE CFItem ids."),
});

/** A roster entry: pseudonym and minimal fields only (no names, emails, phones, birth dates, SIS ids or demographics). */
export const RosterEntry = z.object({
  learner: Pseudonym,
  label: z.string().describe("Label from the pseudonym."),
  role: z.enum(["student", "teacher", "aide"]).describe("Role in the class."),
  grades: z.array(z.string()).describe("Grade levels."),
});

/** Status of a piece of work for a learner (or, for staff, the worst status across the class). */
export const WorkStatus = z.enum(["upcoming", "missing", "late", "graded", "submitted"]).describe("Status (staff: most urgent).");

/** A caller's own result on one piece of work. */
export const OwnResult = z.object({
  scoreStatus: z.string().describe("OneRoster scoreStatus."),
  score: z.number().optional().describe("Score."),
  scoreMaximum: z.number().describe("Maximum score."),
  late: z.boolean().describe("Submitted late."),
});

/** An assessable piece of work: a OneRoster line item (assignment or quiz) with its status. */
export const WorkItem = z.object({
  lineItemSourcedId: z.string().describe("Line item sourcedId."),
  classSourcedId: z.string().describe("Class sourcedId."),
  title: z.string().describe("Title."),
  kind: z.enum(["assignment", "quiz"]).describe("Kind."),
  assignDate: z.string().describe("Assigned."),
  dueDate: z.string().describe("Due."),
  pointsPossible: z.number().describe("Points possible."),
  category: z.string().describe("Category."),
  status: WorkStatus,
  published: z.boolean().describe("Visible to students."),
  cfItemIds: z.array(z.string()).describe("Aligned CASE CFItem ids."),
  counts: z
    .object({ graded: integer("Graded."), submitted: integer("Submitted."), late: integer("Late."), missing: integer("Missing."), upcoming: integer("Upcoming.") })
    .optional()
    .describe("Staff: learners per status."),
  own: OwnResult.optional().describe("Students: their own result."),
});

/** A result as tools return it. */
export const ResultView = z.object({
  lineItemSourcedId: z.string().describe("Line item sourcedId."),
  classSourcedId: z.string().describe("Class sourcedId."),
  learner: Pseudonym,
  scoreStatus: z.string().describe("OneRoster scoreStatus."),
  score: z.number().optional().describe("Score."),
  scoreMaximum: z.number().describe("Maximum score."),
  scoreDate: z.string().describe("Scored (ISO 8601)."),
  late: z.boolean().describe("Late."),
  missing: z.boolean().describe("Missing."),
  comment: z.string().optional().describe("Teacher comment, fenced as untrusted text."),
});

/** Who the caller is, as the server sees it. */
export const WhoAmI = z.object({
  actingRole: ActingRole,
  me: Pseudonym,
  roleSource: z.literal("authentication").describe("Role source."),
  negotiated: z.boolean().describe("Client declared the extension."),
  profiles: z.array(z.string()).describe("Profiles offered."),
  privacy: z
    .object({
      identity: z.string().describe("Identity rule."),
      fields: z.string().describe("Field rule."),
      audience: z.string().describe("Audience."),
      minCohort: integer("Smallest cohort shown."),
      retentionDays: integer("Days activity is kept."),
      trainingUse: z.boolean().describe("Training use allowed."),
    })
    .describe("Privacy rules."),
  integrity: z.object({ assessmentMode: z.string().describe("off, practice or proctored."), answerKeys: z.string().describe("Who sees answer keys.") }).describe("Integrity rules."),
  writes: z.object({ mode: z.string().describe("off or confirm."), allow: z.array(z.string()).describe("Writes allowed.") }).describe("Writes in force."),
});

/** Paging fields every list output carries. */
export const PageInfo = {
  truncated: z.boolean().describe("More pages."),
  nextCursor: z.string().optional().describe("Next page's cursor."),
  returned: integer("Items returned."),
};

export type ClassView = z.output<typeof ClassView>;
export type RosterEntry = z.output<typeof RosterEntry>;
export type WorkItem = z.output<typeof WorkItem>;
export type WorkStatus = z.output<typeof WorkStatus>;
export type ResultView = z.output<typeof ResultView>;
