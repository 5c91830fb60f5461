/**
 * A fast structural validator for the FHIR R4 resource types this package serves: element
 * names, cardinality of required elements, primitive formats (with calendar checks), required
 * value-set bindings (e.g. `Patient.gender`), choice types (one at most; required `[x]` present),
 * narrative shape, `_x` siblings, and Bundles with each entry's resource by its own type.
 */
import { bundleRuleIssues } from "./bundle.js";

/** One validation issue, shaped like an OperationOutcome issue. */
export interface ValidationIssue {
  severity: "error" | "warning";
  /** OperationOutcome issue type: `structure`, `required`, `value`, `code-invalid`, `invariant`, `not-found`, `not-supported`. */
  code: "structure" | "required" | "value" | "code-invalid" | "invariant" | "not-found" | "not-supported";
  /** FHIRPath-like location, e.g. `Patient.telecom[0].system`. */
  path: string;
  message: string;
}

type Kind =
  | "string" | "code" | "id" | "uri" | "boolean" | "integer" | "positiveInt" | "unsignedInt" | "decimal" | "date" | "dateTime" | "instant" | "markdown" | "xhtml" | "base64Binary" | "time"
  | "CodeableConcept" | "Coding" | "Reference" | "Identifier" | "HumanName" | "ContactPoint" | "Address" | "Period" | "Quantity" | "Annotation" | "Narrative" | "Meta" | "Extension" | "Attachment" | "Range" | "Ratio" | "Dosage" | "Timing" | "Age" | "BackboneElement" | "Resource" | "any";

interface Element {
  kind: Kind;
  array?: boolean;
  required?: boolean;
  /** Required binding codes. */
  codes?: readonly string[];
  /** Nested element definitions for BackboneElements. */
  children?: Record<string, Element>;
}

const e = (kind: Kind, extra: Omit<Element, "kind"> = {}): Element => ({ kind, ...extra });
const many = (kind: Kind, extra: Omit<Element, "kind"> = {}): Element => ({ kind, array: true, ...extra });
const req = (kind: Kind, extra: Omit<Element, "kind"> = {}): Element => ({ kind, required: true, ...extra });

/** `[x]` groups with min 1, per definition set (e.g. `MedicationRequest.medication[x]`). */
const REQUIRED_CHOICES = new WeakMap<Record<string, Element>, readonly string[]>();
/** Marks `[x]` groups of a definition set as required (cardinality 1..1). */
const withRequiredChoice = (definitions: Record<string, Element>, ...groups: string[]): Record<string, Element> => {
  REQUIRED_CHOICES.set(definitions, groups);
  return definitions;
};

const GENDER = ["male", "female", "other", "unknown"] as const;
/** Elements of every Resource (Bundle has only these). */
const BASE_RESOURCE: Record<string, Element> = { id: e("id"), meta: e("Meta"), implicitRules: e("uri"), language: e("code") };
/** Elements of every DomainResource. */
const RESOURCE_BASE: Record<string, Element> = {
  ...BASE_RESOURCE, text: e("Narrative"), contained: many("Resource"), extension: many("Extension"), modifierExtension: many("Extension"),
};

const DATA_TYPES: Partial<Record<Kind, Record<string, Element>>> = {
  Coding: { system: e("uri"), version: e("string"), code: e("code"), display: e("string"), userSelected: e("boolean") },
  CodeableConcept: { coding: many("Coding"), text: e("string") },
  Reference: { reference: e("string"), type: e("uri"), identifier: e("Identifier"), display: e("string") },
  Identifier: { use: e("code", { codes: ["usual", "official", "temp", "secondary", "old"] }), type: e("CodeableConcept"), system: e("uri"), value: e("string"), period: e("Period"), assigner: e("Reference") },
  HumanName: { use: e("code", { codes: ["usual", "official", "temp", "nickname", "anonymous", "old", "maiden"] }), text: e("string"), family: e("string"), given: many("string"), prefix: many("string"), suffix: many("string"), period: e("Period") },
  ContactPoint: { system: e("code", { codes: ["phone", "fax", "email", "pager", "url", "sms", "other"] }), value: e("string"), use: e("code", { codes: ["home", "work", "temp", "old", "mobile"] }), rank: e("positiveInt"), period: e("Period") },
  Address: { use: e("code", { codes: ["home", "work", "temp", "old", "billing"] }), type: e("code", { codes: ["postal", "physical", "both"] }), text: e("string"), line: many("string"), city: e("string"), district: e("string"), state: e("string"), postalCode: e("string"), country: e("string"), period: e("Period") },
  Period: { start: e("dateTime"), end: e("dateTime") },
  Quantity: { value: e("decimal"), comparator: e("code", { codes: ["<", "<=", ">=", ">"] }), unit: e("string"), system: e("uri"), code: e("code") },
  Age: { value: e("decimal"), comparator: e("code", { codes: ["<", "<=", ">=", ">"] }), unit: e("string"), system: e("uri"), code: e("code") },
  Range: { low: e("Quantity"), high: e("Quantity") },
  Ratio: { numerator: e("Quantity"), denominator: e("Quantity") },
  Annotation: { authorReference: e("Reference"), authorString: e("string"), time: e("dateTime"), text: req("markdown") },
  Narrative: { status: req("code", { codes: ["generated", "extensions", "additional", "empty"] }), div: req("xhtml") },
  Meta: { versionId: e("id"), lastUpdated: e("instant"), source: e("uri"), profile: many("uri"), security: many("Coding"), tag: many("Coding") },
  Attachment: { contentType: e("code"), language: e("code"), data: e("base64Binary"), url: e("uri"), size: e("unsignedInt"), hash: e("base64Binary"), title: e("string"), creation: e("dateTime") },
  Timing: { event: many("dateTime"), repeat: e("any"), code: e("CodeableConcept") },
  Dosage: { sequence: e("integer"), text: e("string"), additionalInstruction: many("CodeableConcept"), patientInstruction: e("string"), timing: e("Timing"), asNeededBoolean: e("boolean"), asNeededCodeableConcept: e("CodeableConcept"), site: e("CodeableConcept"), route: e("CodeableConcept"), method: e("CodeableConcept"), doseAndRate: many("any"), maxDosePerPeriod: e("Ratio"), maxDosePerAdministration: e("Quantity"), maxDosePerLifetime: e("Quantity") },
};

const VALUE_X: Record<string, Element> = {
  valueQuantity: e("Quantity"), valueCodeableConcept: e("CodeableConcept"), valueString: e("string"), valueBoolean: e("boolean"), valueInteger: e("integer"), valueRange: e("Range"), valueRatio: e("Ratio"), valueTime: e("time"), valueDateTime: e("dateTime"), valuePeriod: e("Period"), valueSampledData: e("any"),
};

const OBSERVATION_STATUS = ["registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"];

/** Element definitions per resource type (R4). */
const RESOURCES: Record<string, Record<string, Element>> = {
  Patient: {
    identifier: many("Identifier"), active: e("boolean"), name: many("HumanName"), telecom: many("ContactPoint"), gender: e("code", { codes: GENDER }), birthDate: e("date"),
    deceasedBoolean: e("boolean"), deceasedDateTime: e("dateTime"), address: many("Address"), maritalStatus: e("CodeableConcept"), multipleBirthBoolean: e("boolean"), multipleBirthInteger: e("integer"),
    photo: many("Attachment"), contact: many("BackboneElement", { children: { relationship: many("CodeableConcept"), name: e("HumanName"), telecom: many("ContactPoint"), address: e("Address"), gender: e("code", { codes: GENDER }), organization: e("Reference"), period: e("Period") } }),
    communication: many("BackboneElement", { children: { language: req("CodeableConcept"), preferred: e("boolean") } }), generalPractitioner: many("Reference"), managingOrganization: e("Reference"),
    link: many("BackboneElement", { children: { other: req("Reference"), type: req("code", { codes: ["replaced-by", "replaces", "refer", "seealso"] }) } }),
  },
  Practitioner: { identifier: many("Identifier"), active: e("boolean"), name: many("HumanName"), telecom: many("ContactPoint"), address: many("Address"), gender: e("code", { codes: GENDER }), birthDate: e("date"), photo: many("Attachment"), qualification: many("any"), communication: many("CodeableConcept") },
  Organization: { identifier: many("Identifier"), active: e("boolean"), type: many("CodeableConcept"), name: e("string"), alias: many("string"), telecom: many("ContactPoint"), address: many("Address"), partOf: e("Reference"), contact: many("any"), endpoint: many("Reference") },
  Encounter: {
    identifier: many("Identifier"), status: req("code", { codes: ["planned", "arrived", "triaged", "in-progress", "onleave", "finished", "cancelled", "entered-in-error", "unknown"] }), statusHistory: many("any"), class: req("Coding"), classHistory: many("any"),
    type: many("CodeableConcept"), serviceType: e("CodeableConcept"), priority: e("CodeableConcept"), subject: e("Reference"), episodeOfCare: many("Reference"), basedOn: many("Reference"),
    participant: many("BackboneElement", { children: { type: many("CodeableConcept"), period: e("Period"), individual: e("Reference") } }), appointment: many("Reference"), period: e("Period"), length: e("Quantity"),
    reasonCode: many("CodeableConcept"), reasonReference: many("Reference"), diagnosis: many("any"), account: many("Reference"), hospitalization: e("any"), location: many("any"), serviceProvider: e("Reference"), partOf: e("Reference"),
  },
  Condition: {
    identifier: many("Identifier"), clinicalStatus: e("CodeableConcept", { codes: ["active", "recurrence", "relapse", "inactive", "remission", "resolved"] }), verificationStatus: e("CodeableConcept", { codes: ["unconfirmed", "provisional", "differential", "confirmed", "refuted", "entered-in-error"] }),
    category: many("CodeableConcept"), severity: e("CodeableConcept"), code: e("CodeableConcept"), bodySite: many("CodeableConcept"), subject: req("Reference"), encounter: e("Reference"),
    onsetDateTime: e("dateTime"), onsetAge: e("Age"), onsetPeriod: e("Period"), onsetRange: e("Range"), onsetString: e("string"), abatementDateTime: e("dateTime"), abatementAge: e("Age"), abatementPeriod: e("Period"), abatementRange: e("Range"), abatementString: e("string"),
    recordedDate: e("dateTime"), recorder: e("Reference"), asserter: e("Reference"), stage: many("any"), evidence: many("any"), note: many("Annotation"),
  },
  Observation: {
    identifier: many("Identifier"), basedOn: many("Reference"), partOf: many("Reference"), status: req("code", { codes: OBSERVATION_STATUS }), category: many("CodeableConcept"), code: req("CodeableConcept"), subject: e("Reference"), focus: many("Reference"), encounter: e("Reference"),
    effectiveDateTime: e("dateTime"), effectivePeriod: e("Period"), effectiveInstant: e("instant"), issued: e("instant"), performer: many("Reference"), ...VALUE_X, dataAbsentReason: e("CodeableConcept"), interpretation: many("CodeableConcept"), note: many("Annotation"), bodySite: e("CodeableConcept"), method: e("CodeableConcept"), specimen: e("Reference"), device: e("Reference"),
    referenceRange: many("BackboneElement", { children: { low: e("Quantity"), high: e("Quantity"), type: e("CodeableConcept"), appliesTo: many("CodeableConcept"), age: e("Range"), text: e("string") } }), hasMember: many("Reference"), derivedFrom: many("Reference"),
    component: many("BackboneElement", { children: { code: req("CodeableConcept"), ...VALUE_X, dataAbsentReason: e("CodeableConcept"), interpretation: many("CodeableConcept"), referenceRange: many("any") } }),
  },
  MedicationRequest: withRequiredChoice({
    identifier: many("Identifier"), status: req("code", { codes: ["active", "on-hold", "cancelled", "completed", "entered-in-error", "stopped", "draft", "unknown"] }), statusReason: e("CodeableConcept"),
    intent: req("code", { codes: ["proposal", "plan", "order", "original-order", "reflex-order", "filler-order", "instance-order", "option"] }), category: many("CodeableConcept"), priority: e("code", { codes: ["routine", "urgent", "asap", "stat"] }), doNotPerform: e("boolean"),
    reportedBoolean: e("boolean"), reportedReference: e("Reference"), medicationCodeableConcept: e("CodeableConcept"), medicationReference: e("Reference"), subject: req("Reference"), encounter: e("Reference"), supportingInformation: many("Reference"), authoredOn: e("dateTime"), requester: e("Reference"),
    performer: e("Reference"), performerType: e("CodeableConcept"), recorder: e("Reference"), reasonCode: many("CodeableConcept"), reasonReference: many("Reference"), instantiatesCanonical: many("uri"), instantiatesUri: many("uri"), basedOn: many("Reference"), groupIdentifier: e("Identifier"),
    courseOfTherapyType: e("CodeableConcept"), insurance: many("Reference"), note: many("Annotation"), dosageInstruction: many("Dosage"), dispenseRequest: e("any"), substitution: e("BackboneElement", { children: withRequiredChoice({ allowedBoolean: e("boolean"), allowedCodeableConcept: e("CodeableConcept"), reason: e("CodeableConcept") }, "allowed") }), priorPrescription: e("Reference"), detectedIssue: many("Reference"), eventHistory: many("Reference"),
  }, "medication"),
  AllergyIntolerance: {
    identifier: many("Identifier"), clinicalStatus: e("CodeableConcept", { codes: ["active", "inactive", "resolved"] }), verificationStatus: e("CodeableConcept", { codes: ["unconfirmed", "confirmed", "refuted", "entered-in-error"] }), type: e("code", { codes: ["allergy", "intolerance"] }),
    category: many("code", { codes: ["food", "medication", "environment", "biologic"] }), criticality: e("code", { codes: ["low", "high", "unable-to-assess"] }), code: e("CodeableConcept"), patient: req("Reference"), encounter: e("Reference"),
    onsetDateTime: e("dateTime"), onsetAge: e("Age"), onsetPeriod: e("Period"), onsetRange: e("Range"), onsetString: e("string"), recordedDate: e("dateTime"), recorder: e("Reference"), asserter: e("Reference"), lastOccurrence: e("dateTime"), note: many("Annotation"),
    reaction: many("BackboneElement", { children: { substance: e("CodeableConcept"), manifestation: many("CodeableConcept", { required: true }), description: e("string"), onset: e("dateTime"), severity: e("code", { codes: ["mild", "moderate", "severe"] }), exposureRoute: e("CodeableConcept"), note: many("Annotation") } }),
  },
  Immunization: withRequiredChoice({
    identifier: many("Identifier"), status: req("code", { codes: ["completed", "entered-in-error", "not-done"] }), statusReason: e("CodeableConcept"), vaccineCode: req("CodeableConcept"), patient: req("Reference"), encounter: e("Reference"), occurrenceDateTime: e("dateTime"), occurrenceString: e("string"),
    recorded: e("dateTime"), primarySource: e("boolean"), reportOrigin: e("CodeableConcept"), location: e("Reference"), manufacturer: e("Reference"), lotNumber: e("string"), expirationDate: e("date"), site: e("CodeableConcept"), route: e("CodeableConcept"), doseQuantity: e("Quantity"),
    performer: many("BackboneElement", { children: { function: e("CodeableConcept"), actor: req("Reference") } }), note: many("Annotation"), reasonCode: many("CodeableConcept"), reasonReference: many("Reference"), isSubpotent: e("boolean"), subpotentReason: many("CodeableConcept"), education: many("any"), programEligibility: many("CodeableConcept"), fundingSource: e("CodeableConcept"), reaction: many("any"), protocolApplied: many("BackboneElement", { children: withRequiredChoice({ series: e("string"), authority: e("Reference"), targetDisease: many("CodeableConcept"), doseNumberPositiveInt: e("positiveInt"), doseNumberString: e("string"), seriesDosesPositiveInt: e("positiveInt"), seriesDosesString: e("string") }, "doseNumber") }),
  }, "occurrence"),
  Procedure: {
    identifier: many("Identifier"), instantiatesCanonical: many("uri"), instantiatesUri: many("uri"), basedOn: many("Reference"), partOf: many("Reference"), status: req("code", { codes: ["preparation", "in-progress", "not-done", "on-hold", "stopped", "completed", "entered-in-error", "unknown"] }), statusReason: e("CodeableConcept"),
    category: e("CodeableConcept"), code: e("CodeableConcept"), subject: req("Reference"), encounter: e("Reference"), performedDateTime: e("dateTime"), performedPeriod: e("Period"), performedString: e("string"), performedAge: e("Age"), performedRange: e("Range"), recorder: e("Reference"), asserter: e("Reference"),
    performer: many("BackboneElement", { children: { function: e("CodeableConcept"), actor: req("Reference"), onBehalfOf: e("Reference") } }), location: e("Reference"), reasonCode: many("CodeableConcept"), reasonReference: many("Reference"), bodySite: many("CodeableConcept"), outcome: e("CodeableConcept"), report: many("Reference"), complication: many("CodeableConcept"), complicationDetail: many("Reference"), followUp: many("CodeableConcept"), note: many("Annotation"), focalDevice: many("any"), usedReference: many("Reference"), usedCode: many("CodeableConcept"),
  },
  Provenance: {
    target: many("Reference", { required: true }), occurredPeriod: e("Period"), occurredDateTime: e("dateTime"), recorded: req("instant"), policy: many("uri"), location: e("Reference"), reason: many("CodeableConcept"), activity: e("CodeableConcept"),
    agent: many("BackboneElement", { required: true, children: { type: e("CodeableConcept"), role: many("CodeableConcept"), who: req("Reference"), onBehalfOf: e("Reference") } }), entity: many("any"), signature: many("any"),
  },
};

const BUNDLE_LINK = many("BackboneElement", { children: { relation: req("string"), url: req("uri") } });
RESOURCES.Bundle = {
  identifier: e("Identifier"),
  type: req("code", { codes: ["document", "message", "transaction", "transaction-response", "batch", "batch-response", "history", "searchset", "collection"] }),
  timestamp: e("instant"),
  total: e("unsignedInt"),
  link: BUNDLE_LINK,
  entry: many("BackboneElement", {
    children: {
      link: BUNDLE_LINK,
      fullUrl: e("uri"),
      resource: e("Resource"),
      search: e("BackboneElement", { children: { mode: e("code", { codes: ["match", "include", "outcome"] }), score: e("decimal") } }),
      request: e("BackboneElement", {
        children: { method: req("code", { codes: ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"] }), url: req("uri"), ifNoneMatch: e("string"), ifModifiedSince: e("instant"), ifMatch: e("string"), ifNoneExist: e("string") },
      }),
      response: e("BackboneElement", { children: { status: req("string"), location: e("uri"), etag: e("string"), lastModified: e("instant"), outcome: e("Resource") } }),
    },
  }),
  signature: e("any"),
};

/** Resource types the validator checks in depth. */
export const VALIDATED_RESOURCE_TYPES = Object.keys(RESOURCES);

const PATTERNS: Partial<Record<Kind, RegExp>> = {
  id: /^[A-Za-z0-9\-.]{1,64}$/,
  code: /^[^\s]+( [^\s]+)*$/,
  uri: /^\S*$/,
  date: /^(\d{4})(-(\d{2})(-(\d{2}))?)?$/,
  dateTime: /^(\d{4})(-(\d{2})(-(\d{2})(T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00)))?)?)?$/,
  instant: /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))$/,
  time: /^([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?$/,
  base64Binary: /^[A-Za-z0-9+/=\s]*$/,
};

function calendarOk(value: string): boolean {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(value);
  if (!match) return false;
  const month = match[2] === undefined ? 1 : Number(match[2]);
  if (month < 1 || month > 12) return false;
  if (match[3] === undefined) return true;
  const day = Number(match[3]);
  const year = Number(match[1]);
  const days = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day >= 1 && day <= days;
}

function checkPrimitive(kind: Kind, value: unknown, path: string, issues: ValidationIssue[]): boolean {
  const bad = (message: string) => {
    issues.push({ severity: "error", code: "value", path, message });
    return false;
  };
  switch (kind) {
    case "boolean":
      return typeof value === "boolean" || bad("expected a boolean");
    case "integer":
    case "positiveInt":
    case "unsignedInt":
      if (typeof value !== "number" || !Number.isInteger(value)) return bad("expected an integer");
      if (kind === "positiveInt" && value < 1) return bad("expected a positive integer");
      if (kind === "unsignedInt" && value < 0) return bad("expected a non-negative integer");
      return true;
    case "decimal":
      return (typeof value === "number" && Number.isFinite(value)) || bad("expected a number");
    default: {
      if (typeof value !== "string") return bad("expected a string");
      if (value.length === 0 || (kind !== "xhtml" && kind !== "markdown" && value.trim() !== value && kind !== "string")) return bad("empty or padded strings are not allowed");
      if (value.trim().length === 0) return bad("strings must not be empty");
      const pattern = PATTERNS[kind];
      if (pattern && !pattern.test(value)) return bad(`not a valid ${kind}`);
      if ((kind === "date" || kind === "dateTime" || kind === "instant") && !calendarOk(value)) return bad(`not a valid calendar ${kind}`);
      if (kind === "xhtml" && !/^<div[\s>]/.test(value.trim())) return bad("narrative must be a <div> element");
      if (kind === "xhtml" && !value.includes('xmlns="http://www.w3.org/1999/xhtml"')) return bad("narrative div must declare the XHTML namespace");
      return true;
    }
  }
}

const PRIMITIVES = new Set<Kind>(["string", "code", "id", "uri", "boolean", "integer", "positiveInt", "unsignedInt", "decimal", "date", "dateTime", "instant", "markdown", "xhtml", "base64Binary", "time"]);

interface Compiled {
  elements: Map<string, Element>;
  /** Choice element name → its `[x]` group, e.g. `valueQuantity` → `value`. */
  choiceOf: Map<string, string>;
  required: string[];
  /** `[x]` groups that need one of their choices. */
  requiredChoices: readonly string[];
}

/** Every `[x]` element name in the definitions below. */
const CHOICE_GROUPS = ["value", "onset", "abatement", "effective", "deceased", "multipleBirth", "occurrence", "performed", "medication", "reported", "occurred", "asNeeded", "author", "allowed", "doseNumber", "seriesDoses"];
const compiledCache = new WeakMap<Record<string, Element>, { resource?: Compiled; element?: Compiled }>();
const ELEMENT_BASE: Record<string, Element> = { id: e("string"), extension: many("Extension"), modifierExtension: many("Extension") };

/** Merges the base elements once per definition set, so validation does no per-object allocation of definitions. */
function compile(definitions: Record<string, Element>, isResource: boolean): Compiled {
  let entry = compiledCache.get(definitions);
  if (!entry) compiledCache.set(definitions, (entry = {}));
  const cached = isResource ? entry.resource : entry.element;
  if (cached) return cached;
  const base = isResource ? (definitions === RESOURCES.Bundle ? BASE_RESOURCE : RESOURCE_BASE) : ELEMENT_BASE;
  const elements = new Map(Object.entries({ ...base, ...definitions }));
  const choiceOf = new Map<string, string>();
  for (const key of elements.keys()) {
    // A choice element is its group name followed by a type name: valueQuantity, doseNumberPositiveInt.
    const group = CHOICE_GROUPS.find((name) => key.length > name.length && key.startsWith(name) && /[A-Z]/.test(key[name.length]!));
    if (group) choiceOf.set(key, group);
  }
  const compiled = {
    elements,
    choiceOf,
    required: Object.entries(definitions).filter(([, definition]) => definition.required).map(([key]) => key),
    requiredChoices: REQUIRED_CHOICES.get(definitions) ?? [],
  };
  if (isResource) entry.resource = compiled;
  else entry.element = compiled;
  return compiled;
}

function validateObject(value: unknown, definitions: Record<string, Element>, path: string, issues: ValidationIssue[], isResource: boolean): void {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    issues.push({ severity: "error", code: "structure", path, message: "expected an object" });
    return;
  }
  const record = value as Record<string, unknown>;
  const { elements, choiceOf, required, requiredChoices } = compile(definitions, isResource);
  let seenGroups: string[] | undefined;
  for (const key in record) {
    const child = record[key];
    if (isResource && key === "resourceType") continue;
    if (key.charCodeAt(0) === 95 /* _ */) {
      const base = elements.get(key.slice(1));
      if (!base || !PRIMITIVES.has(base.kind)) issues.push({ severity: "error", code: "structure", path: `${path}.${key}`, message: "unknown element" });
      else validatePrimitiveSibling(base, child, record[key.slice(1)], `${path}.${key}`, issues);
      continue;
    }
    const definition = elements.get(key);
    if (!definition) {
      issues.push({ severity: "error", code: "structure", path: `${path}.${key}`, message: "unknown element" });
      continue;
    }
    const group = choiceOf.get(key);
    if (group !== undefined) {
      if (seenGroups?.includes(group)) issues.push({ severity: "error", code: "structure", path: `${path}.${group}[x]`, message: "only one choice of this element is allowed" });
      else (seenGroups ??= []).push(group);
    }
    if (child === null) {
      issues.push({ severity: "error", code: "structure", path: `${path}.${key}`, message: "null is not allowed" });
      continue;
    }
    if (definition.array) {
      if (!Array.isArray(child)) {
        issues.push({ severity: "error", code: "structure", path: `${path}.${key}`, message: "expected an array" });
        continue;
      }
      if (child.length === 0) issues.push({ severity: "error", code: "structure", path: `${path}.${key}`, message: "arrays must not be empty" });
      const siblings = record[`_${key}`];
      for (let index = 0; index < child.length; index++) {
        // A repeating primitive may hold null where its `_x` sibling carries the id/extensions instead (R4 JSON §2.6.2).
        if (child[index] === null && PRIMITIVES.has(definition.kind) && Array.isArray(siblings) && isPlainObject(siblings[index])) continue;
        if (child[index] === null) {
          issues.push({ severity: "error", code: "structure", path: `${path}.${key}[${index}]`, message: "null is not allowed" });
          continue;
        }
        validateElement(definition, child[index], `${path}.${key}[${index}]`, issues);
      }
    } else {
      if (Array.isArray(child)) {
        issues.push({ severity: "error", code: "structure", path: `${path}.${key}`, message: "expected a single value, not an array" });
        continue;
      }
      validateElement(definition, child, `${path}.${key}`, issues);
    }
  }
  for (const key of required) {
    // A primitive given only by its `_x` sibling (e.g. a data-absent-reason extension) is present.
    if (record[key] === undefined && record[`_${key}`] === undefined) issues.push({ severity: "error", code: "required", path: `${path}.${key}`, message: "required element is missing" });
  }
  for (const group of requiredChoices) {
    if (!seenGroups?.includes(group) && !Object.keys(record).some((key) => key.startsWith("_") && choiceOf.get(key.slice(1)) === group)) {
      issues.push({ severity: "error", code: "required", path: `${path}.${group}[x]`, message: "required choice element is missing" });
    }
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The `_x` sibling of a primitive (R4 JSON §2.6.2): an object for a single value; for a repeating
 * value an array aligned with the values, holding null where a value has no id or extensions.
 */
function validatePrimitiveSibling(definition: Element, sibling: unknown, values: unknown, path: string, issues: ValidationIssue[]): void {
  if (!definition.array) {
    if (!isPlainObject(sibling)) {
      issues.push({ severity: "error", code: "structure", path, message: "the _ sibling of a single primitive must be an object" });
      return;
    }
    validateObject(sibling, EMPTY, path, issues, false);
    return;
  }
  if (!Array.isArray(sibling)) {
    issues.push({ severity: "error", code: "structure", path, message: "the _ sibling of a repeating primitive must be an array aligned with its values" });
    return;
  }
  if (Array.isArray(values) && values.length !== sibling.length) {
    issues.push({ severity: "error", code: "structure", path, message: "the _ sibling of a repeating primitive must have as many items as its values" });
  }
  for (let index = 0; index < sibling.length; index++) {
    const item = sibling[index];
    if (item === null) {
      const value = Array.isArray(values) ? values[index] : undefined;
      if (value === null || value === undefined) issues.push({ severity: "error", code: "structure", path: `${path}[${index}]`, message: "a repeating primitive needs a value or an _ sibling at each position" });
      continue;
    }
    validateObject(item, EMPTY, `${path}[${index}]`, issues, false);
  }
}

const EMPTY: Record<string, Element> = {};
const MAX_NESTING = 16;
let nesting = 0;

function validateElement(definition: Element, value: unknown, path: string, issues: ValidationIssue[]): void {
  const { kind } = definition;
  if (PRIMITIVES.has(kind)) {
    if (checkPrimitive(kind, value, path, issues) && definition.codes && !definition.codes.includes(value as string)) {
      issues.push({ severity: "error", code: "code-invalid", path, message: "the code is not in the required value set" });
    }
    return;
  }
  if (kind === "any") return;
  if (kind === "Resource") {
    // Bundles and contained resources nest; a bound keeps a hostile document from exhausting the stack.
    if (nesting >= MAX_NESTING) {
      issues.push({ severity: "error", code: "structure", path, message: `resources nest deeper than ${MAX_NESTING} levels` });
      return;
    }
    nesting++;
    try {
      issues.push(...validateResource(value).map((issue) => ({ ...issue, path: `${path}.${issue.path}` })));
    } finally {
      nesting--;
    }
    return;
  }
  if (kind === "Extension") {
    if (typeof value !== "object" || value === null || typeof (value as { url?: unknown }).url !== "string") issues.push({ severity: "error", code: "required", path: `${path}.url`, message: "extensions need a url" });
    return;
  }
  if (kind === "BackboneElement") {
    validateObject(value, definition.children ?? {}, path, issues, false);
    return;
  }
  validateObject(value, DATA_TYPES[kind] ?? {}, path, issues, false);
  if (kind === "CodeableConcept" && definition.codes) {
    const codes = ((value as { coding?: { code?: string }[] }).coding ?? []).map((coding) => coding.code);
    if (!codes.some((code) => code !== undefined && definition.codes!.includes(code))) issues.push({ severity: "error", code: "code-invalid", path, message: "no coding is in the required value set" });
  }
}

/**
 * Validates one FHIR R4 resource (JSON). Returns no issues for a valid resource.
 *
 * @example
 * ```ts
 * validateResource({ resourceType: "Patient", gender: "banana" }); // [{ code: "code-invalid", path: "Patient.gender", ... }]
 * ```
 */
export function validateResource(resource: unknown): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (typeof resource !== "object" || resource === null || Array.isArray(resource)) return [{ severity: "error", code: "structure", path: "", message: "a resource must be a JSON object" }];
  const resourceType = (resource as { resourceType?: unknown }).resourceType;
  if (typeof resourceType !== "string") return [{ severity: "error", code: "required", path: "resourceType", message: "resourceType is required" }];
  const definitions = RESOURCES[resourceType];
  if (!definitions) return [{ severity: "warning", code: "not-supported", path: resourceType, message: "this resource type is not validated in depth by this server" }];
  validateObject(resource, definitions, resourceType, issues, true);
  if (resourceType === "Bundle") issues.push(...bundleRuleIssues(resource as Record<string, unknown>));
  return issues;
}

/** Issues grouped by severity, code and message, with a count and up to three example paths. */
export interface GroupedIssue {
  severity: "error" | "warning";
  code: string;
  message: string;
  count: number;
  paths: string[];
}

/**
 * Groups issues (so one repeated mistake does not flood the output) and caps the groups.
 *
 * @example
 * ```ts
 * groupIssues(validateResource(bundleEntry), 20);
 * ```
 */
export function groupIssues(issues: readonly ValidationIssue[], maxGroups: number): { groups: GroupedIssue[]; truncated: boolean } {
  const groups = new Map<string, GroupedIssue>();
  for (const issue of issues) {
    const key = `${issue.severity}|${issue.code}|${issue.message}`;
    const group = groups.get(key) ?? { severity: issue.severity, code: issue.code, message: issue.message, count: 0, paths: [] };
    group.count += 1;
    if (group.paths.length < 3) group.paths.push(issue.path);
    groups.set(key, group);
  }
  const all = [...groups.values()].sort((a, b) => (a.severity === b.severity ? b.count - a.count : a.severity === "error" ? -1 : 1));
  return { groups: all.slice(0, maxGroups), truncated: all.length > maxGroups };
}
