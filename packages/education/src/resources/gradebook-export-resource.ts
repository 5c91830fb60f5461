import { defineResource, ExtensionError } from "@mcp-verticals/core";
import type { EducationContext } from "../context.js";
import { gradebookExportStore, readGradebookExport } from "../standards/gradebook-export.js";
import { auditAccess, callerOf } from "../tools/shared.js";

/** `edu-export://{exportId}/results.csv`: the OneRoster results.csv of a finished `edu_export_results`. */
export const gradebookExportResource = defineResource({
  name: "gradebook_export",
  title: "Gradebook export (OneRoster results.csv)",
  uri: "edu-export://{exportId}/results.csv",
  description:
    "The OneRoster 1.2 results.csv a finished edu_export_results produced: learners as pseudonyms, comments fenced as untrusted text. Readable only by the caller that exported it, while they can still read the class, until it expires (one hour).",
  mimeType: "text/csv",
  read: async (_uri, { exportId = "" }, context: EducationContext) => {
    const actor = await callerOf(context, "gradebook");
    const found = await readGradebookExport(gradebookExportStore(context.state), exportId);
    // Another caller's export reads exactly like a missing one; access to the class is checked again for the reader.
    if (!found || found.owner !== (context.principal?.id ?? "")) throw new ExtensionError("NOT_FOUND", "no export with that id is available to you (it may have expired)", { field: "uri" });
    await context.services.gateway.classRole(actor, found.classSourcedId);
    await auditAccess(context, "resources/read:gradebook_export", actor, [actor.userId], "results-export-read");
    return { mimeType: "text/csv", text: found.csv };
  },
});
