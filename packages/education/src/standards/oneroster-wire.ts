import { ExtensionError } from "@mcp-verticals/core";
import type { z } from "zod";
import type { OneRosterKind } from "../backend/store.js";
import { OrAcademicSession, OrCategory, OrClass, OrCourse, OrEnrollment, OrLineItem, OrOrg, OrResult, OrUser } from "../schemas/oneroster.js";

/** Base paths of the two OneRoster 1.2 REST services this package speaks. */
export const ONEROSTER_SERVICE_PATHS = { rostering: "/ims/oneroster/rostering/v1p2", gradebook: "/ims/oneroster/gradebook/v1p2" } as const;

/** Which service serves each record kind. */
export const SERVICE_OF_KIND: Record<OneRosterKind, keyof typeof ONEROSTER_SERVICE_PATHS> = {
  orgs: "rostering",
  academicSessions: "rostering",
  courses: "rostering",
  classes: "rostering",
  users: "rostering",
  enrollments: "rostering",
  categories: "gradebook",
  lineItems: "gradebook",
  results: "gradebook",
};

/** The singular object name of each kind (the key of single-record payloads, and a reference's `type`). */
export const SINGULAR_OF_KIND: Record<OneRosterKind, string> = {
  orgs: "org",
  academicSessions: "academicSession",
  courses: "course",
  classes: "class",
  users: "user",
  enrollments: "enrollment",
  categories: "category",
  lineItems: "lineItem",
  results: "result",
};

/** Reference fields per kind, with the kind they point to (the binding requires `href`, `sourcedId` and `type` on each). */
const REFERENCES: Partial<Record<OneRosterKind, Record<string, OneRosterKind>>> = {
  orgs: { parent: "orgs", children: "orgs" },
  academicSessions: { parent: "academicSessions", children: "academicSessions" },
  courses: { org: "orgs", schoolYear: "academicSessions" },
  classes: { course: "courses", school: "orgs", terms: "academicSessions" },
  users: { primaryOrg: "orgs", agents: "users" },
  enrollments: { user: "users", class: "classes", school: "orgs" },
  lineItems: { class: "classes", school: "orgs", category: "categories", gradingPeriod: "academicSessions", academicSession: "academicSessions" },
  results: { lineItem: "lineItems", student: "users", class: "classes" },
};

/** Fields the 1.2 JSON binding carries as the strings `"true"`/`"false"` but this package holds as booleans. */
const BOOLEAN_STRINGS: Partial<Record<OneRosterKind, string[]>> = { users: ["enabledUser"], enrollments: ["primary"] };

/** Fields that are `YYYY-MM-DD` dates in the binding; this package may hold a full timestamp there. */
const DATE_ONLY: Partial<Record<OneRosterKind, string[]>> = { results: ["scoreDate"] };

/** User fields this package keeps that the 1.2 `UserDType` does not have (birth date lives in the demographics service). */
const NOT_IN_USER_BINDING = ["birthDate"];

/** 1.2 org roles this package reads as its `administrator` role. */
const ADMINISTRATOR_ROLES = new Set(["districtAdministrator", "siteAdministrator", "systemAdministrator", "principal"]);
/** Role values the 1.2 vocabularies lack, written as `ext:` extensions. */
const ENROLLMENT_ROLES_1P2 = new Set(["administrator", "proctor", "student", "teacher"]);
const USER_ROLES_1P2 = new Set(["aide", "counselor", "districtAdministrator", "guardian", "parent", "principal", "proctor", "relative", "siteAdministrator", "student", "systemAdministrator", "teacher"]);

const SCHEMA_OF_KIND: Record<OneRosterKind, z.ZodType> = {
  orgs: OrOrg,
  academicSessions: OrAcademicSession,
  courses: OrCourse,
  classes: OrClass,
  users: OrUser,
  enrollments: OrEnrollment,
  categories: OrCategory,
  lineItems: OrLineItem,
  results: OrResult,
};

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Writes one record in the OneRoster 1.2 REST/JSON binding: references carry an absolute `href`
 * and their `type`, `enabledUser`/`primary` become `"true"`/`"false"`, `scoreDate` a date,
 * role values outside the 1.2 vocabularies `ext:` extensions, and fields the binding does not
 * define are dropped.
 *
 * @example
 * ```ts
 * const wire = toOneRosterWire("enrollments", enrollment, "https://sis.example.org");
 * ```
 * @category Standards
 */
export function toOneRosterWire(kind: OneRosterKind, record: object, baseUrl: string): Json {
  const out: Json = {};
  for (const [field, value] of Object.entries(record)) {
    if (value === undefined) continue;
    if (kind === "users" && NOT_IN_USER_BINDING.includes(field)) continue;
    const target = REFERENCES[kind]?.[field];
    if (target) out[field] = Array.isArray(value) ? value.map((entry) => wireReference(entry, target, baseUrl)) : wireReference(value, target, baseUrl);
    else if (BOOLEAN_STRINGS[kind]?.includes(field)) out[field] = String(value === true || value === "true");
    else if (DATE_ONLY[kind]?.includes(field) && typeof value === "string") out[field] = value.slice(0, 10);
    else out[field] = value;
  }
  if (kind === "users" && Array.isArray(out.roles))
    out.roles = (out.roles as Json[]).map((role) => ({ ...role, role: extended(String(role.role), USER_ROLES_1P2), org: wireReference(role.org, "orgs", baseUrl) }));
  if (kind === "enrollments" && typeof out.role === "string") out.role = extended(out.role, ENROLLMENT_ROLES_1P2);
  return out;
}

/**
 * Reads one record from the OneRoster 1.2 REST/JSON binding into this package's types, or
 * throws `ONEROSTER_INVALID_RECORD` naming the first field that does not fit (never its value).
 * User roles and enrollments whose role this package does not know grant nothing: the role
 * entries are dropped, and an enrollment with such a role reads as `undefined`.
 *
 * @example
 * ```ts
 * const enrollment = fromOneRosterWire("enrollments", body.enrollment);
 * ```
 * @category Standards
 */
export function fromOneRosterWire<T>(kind: OneRosterKind, wire: unknown): T | undefined {
  if (!isObject(wire)) throw new ExtensionError("ONEROSTER_INVALID_RECORD", `the OneRoster provider sent a ${SINGULAR_OF_KIND[kind]} that is not an object`);
  const record: Json = { ...wire };
  for (const field of BOOLEAN_STRINGS[kind] ?? []) if (record[field] === "true" || record[field] === "false") record[field] = record[field] === "true";
  if (kind === "users" && Array.isArray(record.roles))
    record.roles = (record.roles as unknown[]).flatMap((entry) => {
      if (!isObject(entry)) return [];
      const role = internalRole(String(entry.role));
      return role && OrUser.shape.roles.element.shape.role.safeParse(role).success ? [{ ...entry, role }] : [];
    });
  if (kind === "enrollments" && typeof record.role === "string") {
    const role = internalRole(record.role);
    if (!role || !OrEnrollment.shape.role.safeParse(role).success) return undefined;
    record.role = role;
  }
  const parsed = SCHEMA_OF_KIND[kind].safeParse(record);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join(".") || SINGULAR_OF_KIND[kind];
    throw new ExtensionError("ONEROSTER_INVALID_RECORD", `the OneRoster provider sent a ${SINGULAR_OF_KIND[kind]} whose ${field} does not fit the OneRoster 1.2 model`, { field });
  }
  return parsed.data as T;
}

function wireReference(value: unknown, target: OneRosterKind, baseUrl: string): unknown {
  if (!isObject(value) || typeof value.sourcedId !== "string") return value;
  const href = `${baseUrl}${ONEROSTER_SERVICE_PATHS[SERVICE_OF_KIND[target]]}/${target}/${encodeURIComponent(value.sourcedId)}`;
  return { href, sourcedId: value.sourcedId, type: SINGULAR_OF_KIND[target] };
}

const extended = (role: string, vocabulary: Set<string>) => (vocabulary.has(role) || role.startsWith("ext:") ? role : `ext:${role}`);
const internalRole = (role: string) => (ADMINISTRATOR_ROLES.has(role) ? "administrator" : role.startsWith("ext:") ? role.slice(4) : role);
