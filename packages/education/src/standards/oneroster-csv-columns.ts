import type { OneRosterKind } from "../backend/store.js";

/** How one CSV column becomes a field of the OneRoster record. */
export interface CsvColumn {
  /** The record field it fills; omitted for columns that are read but never stored (passwords, ids lists). */
  field?: string;
  type: "string" | "enum" | "number" | "boolean" | "list" | "ref" | "refList" | "truth";
  required?: boolean;
  values?: ReadonlySet<string>;
  /** `type` of the GUID reference. */
  refType?: string;
  /** Where the id goes in the index columns. */
  index?: "class" | "user" | "lineItem";
}

/** The OneRoster CSV bulk versions this importer reads. */
export type OneRosterCsvVersion = "1.1" | "1.2";

const set = (...values: string[]) => new Set(values);
const str = (field: string, required = false): CsvColumn => ({ field, type: "string", required });
const ref = (field: string, refType: string, required = false, index?: CsvColumn["index"]): CsvColumn => ({ field, type: "ref", refType, required, ...(index ? { index } : {}) });
const list = (field: string): CsvColumn => ({ field, type: "list" });
const skip: CsvColumn = { type: "string" };
const base = { sourcedId: str("sourcedId", true), status: { field: "status", type: "enum", values: set("active", "tobedeleted") } as CsvColumn, dateLastModified: str("dateLastModified") };

const ORG_TYPES = set("department", "school", "district", "local", "state", "national");
const SESSION_TYPES = set("gradingPeriod", "semester", "schoolYear", "term");
const USER_ROLES = set("administrator", "aide", "guardian", "parent", "proctor", "relative", "student", "teacher");
const ENROLLMENT_ROLES = set("administrator", "proctor", "student", "teacher", "aide");
const SCORE_STATUS = set("exempt", "fully graded", "not submitted", "partially graded", "submitted");

const COMMON: Partial<Record<OneRosterKind, Record<string, CsvColumn>>> = {
  orgs: { ...base, name: str("name", true), type: { field: "type", type: "enum", values: ORG_TYPES, required: true }, identifier: str("identifier"), parentSourcedId: ref("parent", "org") },
  academicSessions: {
    ...base,
    title: str("title", true),
    type: { field: "type", type: "enum", values: SESSION_TYPES, required: true },
    startDate: str("startDate", true),
    endDate: str("endDate", true),
    parentSourcedId: ref("parent", "academicSession"),
    schoolYear: str("schoolYear", true),
  },
  courses: {
    ...base,
    schoolYearSourcedId: ref("schoolYear", "academicSession"),
    title: str("title", true),
    courseCode: str("courseCode"),
    grades: list("grades"),
    orgSourcedId: ref("org", "org", true),
    subjects: list("subjects"),
    subjectCodes: skip,
  },
  classes: {
    ...base,
    title: str("title", true),
    grades: list("grades"),
    courseSourcedId: ref("course", "course", true),
    classCode: str("classCode"),
    classType: { field: "classType", type: "enum", values: set("homeroom", "scheduled"), required: true },
    location: str("location"),
    schoolSourcedId: ref("school", "org", true),
    termSourcedIds: { field: "terms", type: "refList", refType: "academicSession", required: true },
    subjects: list("subjects"),
    subjectCodes: skip,
    periods: list("periods"),
  },
  enrollments: {
    ...base,
    classSourcedId: ref("class", "class", true, "class"),
    schoolSourcedId: ref("school", "org", true),
    userSourcedId: ref("user", "user", true, "user"),
    role: { field: "role", type: "enum", values: ENROLLMENT_ROLES, required: true },
    primary: { field: "primary", type: "boolean" },
    beginDate: str("beginDate"),
    endDate: str("endDate"),
  },
};

const lineItems11: Record<string, CsvColumn> = {
  ...base,
  title: str("title", true),
  description: str("description"),
  assignDate: str("assignDate", true),
  dueDate: str("dueDate", true),
  classSourcedId: ref("class", "class", true, "class"),
  categorySourcedId: ref("category", "category", true),
  gradingPeriodSourcedId: ref("gradingPeriod", "academicSession"),
  resultValueMin: { field: "resultValueMin", type: "number", required: true },
  resultValueMax: { field: "resultValueMax", type: "number", required: true },
};
const results11: Record<string, CsvColumn> = {
  ...base,
  lineItemSourcedId: ref("lineItem", "lineItem", true, "lineItem"),
  studentSourcedId: ref("student", "user", true, "user"),
  scoreStatus: { field: "scoreStatus", type: "enum", values: SCORE_STATUS, required: true },
  score: { field: "score", type: "number" },
  scoreDate: str("scoreDate", true),
  comment: str("comment"),
};
const userPersonal = {
  enabledUser: { field: "enabledUser", type: "boolean", required: true } as CsvColumn,
  username: str("username"),
  userIds: skip,
  givenName: str("givenName", true),
  familyName: str("familyName", true),
  middleName: str("middleName"),
  identifier: str("identifier"),
  email: str("email"),
  sms: str("sms"),
  phone: str("phone"),
  agentSourcedIds: skip,
  grades: list("grades"),
  // Passwords are read past, never stored.
  password: skip,
};

/**
 * The columns of each bulk file per version (OneRoster 1.1 and 1.2 CSV bindings). In 1.1 a
 * user's role and orgs are columns of users.csv (`role`, `orgSourcedIds`); in 1.2 they moved
 * to roles.csv, users.csv gained `primaryOrgSourcedId` and the preferred names, categories
 * gained `weight`, lineItems `schoolSourcedId`, and results `classSourcedId`, `textScore`,
 * `late` and `missing`.
 */
export const CSV_COLUMNS: Record<OneRosterCsvVersion, Record<OneRosterKind | "roles", Record<string, CsvColumn>>> = {
  "1.1": {
    ...(COMMON as Record<OneRosterKind, Record<string, CsvColumn>>),
    categories: { ...base, title: str("title", true) },
    users: { ...base, ...userPersonal, orgSourcedIds: { type: "list" }, role: { type: "enum", values: USER_ROLES } },
    lineItems: lineItems11,
    results: results11,
    roles: {},
  },
  "1.2": {
    ...(COMMON as Record<OneRosterKind, Record<string, CsvColumn>>),
    courses: { ...COMMON.courses, resourceSourcedIds: skip },
    classes: { ...COMMON.classes, resourceSourcedIds: skip },
    categories: { ...base, title: str("title", true), weight: { field: "weight", type: "number" } },
    users: { ...base, ...userPersonal, userMasterIdentifier: skip, resourceSourcedIds: skip, preferredGivenName: skip, preferredMiddleName: skip, preferredFamilyName: skip, primaryOrgSourcedId: skip, pronouns: skip },
    lineItems: { ...lineItems11, schoolSourcedId: ref("school", "org") },
    results: { ...results11, classSourcedId: ref("class", "class", false, "class"), scoreScaleSourcedId: skip, textScore: skip, late: { field: "late", type: "truth" }, missing: { field: "missing", type: "truth" } },
    roles: {
      ...base,
      userSourcedId: str("userSourcedId", true),
      roleType: { field: "roleType", type: "enum", values: set("primary", "secondary"), required: true },
      role: { field: "role", type: "enum", values: USER_ROLES, required: true },
      beginDate: skip,
      endDate: skip,
      orgSourcedId: str("orgSourcedId", true),
      userProfileSourcedId: skip,
    },
  },
};

/** Bulk files in load order, by record kind. */
export const CSV_FILES: readonly [kind: OneRosterKind, file: string][] = [
  ["orgs", "orgs.csv"],
  ["academicSessions", "academicSessions.csv"],
  ["categories", "categories.csv"],
  ["courses", "courses.csv"],
  ["classes", "classes.csv"],
  ["users", "users.csv"],
  ["enrollments", "enrollments.csv"],
  ["lineItems", "lineItems.csv"],
  ["results", "results.csv"],
];
