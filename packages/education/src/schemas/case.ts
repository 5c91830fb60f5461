import { z } from "zod";

/** CASE 1.1 CFDocument: the header of a competency framework. */
export const CfDocument = z.object({
  identifier: z.string().min(1),
  uri: z.string().min(1),
  creator: z.string(),
  title: z.string(),
  lastChangeDateTime: z.string(),
  description: z.string().optional(),
  subject: z.array(z.string()).optional(),
  language: z.string().optional(),
  version: z.string().optional(),
  adoptionStatus: z.string().optional(),
  CFPackageURI: z.object({ title: z.string(), identifier: z.string(), uri: z.string() }).optional(),
});

/** CASE 1.1 CFItem: one competency statement. */
export const CfItem = z.object({
  identifier: z.string().min(1),
  uri: z.string().min(1),
  fullStatement: z.string(),
  humanCodingScheme: z.string().optional(),
  CFItemType: z.string().optional(),
  educationLevel: z.array(z.string()).optional(),
  lastChangeDateTime: z.string(),
  CFDocumentURI: z.object({ title: z.string(), identifier: z.string(), uri: z.string() }).optional(),
});

/** CASE 1.1 CFAssociation between two nodes. */
export const CfAssociation = z.object({
  identifier: z.string().min(1),
  uri: z.string().min(1),
  associationType: z.enum(["isChildOf", "isPeerOf", "isPartOf", "exactMatchOf", "precedes", "isRelatedTo", "replacedBy", "exemplar", "hasSkillLevel", "isTranslationOf"]),
  originNodeURI: z.object({ title: z.string(), identifier: z.string(), uri: z.string() }),
  destinationNodeURI: z.object({ title: z.string(), identifier: z.string(), uri: z.string() }),
  lastChangeDateTime: z.string(),
});

/** CASE 1.1 CFPackage: a whole framework as served at `/ims/case/v1p1/CFPackages/{id}`. */
export const CfPackage = z.object({
  CFDocument: CfDocument,
  CFItems: z.array(CfItem),
  CFAssociations: z.array(CfAssociation).default([]),
});

export type CfDocument = z.output<typeof CfDocument>;
export type CfItem = z.output<typeof CfItem>;
export type CfAssociation = z.output<typeof CfAssociation>;
export type CfPackage = z.output<typeof CfPackage>;
