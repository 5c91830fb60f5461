/** FHIR canonical URIs of the code systems the bundled terminology covers. */
export const SYSTEMS = {
  loinc: "http://loinc.org",
  snomed: "http://snomed.info/sct",
  rxnorm: "http://www.nlm.nih.gov/research/umls/rxnorm",
  cvx: "http://hl7.org/fhir/sid/cvx",
  ucum: "http://unitsofmeasure.org",
  observationCategory: "http://terminology.hl7.org/CodeSystem/observation-category",
  actCode: "http://terminology.hl7.org/CodeSystem/v3-ActCode",
  conditionClinical: "http://terminology.hl7.org/CodeSystem/condition-clinical",
  conditionCategory: "http://terminology.hl7.org/CodeSystem/condition-category",
  allergyClinical: "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
  administrativeGender: "http://hl7.org/fhir/administrative-gender",
} as const;

/** Short names accepted in `terminology://{system}/{code}` URIs. */
export const SYSTEM_ALIASES: Record<string, string> = {
  loinc: SYSTEMS.loinc,
  snomed: SYSTEMS.snomed,
  sct: SYSTEMS.snomed,
  rxnorm: SYSTEMS.rxnorm,
  cvx: SYSTEMS.cvx,
};

/** One concept of the bundled subset. */
export interface Concept {
  system: string;
  code: string;
  display: string;
  /** Extra properties ($lookup `property`), e.g. LOINC `class` or the usual UCUM unit. */
  properties?: Record<string, string>;
  /** Synonyms ($lookup `designation`). */
  synonyms?: string[];
}

const loinc = (code: string, display: string, unit: string, loincClass: string, synonyms: string[] = []): Concept => ({
  system: SYSTEMS.loinc,
  code,
  display,
  properties: { unit, CLASS: loincClass },
  synonyms,
});
const snomed = (code: string, display: string, hierarchy: string, synonyms: string[] = []): Concept => ({
  system: SYSTEMS.snomed,
  code,
  display,
  properties: { hierarchy },
  synonyms,
});
const rxnorm = (code: string, display: string, ingredient: string): Concept => ({
  system: SYSTEMS.rxnorm,
  code,
  display,
  properties: { ingredient, tty: "SCD" },
  synonyms: [ingredient],
});
const cvx = (code: string, display: string): Concept => ({ system: SYSTEMS.cvx, code, display });

/** Vital-sign LOINC codes with their UCUM unit. */
export const VITAL_CODES = {
  heartRate: loinc("8867-4", "Heart rate", "/min", "HRTRATE.ATOM", ["Pulse"]),
  systolic: loinc("8480-6", "Systolic blood pressure", "mm[Hg]", "BP.ATOM", ["SBP"]),
  diastolic: loinc("8462-4", "Diastolic blood pressure", "mm[Hg]", "BP.ATOM", ["DBP"]),
  weight: loinc("29463-7", "Body weight", "kg", "BDYWGT.ATOM"),
  height: loinc("8302-2", "Body height", "cm", "BDYHGT.ATOM"),
  bmi: loinc("39156-5", "Body mass index (BMI) [Ratio]", "kg/m2", "BMI.ATOM", ["BMI"]),
  temperature: loinc("8310-5", "Body temperature", "Cel", "BDYTMP.ATOM"),
  oxygenSaturation: loinc("2708-6", "Oxygen saturation in Arterial blood", "%", "BLDGAS", ["SpO2"]),
  respiratoryRate: loinc("9279-1", "Respiratory rate", "/min", "RESP"),
} as const;

/** Laboratory LOINC codes with their UCUM unit. */
export const LAB_CODES = {
  hba1c: loinc("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood", "%", "CHEM", ["HbA1c", "A1c"]),
  glucose: loinc("2345-7", "Glucose [Mass/volume] in Serum or Plasma", "mg/dL", "CHEM", ["Blood sugar"]),
  cholesterol: loinc("2093-3", "Cholesterol [Mass/volume] in Serum or Plasma", "mg/dL", "CHEM", ["Total cholesterol"]),
  hdl: loinc("2085-9", "Cholesterol in HDL [Mass/volume] in Serum or Plasma", "mg/dL", "CHEM", ["HDL"]),
  ldl: loinc("13457-7", "Cholesterol in LDL [Mass/volume] in Serum or Plasma by calculation", "mg/dL", "CHEM", ["LDL"]),
  triglycerides: loinc("2571-8", "Triglyceride [Mass/volume] in Serum or Plasma", "mg/dL", "CHEM"),
  creatinine: loinc("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL", "CHEM"),
  potassium: loinc("2823-3", "Potassium [Moles/volume] in Serum or Plasma", "mmol/L", "CHEM"),
  sodium: loinc("2951-2", "Sodium [Moles/volume] in Serum or Plasma", "mmol/L", "CHEM"),
  hemoglobin: loinc("718-7", "Hemoglobin [Mass/volume] in Blood", "g/dL", "HEM/BC", ["Hgb"]),
  leukocytes: loinc("6690-2", "Leukocytes [#/volume] in Blood by Automated count", "10*3/uL", "HEM/BC", ["WBC"]),
} as const;

/** Conditions (SNOMED CT) with the RxNorm medications that treat them. */
export const CONDITION_CODES = {
  diabetes: snomed("44054006", "Diabetes mellitus type 2 (disorder)", "disorder", ["Type 2 diabetes", "T2DM"]),
  hypertension: snomed("38341003", "Hypertensive disorder, systemic arterial (disorder)", "disorder", ["Hypertension", "High blood pressure"]),
  hyperlipidemia: snomed("55822004", "Hyperlipidemia (disorder)", "disorder", ["High cholesterol"]),
  asthma: snomed("195967001", "Asthma (disorder)", "disorder"),
  copd: snomed("13645005", "Chronic obstructive lung disease (disorder)", "disorder", ["COPD"]),
  depression: snomed("35489007", "Depressive disorder (disorder)", "disorder", ["Depression"]),
  atrialFibrillation: snomed("49436004", "Atrial fibrillation (disorder)", "disorder", ["AFib"]),
  ckd: snomed("709044004", "Chronic kidney disease (disorder)", "disorder", ["CKD"]),
  obesity: snomed("162864005", "Body mass index 30+ - obesity (finding)", "finding", ["Obesity"]),
  osteoarthritisKnee: snomed("239873007", "Osteoarthritis of knee (disorder)", "disorder"),
  sinusitis: snomed("444814009", "Viral sinusitis (disorder)", "disorder"),
  bronchitis: snomed("10509002", "Acute bronchitis (disorder)", "disorder"),
} as const;

/** Medications (RxNorm clinical drugs). */
export const MEDICATION_CODES = {
  metformin: rxnorm("861007", "metformin hydrochloride 500 MG Oral Tablet", "metformin"),
  lisinopril: rxnorm("314076", "lisinopril 10 MG Oral Tablet", "lisinopril"),
  amlodipine: rxnorm("197361", "amlodipine 5 MG Oral Tablet", "amlodipine"),
  atorvastatin: rxnorm("617310", "atorvastatin 20 MG Oral Tablet", "atorvastatin"),
  albuterol: rxnorm("745679", "200 ACTUAT albuterol 0.09 MG/ACTUAT Metered Dose Inhaler", "albuterol"),
  hydrochlorothiazide: rxnorm("310798", "hydrochlorothiazide 25 MG Oral Tablet", "hydrochlorothiazide"),
  warfarin: rxnorm("855332", "warfarin sodium 5 MG Oral Tablet", "warfarin"),
  sertraline: rxnorm("312938", "sertraline 100 MG Oral Tablet", "sertraline"),
  acetaminophen: rxnorm("313782", "acetaminophen 325 MG Oral Tablet", "acetaminophen"),
} as const;

/** Allergies (SNOMED CT findings). */
export const ALLERGY_CODES = {
  penicillin: snomed("91936005", "Allergy to penicillin (finding)", "finding"),
  peanut: snomed("91935009", "Allergy to peanuts (finding)", "finding"),
  shellfish: snomed("300913006", "Shellfish allergy (finding)", "finding"),
  grassPollen: snomed("418689008", "Allergy to grass pollen (finding)", "finding"),
  mould: snomed("419474003", "Allergy to mould (finding)", "finding"),
  dander: snomed("232347008", "Dander (animal) allergy (finding)", "finding"),
} as const;

/** Procedures (SNOMED CT). */
export const PROCEDURE_CODES = {
  colonoscopy: snomed("73761001", "Colonoscopy (procedure)", "procedure"),
  mammography: snomed("24623002", "Screening mammography (procedure)", "procedure"),
  medicationReconciliation: snomed("430193006", "Medication reconciliation (procedure)", "procedure"),
  depressionScreening: snomed("171207006", "Depression screening (procedure)", "procedure"),
  appendectomy: snomed("80146002", "Appendectomy (procedure)", "procedure"),
} as const;

/** Encounter types (SNOMED CT). */
export const ENCOUNTER_TYPES = {
  checkUp: snomed("185349003", "Encounter for check up (procedure)", "procedure"),
  followUp: snomed("390906007", "Follow-up encounter (procedure)", "procedure"),
  symptom: snomed("185345009", "Encounter for symptom (procedure)", "procedure"),
  emergency: snomed("50849002", "Emergency room admission (procedure)", "procedure"),
} as const;

/** Vaccines (CVX). */
export const VACCINE_CODES = {
  influenza: cvx("140", "Influenza, seasonal, injectable, preservative free"),
  covid: cvx("208", "SARS-COV-2 (COVID-19) vaccine, mRNA, spike protein, LNP, preservative free, 30 mcg/0.3mL dose"),
  td: cvx("113", "Td (adult) preservative free"),
  tdap: cvx("115", "Tdap"),
  pneumococcal: cvx("33", "pneumococcal polysaccharide PPV23"),
  zoster: cvx("121", "zoster live"),
  hepatitisB: cvx("43", "Hep B, adult"),
} as const;

/** Every concept of the bundled terminology subset. */
export const ALL_CONCEPTS: readonly Concept[] = [
  ...Object.values(VITAL_CODES),
  ...Object.values(LAB_CODES),
  ...Object.values(CONDITION_CODES),
  ...Object.values(MEDICATION_CODES),
  ...Object.values(ALLERGY_CODES),
  ...Object.values(PROCEDURE_CODES),
  ...Object.values(ENCOUNTER_TYPES),
  ...Object.values(VACCINE_CODES),
];

/** Value sets the bundled terminology can validate against (`$validate-code` with `valueSet`). */
export const VALUE_SETS: Record<string, { url: string; title: string; concepts: readonly Concept[] }> = {
  "http://hl7.org/fhir/ValueSet/administrative-gender": {
    url: "http://hl7.org/fhir/ValueSet/administrative-gender",
    title: "AdministrativeGender",
    concepts: ["male", "female", "other", "unknown"].map((code) => ({ system: SYSTEMS.administrativeGender, code, display: code[0]!.toUpperCase() + code.slice(1) })),
  },
  "http://hl7.org/fhir/ValueSet/observation-vitalsignresult": {
    url: "http://hl7.org/fhir/ValueSet/observation-vitalsignresult",
    title: "Vital signs (bundled subset)",
    concepts: Object.values(VITAL_CODES),
  },
  "http://mcp-verticals.github.io/fhir/ValueSet/labs": {
    url: "http://mcp-verticals.github.io/fhir/ValueSet/labs",
    title: "Common laboratory tests (bundled subset)",
    concepts: Object.values(LAB_CODES),
  },
};
