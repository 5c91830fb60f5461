/**
 * @mcp-verticals/healthcare: the FHIR R4 extension for the Model Context Protocol. Typed,
 * bounded FHIR tools with negotiated PHI handling (identified, limited, Safe Harbor), patient
 * context and SMART v2 scopes; an embedded synthetic FHIR store, a FHIR REST facade for it,
 * and a remote FHIR backend with bearer or SMART Backend Services auth.
 *
 * @packageDocumentation
 */

// The extension definition
export { healthcareExtension, HEALTHCARE_EXTENSION_ID } from "./extension.js";

// Schemas and negotiation
export {
  HealthcareServerSettings,
  HealthcareClientSettings,
  HealthcareEffectiveSettings,
  PhiMode,
  FreeTextPolicy,
  OutputFormat,
  PatientContextMode,
  ResourceTypeName,
  SUPPORTED_RESOURCE_TYPES,
  negotiateHealthcare,
  stricterPhiMode,
} from "./schemas/settings.js";
export { FhirResourceJson, CompactResource, ResourceItem, toCompact, selectElements } from "./schemas/fhir.js";

// Server
export {
  createHealthcareServer,
  createHealthcareServices,
  HEALTHCARE_SERVER_INFO,
  type HealthcareServerOptions,
  type HealthcareServicesOptions,
} from "./server.js";
export type { HealthcareContext, HealthcareServices } from "./context.js";

// Backends
export type { FhirBackend, BackendPage } from "./backend/fhir-backend.js";
export { createEmbeddedFhirStore, capabilityStatementFor, type EmbeddedFhirStore } from "./backend/embedded-store.js";
export { generateSyntheticCorpus, type SyntheticCorpus, type SyntheticCorpusOptions } from "./backend/synthetic-data.js";
export { runSearch, SEARCH_PARAMETERS, type SearchParams, type SearchOutcome, type ParamDefinition, type ParamKind, type Getter } from "./backend/search-engine.js";
export { serveFhirRest, type FhirRestOptions, type RunningFhirRest, type BackendServicesClient } from "./backend/fhir-rest-server.js";
export { createRemoteFhirBackend, signJwt, type RemoteFhirOptions, type RemoteFhirAuth } from "./backend/remote-fhir.js";
export { createBundledTerminology, type TerminologyService } from "./backend/terminology.js";
export { SYSTEMS, ALL_CONCEPTS, VALUE_SETS, type Concept } from "./backend/terminology-data.js";

// PHI safety
export { deidentifyResource, scrubFreeText, createPseudonymRegistry, type DeidentifyOptions, type PseudonymRegistry } from "./phi/deidentify.js";
export { parseSmartScopes, requireScope, resourceWithinScopes, type SmartScope } from "./phi/smart-scopes.js";
export { AI_ASSERTED_LABEL } from "./tools/fhir-write.js";
export { registerConnectorTools } from "./tools/connector-tools.js";

// Validation
export { validateResource, groupIssues, VALIDATED_RESOURCE_TYPES, type ValidationIssue, type GroupedIssue } from "./validation/validate.js";

// Client
export { healthcareClient } from "./client.js";
