import { z } from "zod";

// CASE 1.1 (1EdTech Competencies and Academic Standards Exchange, Final 2025-01-24), CFPackage
// data model. Objects are loose: every property a provider sends (including extensions and
// properties of later revisions) is kept, so an imported package is stored whole.

const dateTime = z.string().min(1).describe("ISO 8601 date-time.");
const date = z.string().describe("ISO 8601 date.");
const identifier = z.string().min(1).max(256).describe("The object's identifier (a UUID in CASE).");
const uri = z.string().min(1).max(2048).describe("The object's URI.");

/** A CASE LinkURI: title, identifier and uri of another object. */
export const CfLinkUri = z.looseObject({ title: z.string().describe("Title of the target."), identifier: z.string().min(1).describe("Identifier of the target."), uri: z.string().min(1).describe("URI of the target.") }).describe("CASE LinkURI.");

/** A CASE LinkGenURI (association end points): a LinkURI that may also name the target's type. */
export const CfLinkGenUri = z.looseObject({ ...CfLinkUri.shape, targetType: z.string().optional().describe("Type of the target, e.g. CFItem.") }).describe("CASE LinkGenURI.");

/** CASE 1.1 CFDocument: the header of a competency framework. */
export const CfDocument = z.looseObject({
  identifier,
  uri,
  frameworkType: z.string().optional().describe("Kind of framework."),
  caseVersion: z.string().optional().describe("CASE version of the package, e.g. 1.1."),
  creator: z.string().describe("Who created the framework."),
  title: z.string().describe("Title."),
  lastChangeDateTime: dateTime,
  officialSourceURL: z.string().optional().describe("URL of the official source."),
  publisher: z.string().optional(),
  description: z.string().optional(),
  subject: z.array(z.string()).optional().describe("Subjects covered."),
  subjectURI: z.array(CfLinkUri).optional(),
  language: z.string().optional().describe("RFC 5646 language."),
  version: z.string().optional(),
  adoptionStatus: z.string().optional().describe("e.g. Draft, Adopted, Deprecated."),
  statusStartDate: date.optional(),
  statusEndDate: date.optional(),
  licenseURI: CfLinkUri.optional(),
  notes: z.string().optional(),
  CFPackageURI: CfLinkUri.optional(),
}).describe("CASE 1.1 CFDocument.");

/** CASE 1.1 CFItem: one competency statement. */
export const CfItem = z.looseObject({
  identifier,
  uri,
  fullStatement: z.string().describe("The statement."),
  alternativeLabel: z.string().optional(),
  CFItemType: z.string().optional().describe("Type name, e.g. Standard."),
  humanCodingScheme: z.string().optional().describe("Human-readable code, e.g. MATH.ALG.1."),
  listEnumeration: z.string().optional(),
  abbreviatedStatement: z.string().optional(),
  conceptKeywords: z.array(z.string()).optional(),
  conceptKeywordsURI: CfLinkUri.optional(),
  notes: z.string().optional(),
  subject: z.array(z.string()).optional(),
  subjectURI: z.array(CfLinkUri).optional(),
  language: z.string().optional(),
  educationLevel: z.array(z.string()).optional().describe("Grade levels, e.g. 09."),
  CFItemTypeURI: CfLinkUri.optional(),
  licenseURI: CfLinkUri.optional(),
  statusStartDate: date.optional(),
  statusEndDate: date.optional(),
  lastChangeDateTime: dateTime,
  CFDocumentURI: CfLinkUri.optional(),
}).describe("CASE 1.1 CFItem.");

/** CASE 1.1 association types; `ext:` names are extensions. */
export const CfAssociationType = z
  .string()
  .refine(
    (value) => ["isChildOf", "isPeerOf", "isPartOf", "exactMatchOf", "precedes", "isRelatedTo", "replacedBy", "exemplar", "hasSkillLevel", "isTranslationOf"].includes(value) || /^ext:\S+$/.test(value),
    "associationType must be a CASE 1.1 association type or an ext: extension",
  )
  .describe("CASE association type.");

/** CASE 1.1 CFAssociation between two nodes. */
export const CfAssociation = z.looseObject({
  identifier,
  uri,
  associationType: CfAssociationType,
  sequenceNumber: z.number().int().optional().describe("Order among siblings."),
  originNodeURI: CfLinkGenUri,
  destinationNodeURI: CfLinkGenUri,
  CFAssociationGroupingURI: CfLinkUri.optional(),
  lastChangeDateTime: dateTime,
  notes: z.string().optional(),
  CFDocumentURI: CfLinkUri.optional(),
}).describe("CASE 1.1 CFAssociation.");

const definition = { identifier, uri, title: z.string().describe("Title."), description: z.string().optional(), lastChangeDateTime: dateTime };

/** CASE 1.1 CFConcept. */
export const CfConcept = z.looseObject({ ...definition, keywords: z.string().optional(), hierarchyCode: z.string().optional() }).describe("CASE CFConcept.");
/** CASE 1.1 CFSubject. */
export const CfSubject = z.looseObject({ ...definition, hierarchyCode: z.string().optional() }).describe("CASE CFSubject.");
/** CASE 1.1 CFLicense. */
export const CfLicense = z.looseObject({ ...definition, licenseText: z.string().optional() }).describe("CASE CFLicense.");
/** CASE 1.1 CFItemType. */
export const CfItemType = z.looseObject({ ...definition, hierarchyCode: z.string().optional(), typeCode: z.string().optional() }).describe("CASE CFItemType.");
/** CASE 1.1 CFAssociationGrouping. */
export const CfAssociationGrouping = z.looseObject({ ...definition }).describe("CASE CFAssociationGrouping.");

/** CASE 1.1 CFDefinitions: the vocabularies a package's objects point to. */
export const CfDefinitions = z.looseObject({
  CFConcepts: z.array(CfConcept).optional(),
  CFSubjects: z.array(CfSubject).optional(),
  CFLicenses: z.array(CfLicense).optional(),
  CFItemTypes: z.array(CfItemType).optional(),
  CFAssociationGroupings: z.array(CfAssociationGrouping).optional(),
}).describe("CASE CFDefinitions.");

/** CASE 1.1 CFPackage: a whole framework as served at `/ims/case/v1p1/CFPackages/{id}`. */
export const CfPackage = z.looseObject({
  CFDocument: CfDocument,
  CFItems: z.array(CfItem).default([]),
  CFAssociations: z.array(CfAssociation).default([]),
  CFDefinitions: CfDefinitions.optional(),
  CFRubrics: z.array(z.looseObject({ identifier, uri })).optional().describe("CASE CFRubrics, kept as sent."),
}).describe("CASE 1.1 CFPackage.");

export type CfDocument = z.output<typeof CfDocument>;
export type CfItem = z.output<typeof CfItem>;
export type CfAssociation = z.output<typeof CfAssociation>;
export type CfDefinitions = z.output<typeof CfDefinitions>;
export type CfPackage = z.output<typeof CfPackage>;
