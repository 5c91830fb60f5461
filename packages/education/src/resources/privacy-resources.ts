import { defineResource, ExtensionError } from "@mcp-verticals/core";
import { z } from "zod";
import type { EducationContext } from "../context.js";
import { CfPackage } from "../schemas/case.js";
import { OrAcademicSession, OrCategory, OrClass, OrCourse, OrEnrollment, OrLineItem, OrOrg, OrResult } from "../schemas/oneroster.js";
import { QtiItem } from "../schemas/qti.js";
import { EducationClientSettings, EducationEffectiveSettings, EducationServerSettings } from "../schemas/settings.js";
import { ClassView, ResultView, RosterEntry, WorkItem } from "../schemas/views.js";
import { XapiStatement } from "../schemas/xapi.js";

/** Schemas published under `edu://schema/{name}.json`. */
export const PUBLISHED_SCHEMAS: Record<string, z.ZodType> = {
  "server-settings": EducationServerSettings,
  "client-settings": EducationClientSettings,
  "effective-settings": EducationEffectiveSettings,
  "oneroster-org": OrOrg,
  "oneroster-academic-session": OrAcademicSession,
  "oneroster-course": OrCourse,
  "oneroster-class": OrClass,
  "oneroster-enrollment": OrEnrollment,
  "oneroster-category": OrCategory,
  "oneroster-line-item": OrLineItem,
  "oneroster-result": OrResult,
  "qti-item": QtiItem,
  "case-cfpackage": CfPackage,
  "xapi-statement": XapiStatement,
  "class-view": ClassView,
  "roster-entry": RosterEntry,
  "work-item": WorkItem,
  "result-view": ResultView,
};

/** `edu://privacy/manifest`: what data leaves the server and under which rules. */
export const privacyManifestResource = defineResource({
  name: "privacy-manifest",
  uri: "edu://privacy/manifest",
  description: "The privacy manifest (after the 1EdTech TrustEd Apps Generative AI Data Rubric): fields exposed, fields never exposed, identity handling, retention, consent, subprocessors, training use and AI-use disclosure.",
  mimeType: "application/json",
  read: (_uri, _vars, context: EducationContext) => ({
    mimeType: "application/json",
    text: JSON.stringify(
      {
        aiInUse: true,
        aiUseDisclosure: "Responses from this server are read by an AI assistant chosen by the school or user. The server itself runs no model.",
        identity: { mode: context.settings.privacy.identity, method: "HMAC-SHA256 keyed pseudonyms, stable per deployment key, computed at the backend boundary" },
        fieldsExposed: ["pseudonym", "role", "grade level", "enrollment", "scores and score status", "due dates", "pseudonymous xAPI statements"],
        fieldsNeverExposed: ["name", "email", "phone", "sms", "birth date", "SIS identifier", "username", "demographics", "address"],
        audience: context.settings.privacy.audience,
        minimumCohort: context.settings.privacy.minCohort,
        retention: { activityStatementsDays: context.settings.privacy.retentionDays, auditTrail: "kept by the school as its disclosure record" },
        consent: context.settings.privacy.audience === "under13" ? "Activity recording requires a recorded guardian consent; no free-text learner content is stored." : "Per school policy.",
        trainingUse: context.settings.privacy.trainingUse,
        subprocessors: [],
        network: "The embedded backend makes no outbound connections; a remote OneRoster provider is contacted only when configured.",
        integrity: context.settings.integrity,
        writes: context.settings.writes,
        auditTrail: "Every student-record access is appended to a hash-chained audit trail with keyed principal and subject ids (FERPA 34 CFR 99.32 disclosure record).",
      },
      null,
      2,
    ),
  }),
});

/** `edu://schema/{name}.json`: JSON Schema of a published zod type. */
export const schemaResource = defineResource({
  name: "schema",
  uri: "edu://schema/{name}.json",
  description: `JSON Schema of the extension's types: ${Object.keys(PUBLISHED_SCHEMAS).join(", ")}.`,
  mimeType: "application/schema+json",
  example: "edu://schema/oneroster-result.json",
  list: () => Object.keys(PUBLISHED_SCHEMAS).map((name) => ({ uri: `edu://schema/${name}.json`, name, mimeType: "application/schema+json" })),
  read: (_uri, { name }) => {
    const schema = PUBLISHED_SCHEMAS[name ?? ""];
    if (!schema) throw new ExtensionError("SCHEMA_NOT_FOUND", "no schema with that name");
    return { mimeType: "application/schema+json", text: JSON.stringify(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }), null, 2) };
  },
});
