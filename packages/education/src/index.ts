/**
 * The education vertical: an MCP extension for OneRoster 1.2 rosters and gradebooks,
 * QTI 3.0 assessment items, CASE 1.1 standards and xAPI 1.0.3 activity, with student
 * privacy (keyed pseudonyms, minimal fields, small-cell suppression, audit) and academic
 * integrity (answer keys author-only, proctored mode) enforced at the boundary.
 *
 * @packageDocumentation
 */

// The extension definition
export { educationExtension, EDUCATION_EXTENSION_ID } from "./extension.js";

// Schemas
export {
  EducationServerSettings,
  EducationClientSettings,
  EducationEffectiveSettings,
  EducationProfile,
  ActingRole,
  AllowedWrite,
  Audience,
  PrivacySettings,
  IntegritySettings,
  WriteSettings,
  StandardVersions,
  negotiateEducation,
} from "./schemas/settings.js";
export {
  OrStatus,
  OrRef,
  OrOrg,
  OrAcademicSession,
  OrCourse,
  OrClass,
  OrRoleType,
  OrUser,
  OrEnrollment,
  OrCategory,
  OrLineItem,
  OrScoreStatus,
  OrResult,
  LineItemExtras,
} from "./schemas/oneroster.js";
export { QtiInteractionType, QtiChoice, QtiInteraction, QtiResponseDeclaration, QtiOutcomeDeclaration, QtiRuleNode, QtiItem, QtiResponse } from "./schemas/qti.js";
export {
  CfLinkUri,
  CfLinkGenUri,
  CfDocument,
  CfItem,
  CfAssociationType,
  CfAssociation,
  CfConcept,
  CfSubject,
  CfLicense,
  CfItemType,
  CfAssociationGrouping,
  CfDefinitions,
  CfPackage,
} from "./schemas/case.js";
export {
  XapiAgent,
  XapiGroup,
  XapiActor,
  XapiVerb,
  XapiActivity,
  XapiActivityDefinition,
  XapiStatementRef,
  XapiScore,
  XapiResult,
  XapiContext,
  XapiAttachment,
  XapiSubStatement,
  XapiStatement,
  XapiLanguageMap,
  XapiExtensions,
  XAPI_VOIDED_VERB,
} from "./schemas/xapi.js";
export { isAbsoluteIri, isLanguageTag, isMailtoIri, isXapiTimestamp, isIsoDuration } from "./schemas/xapi-formats.js";
export { Pseudonym, NamedRef, ClassView, RosterEntry, WorkStatus, OwnResult, WorkItem, ResultView, WhoAmI } from "./schemas/views.js";

// Standards
export { parseQtiItem, candidateQtiXml, candidateQtiItem, scoreQtiResponse, buildQtiItemXml, QTI3_NAMESPACE, QTI3_RP_TEMPLATE_BASE, MAX_QTI_XML_BYTES, type QtiScore, type SimpleQtiItem } from "./standards/qti.js";
export { importOneRosterCsv, writeOneRosterCsv, parseCsv, parseManifest, rowsToRecords, MAX_CSV_BYTES, type Row as OneRosterCsvRow } from "./standards/oneroster-csv.js";
export {
  checkOneRosterCsvFiles,
  csvReportOf,
  importOneRosterCsvFiles,
  MAX_CSV_PROBLEMS,
  OneRosterCsvCheck,
  readCsvTable,
  type CsvCheckOptions,
  type CsvFileCount,
  type CsvTable,
  type CsvImportReport,
  type CsvProblem,
  type OneRosterCsvFiles,
} from "./standards/oneroster-csv-import.js";
export { CSV_COLUMNS, CSV_FILES, type CsvColumn, type OneRosterCsvVersion } from "./standards/oneroster-csv-columns.js";
export { serveOneRosterRest, OneRosterRestClient, ONEROSTER_SCOPES, type OneRosterRestClientOptions, type OneRosterRestServerOptions, type RunningOneRosterServer } from "./standards/oneroster-rest.js";
export { parseCasePackage, readCasePackageFile, fetchCasePackage, importCasePackage, MAX_CASE_PACKAGE_BYTES, CASE_PACKAGE_PATH, type FetchCasePackageOptions, type CaseImportReport } from "./standards/case-import.js";
export { XapiLrs, serveXapi, agentKey, validateXapiStatement, returnedStatement, XAPI_SERVER_AUTHORITY, XAPI_VERSION, type XapiServerOptions, type RunningXapiServer } from "./standards/xapi.js";

// Server
export {
  createEducationServer,
  createEducationRuntime,
  EDUCATION_SERVER_INFO,
  DEFAULT_PRINCIPAL,
  type EducationServerOptions,
  type EducationRuntime,
  type EducationRuntimeOptions,
} from "./server.js";
export type { EducationContext, EducationServices } from "./context.js";
export type { RosterBackend } from "./backend/roster-backend.js";
export { EducationStore, type EducationRecords, type OneRosterKind, type OneRosterRecordColumns, type StoredItem, type StoredStatement, type StoredXapiDocument } from "./backend/store.js";
export { PostgresEducationStore } from "./backend/postgres-store.js";
export { PrivacyGateway, type Actor, type PrivacyGatewayOptions } from "./backend/gateway.js";
export { generateSchool, loadSchool, loadContent, seedIfEmpty, SEED_AS_OF, SEED_FIRST_TEACHER, SEED_SMALL_CLASS, type SchoolOptions, type SyntheticSchool } from "./backend/seed.js";
export { seededFramework, seededItems, seededUuid, cfItemId, SEEDED_FRAMEWORK_ID } from "./backend/seed-content.js";

// Client
export { educationClient } from "./client.js";
