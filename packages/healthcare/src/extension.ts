import { defineExtension, verticalExtensionId } from "@mcp-verticals/core";
import {
  HealthcareClientSettings,
  HealthcareServerSettings,
  negotiateHealthcare,
  type HealthcareEffectiveSettings,
} from "./schemas/settings.js";
import { fhirCapabilitiesTool } from "./tools/fhir-capabilities.js";
import { fhirReadTool } from "./tools/fhir-read.js";
import { fhirSearchTool } from "./tools/fhir-search.js";
import { patientFindTool } from "./tools/patient-find.js";
import { patientEverythingTool } from "./tools/patient-everything.js";
import { terminologyLookupTool, terminologySearchTool, terminologyValidateTool } from "./tools/terminology.js";
import { fhirValidateTool } from "./tools/fhir-validate.js";
import { fhirWriteTool } from "./tools/fhir-write.js";
import { fhirBulkExportTool } from "./tools/fhir-bulk-export.js";
import { bulkExportFileResource } from "./resources/bulk-export-resource.js";
import { fhirResourceTemplate, metadataResource, patientSummaryResource, policyResource, terminologyResource } from "./resources/fhir-resources.js";
import { careGapsPrompt, labTrendPrompt, medicationReviewPrompt, patientSummaryPrompt, visitPrepPrompt } from "./prompts/clinical-prompts.js";

/** The id of the healthcare extension. */
export const HEALTHCARE_EXTENSION_ID = verticalExtensionId("healthcare");

/**
 * The healthcare extension: FHIR R4 tools with negotiated PHI handling.
 *
 * Negotiation: the stricter PHI mode of server and client wins; a client that did not declare
 * the extension gets safe-harbor and read-only, and every read tool still works.
 */
export const healthcareExtension = defineExtension({
  id: HEALTHCARE_EXTENSION_ID,
  title: "Healthcare (FHIR R4)",
  description: "FHIR R4 read, search, terminology, validation and confirmed writes, with negotiated PHI handling (identified, limited, Safe Harbor), patient context and SMART v2 scopes.",
  versions: ["2026-11-24"],
  serverSettings: HealthcareServerSettings,
  clientSettings: HealthcareClientSettings,
  negotiate: ({ server, client }): HealthcareEffectiveSettings => negotiateHealthcare(server, client),
  // What a clinician's assistant needs is served by default; writes join on a read-write server.
  toolsets: {
    read: { description: "Capabilities, one resource by id, a patient's whole record.", default: true },
    search: { description: "Search resources and find patients.", default: true },
    terminology: { description: "Look up codes and find codes by words.", default: true },
    write: { description: "Validate resources and codes; write resources with human approval (on by default with access read-write)." },
    bulk: { description: "Bulk Data $export into NDJSON files, as a task." },
  },
  tools: [
    fhirCapabilitiesTool,
    fhirReadTool,
    fhirSearchTool,
    patientFindTool,
    patientEverythingTool,
    terminologyLookupTool,
    terminologyValidateTool,
    terminologySearchTool,
    fhirValidateTool,
    fhirWriteTool,
    fhirBulkExportTool,
  ],
  resources: [metadataResource, fhirResourceTemplate, patientSummaryResource, terminologyResource, policyResource, bulkExportFileResource],
  prompts: [patientSummaryPrompt, medicationReviewPrompt, labTrendPrompt, careGapsPrompt, visitPrepPrompt],
});
