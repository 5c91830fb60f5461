import { z } from "zod";

/** OneRoster 1.2 record status. */
export const OrStatus = z.enum(["active", "tobedeleted"]);

/** A OneRoster 1.2 GUID reference (`{ href, sourcedId, type }`). */
export const OrRef = z.object({ href: z.string().optional(), sourcedId: z.string().min(1), type: z.string().optional() });

const base = {
  sourcedId: z.string().min(1).max(256),
  status: OrStatus.default("active"),
  dateLastModified: z.string(),
  metadata: z.record(z.string(), z.unknown()).optional(),
};

/** OneRoster 1.2 org (district, school, department…). */
export const OrOrg = z.object({
  ...base,
  name: z.string(),
  type: z.enum(["department", "school", "district", "local", "state", "national"]),
  identifier: z.string().optional(),
  parent: OrRef.optional(),
});

/** OneRoster 1.2 academic session (term, semester, school year, grading period). */
export const OrAcademicSession = z.object({
  ...base,
  title: z.string(),
  type: z.enum(["gradingPeriod", "semester", "schoolYear", "term"]),
  startDate: z.string(),
  endDate: z.string(),
  parent: OrRef.optional(),
  schoolYear: z.string(),
});

/** OneRoster 1.2 course. */
export const OrCourse = z.object({
  ...base,
  title: z.string(),
  courseCode: z.string().optional(),
  grades: z.array(z.string()).optional(),
  subjects: z.array(z.string()).optional(),
  org: OrRef,
  schoolYear: OrRef.optional(),
});

/** OneRoster 1.2 class (a section of a course in one or more terms). */
export const OrClass = z.object({
  ...base,
  title: z.string(),
  classCode: z.string().optional(),
  classType: z.enum(["homeroom", "scheduled"]).optional(),
  location: z.string().optional(),
  grades: z.array(z.string()).optional(),
  subjects: z.array(z.string()).optional(),
  course: OrRef,
  school: OrRef,
  terms: z.array(OrRef).min(1),
  periods: z.array(z.string()).optional(),
});

/** OneRoster 1.2 role type. */
export const OrRoleType = z.enum(["administrator", "aide", "guardian", "parent", "proctor", "relative", "student", "teacher"]);

/** OneRoster 1.2 user. Holds personal data: it never leaves the backend boundary as is. */
export const OrUser = z.object({
  ...base,
  enabledUser: z.boolean(),
  username: z.string().optional(),
  givenName: z.string(),
  familyName: z.string(),
  middleName: z.string().optional(),
  email: z.string().optional(),
  sms: z.string().optional(),
  phone: z.string().optional(),
  identifier: z.string().optional(),
  roles: z.array(z.object({ roleType: z.enum(["primary", "secondary"]), role: OrRoleType, org: OrRef })).min(1),
  grades: z.array(z.string()).optional(),
  birthDate: z.string().optional(),
});

/** OneRoster 1.2 enrollment. */
export const OrEnrollment = z.object({
  ...base,
  user: OrRef,
  class: OrRef,
  school: OrRef,
  role: z.enum(["administrator", "proctor", "student", "teacher", "aide"]),
  primary: z.boolean().optional(),
  beginDate: z.string().optional(),
  endDate: z.string().optional(),
});

/** OneRoster 1.2 category (gradebook weighting group). */
export const OrCategory = z.object({ ...base, title: z.string(), weight: z.number().optional() });

/** OneRoster 1.2 line item (a gradebook column: assignment or quiz). */
export const OrLineItem = z.object({
  ...base,
  title: z.string(),
  description: z.string().optional(),
  assignDate: z.string(),
  dueDate: z.string(),
  class: OrRef,
  school: OrRef.optional(),
  category: OrRef,
  gradingPeriod: OrRef.optional(),
  resultValueMin: z.number(),
  resultValueMax: z.number(),
});

/** OneRoster 1.2 score status of a result. */
export const OrScoreStatus = z.enum(["exempt", "fully graded", "not submitted", "partially graded", "submitted"]);

/** OneRoster 1.2 result (one learner's score on one line item). */
export const OrResult = z.object({
  ...base,
  lineItem: OrRef,
  student: OrRef,
  class: OrRef.optional(),
  scoreStatus: OrScoreStatus,
  score: z.number().optional(),
  scoreDate: z.string(),
  comment: z.string().optional(),
  late: z.enum(["true", "false"]).optional(),
  missing: z.enum(["true", "false"]).optional(),
});

export type OrOrg = z.output<typeof OrOrg>;
export type OrAcademicSession = z.output<typeof OrAcademicSession>;
export type OrCourse = z.output<typeof OrCourse>;
export type OrClass = z.output<typeof OrClass>;
export type OrUser = z.output<typeof OrUser>;
export type OrEnrollment = z.output<typeof OrEnrollment>;
export type OrCategory = z.output<typeof OrCategory>;
export type OrLineItem = z.output<typeof OrLineItem>;
export type OrResult = z.output<typeof OrResult>;

/** Extra fields this extension keeps in a line item's `metadata`. */
export const LineItemExtras = z.object({
  kind: z.enum(["assignment", "quiz"]).default("assignment"),
  qtiItemIds: z.array(z.string()).default([]),
  cfItemIds: z.array(z.string()).default([]),
  published: z.boolean().default(true),
  rubric: z.array(z.object({ criterion: z.string(), points: z.number() })).default([]),
});
export type LineItemExtras = z.output<typeof LineItemExtras>;
