import { defineExtension, verticalExtensionId } from "@mcp-verticals/core";
import { EducationClientSettings, EducationServerSettings, negotiateEducation, type EducationEffectiveSettings } from "./schemas/settings.js";
import { whoamiTool } from "./tools/whoami.js";
import { listClassesTool } from "./tools/list-classes.js";
import { getClassTool } from "./tools/get-class.js";
import { listRosterTool } from "./tools/list-roster.js";
import { listWorkTool } from "./tools/list-work.js";
import { getWorkTool } from "./tools/get-work.js";
import { listResultsTool } from "./tools/list-results.js";
import { gradebookSummaryTool } from "./tools/gradebook-summary.js";
import { postScoreTool } from "./tools/post-score.js";
import { createAssignmentTool } from "./tools/create-assignment.js";
import { searchItemsTool } from "./tools/search-items.js";
import { getItemTool } from "./tools/get-item.js";
import { createItemTool } from "./tools/create-item.js";
import { scoreResponseTool } from "./tools/score-response.js";
import { searchOutcomesTool } from "./tools/search-outcomes.js";
import { recordActivityTool } from "./tools/record-activity.js";
import { queryActivityTool } from "./tools/query-activity.js";
import { importFrameworkTool } from "./tools/import-framework.js";
import { importRosterTool } from "./tools/import-roster.js";
import { exportResultsTool } from "./tools/export-results.js";
import { classResource, learnerRecordResource, lineItemResource, rosterResource, syllabusResource } from "./resources/class-resources.js";
import { frameworkItemResource, frameworkResource, itemQtiResource, itemResource } from "./resources/content-resources.js";
import { privacyManifestResource, schemaResource } from "./resources/privacy-resources.js";
import { gradebookExportResource } from "./resources/gradebook-export-resource.js";
import { educationPrompts } from "./prompts/prompts.js";

/** The id of the education extension. */
export const EDUCATION_EXTENSION_ID = verticalExtensionId("education");

/**
 * The education extension: OneRoster 1.2 rostering and gradebook, QTI 3.0 items, CASE 1.1
 * standards and xAPI 1.0.3 activity, with privacy and integrity enforced at the boundary.
 *
 * Fallback: a client that did not negotiate gets pseudonymous, read-only service (writes off).
 */
export const educationExtension = defineExtension({
  id: EDUCATION_EXTENSION_ID,
  title: "Education (OneRoster, QTI, CASE, xAPI)",
  description: "LMS-neutral, privacy-first education extension: rosters, coursework, gradebook, assessment items, standards and learning activity.",
  versions: ["2026-12-01"],
  serverSettings: EducationServerSettings,
  clientSettings: EducationClientSettings,
  negotiate: ({ server, client }): EducationEffectiveSettings => negotiateEducation(server, client),
  // The default fits a model's budget (tools/list ≤ 12 KB): a teacher's overview. Operators add the rest, e.g. `--toolsets default,details,grading`.
  toolsets: {
    overview: { description: "Who am I, my classes, rosters, work due and class summaries (read-only).", default: true },
    details: { description: "One class or piece of work in full, and gradebook results." },
    grading: { description: "Post scores, create assignments, export results.csv (each write approved by a human)." },
    assessment: { description: "QTI item bank: search, read, create, practice scoring." },
    standards: { description: "CASE standards: search and import." },
    activity: { description: "xAPI learning activity: record and query." },
    import: { description: "OneRoster CSV roster import." },
  },
  tools: [
    whoamiTool,
    listClassesTool,
    getClassTool,
    listRosterTool,
    listWorkTool,
    getWorkTool,
    listResultsTool,
    gradebookSummaryTool,
    postScoreTool,
    createAssignmentTool,
    searchItemsTool,
    getItemTool,
    createItemTool,
    scoreResponseTool,
    searchOutcomesTool,
    importFrameworkTool,
    importRosterTool,
    exportResultsTool,
    recordActivityTool,
    queryActivityTool,
  ],
  resources: [
    classResource,
    syllabusResource,
    rosterResource,
    lineItemResource,
    itemResource,
    itemQtiResource,
    frameworkResource,
    frameworkItemResource,
    learnerRecordResource,
    privacyManifestResource,
    schemaResource,
    gradebookExportResource,
  ],
  prompts: educationPrompts,
  methods: [],
});
