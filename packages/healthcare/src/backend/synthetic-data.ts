import { createSeededRandom } from "@mcp-verticals/core";
import type {
  AllergyIntolerance,
  Condition,
  Encounter,
  Immunization,
  MedicationRequest,
  Observation,
  Organization,
  Patient,
  Practitioner,
  Procedure,
  Resource,
} from "@medplum/fhirtypes";
import {
  ALLERGY_CODES,
  CONDITION_CODES,
  ENCOUNTER_TYPES,
  LAB_CODES,
  MEDICATION_CODES,
  PROCEDURE_CODES,
  SYSTEMS,
  VACCINE_CODES,
  VITAL_CODES,
  type Concept,
} from "./terminology-data.js";

const GIVEN_FEMALE = ["Amelia", "Beatrix", "Clementine", "Dorothea", "Evangeline", "Florentina", "Georgiana", "Henrietta", "Imogen", "Josephine", "Katarina", "Leonora", "Marisol", "Noemi", "Octavia", "Philippa", "Rosalind", "Seraphina", "Theodora", "Wilhelmina"];
const GIVEN_MALE = ["Alistair", "Barnaby", "Cornelius", "Desmond", "Ezekiel", "Fitzgerald", "Gideon", "Horatio", "Ignatius", "Jasper", "Leopold", "Maximilian", "Nathaniel", "Oswald", "Percival", "Quentin", "Rupert", "Sebastian", "Thaddeus", "Valentin"];
const FAMILY = ["Abernathy", "Blackwood", "Castellanos", "Davenport", "Ellingsworth", "Fairweather", "Galloway", "Hargreaves", "Ingleby", "Juniper", "Kowalczyk", "Lindqvist", "Montgomery", "Nakamura", "Oyelaran", "Pemberton", "Quixley", "Rosenthal", "Sandoval", "Thistlewood", "Underhill", "Vasquez-Orr", "Whitmore", "Yardley", "Zielinski"];
const STREETS = ["Maple Avenue", "Harbor Street", "Juniper Lane", "Beacon Road", "Orchard Way", "Linden Court", "Cedar Ridge Drive", "Willow Bend"];
const CITIES: { city: string; state: string; zip: string }[] = [
  { city: "Springfield", state: "MA", zip: "01103" },
  { city: "Worcester", state: "MA", zip: "01608" },
  { city: "Lowell", state: "MA", zip: "01852" },
  { city: "Cambridge", state: "MA", zip: "02139" },
  { city: "Quincy", state: "MA", zip: "02169" },
  { city: "Pittsfield", state: "MA", zip: "01201" },
];
const PRACTITIONERS = [
  { id: "practitioner-1", given: "Octavius", family: "Wainwright" },
  { id: "practitioner-2", given: "Perpetua", family: "Saltonstall" },
  { id: "practitioner-3", given: "Lysander", family: "Featherstonhaugh" },
  { id: "practitioner-4", given: "Ottoline", family: "Marchbanks" },
  { id: "practitioner-5", given: "Fennimore", family: "Ravenscroft" },
];

/** The synthetic corpus: every resource, plus the identifiers a leak test must never see in de-identified output. */
export interface SyntheticCorpus {
  resources: Resource[];
  /** Direct identifiers by kind: names, identifier values, phones, emails, address lines, cities, postal codes, exact dates. */
  identifiers: { names: string[]; identifierValues: string[]; phones: string[]; emails: string[]; addressLines: string[]; postalCodes: string[]; cities: string[]; exactDates: string[] };
}

/** Options for {@link generateSyntheticCorpus}. */
export interface SyntheticCorpusOptions {
  /** PRNG seed (default 20261124). */
  seed?: number;
  /** Number of patients (default 60, minimum 1). */
  patients?: number;
}

const pad = (value: number, width = 2) => String(value).padStart(width, "0");
const isoDate = (date: Date) => `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
const coding = (concept: Concept) => ({ system: concept.system, code: concept.code, display: concept.display });
const concept = (value: Concept) => ({ coding: [coding(value)], text: value.display });

/**
 * Generates the deterministic synthetic FHIR R4 corpus the embedded store serves: patients with
 * linked encounters, conditions, vitals and labs over time, medications, allergies, immunizations
 * and procedures, coded with real LOINC, SNOMED CT, RxNorm and CVX codes.
 *
 * @example
 * ```ts
 * const { resources } = generateSyntheticCorpus({ seed: 7, patients: 10 });
 * ```
 */
export function generateSyntheticCorpus(options: SyntheticCorpusOptions = {}): SyntheticCorpus {
  const random = createSeededRandom(options.seed ?? 20261124);
  const count = Math.max(1, options.patients ?? 60);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const round = (value: number, digits: number) => Number(value.toFixed(digits));
  const resources: Resource[] = [];
  const identifiers: SyntheticCorpus["identifiers"] = { names: [], identifierValues: [], phones: [], emails: [], addressLines: [], postalCodes: [], cities: [], exactDates: [] };
  const end = Date.UTC(2025, 5, 1);

  const organization: Organization = {
    resourceType: "Organization",
    id: "organization-1",
    active: true,
    name: "Riverside Community Health Center",
    type: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/organization-type", code: "prov", display: "Healthcare Provider" }] }],
  };
  resources.push(organization);
  for (const practitioner of PRACTITIONERS) {
    const npi = `19${pad(int(0, 99_999_999), 8)}`;
    resources.push({
      resourceType: "Practitioner",
      id: practitioner.id,
      active: true,
      identifier: [{ system: "http://hl7.org/fhir/sid/us-npi", value: npi }],
      name: [{ use: "official", family: practitioner.family, given: [practitioner.given], prefix: ["Dr."] }],
    } satisfies Practitioner);
    identifiers.names.push(practitioner.given, practitioner.family);
    identifiers.identifierValues.push(npi);
  }

  for (let index = 1; index <= count; index++) {
    const patientId = `patient-${pad(index, 3)}`;
    const gender = random() < 0.5 ? "female" : "male";
    const given = pick(gender === "female" ? GIVEN_FEMALE : GIVEN_MALE);
    const middle = pick(gender === "female" ? GIVEN_FEMALE : GIVEN_MALE);
    const family = pick(FAMILY);
    const age = index === 1 ? 93 : int(4, 88);
    const birth = new Date(Date.UTC(2025 - age, int(0, 11), int(1, 28)));
    const place = pick(CITIES);
    const line = `${int(10, 9999)} ${pick(STREETS)}`;
    const phone = `555-${pad(int(200, 999), 3)}-${pad(int(0, 9999), 4)}`;
    const email = `${given.toLowerCase()}.${family.toLowerCase()}${index}@example.org`;
    const mrn = `MRN${pad(100_000 + index * 37, 7)}`;
    const ssn = `999-${pad(int(10, 99))}-${pad(int(1000, 9999), 4)}`;
    const practitioner = PRACTITIONERS[index % PRACTITIONERS.length]!;
    identifiers.names.push(given, middle, family);
    identifiers.identifierValues.push(mrn, ssn);
    identifiers.phones.push(phone);
    identifiers.emails.push(email);
    identifiers.addressLines.push(line);
    identifiers.postalCodes.push(place.zip);
    identifiers.cities.push(place.city);
    identifiers.exactDates.push(isoDate(birth));
    const patient: Patient & { _birthDate?: unknown } = {
      resourceType: "Patient",
      id: patientId,
      meta: { lastUpdated: "2025-06-01T00:00:00Z" },
      text: {
        status: "generated",
        div: `<div xmlns="http://www.w3.org/1999/xhtml">${given} ${middle} ${family}, born ${isoDate(birth)}, MRN ${mrn}, phone ${phone}</div>`,
      },
      extension: [
        {
          url: "http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
          valueAddress: { line: [line], city: place.city, state: place.state, postalCode: place.zip, country: "US" },
        },
        { url: "http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName", valueString: pick(FAMILY) },
      ],
      identifier: [
        {
          use: "usual",
          type: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/v2-0203", code: "MR", display: "Medical record number" }] },
          system: "http://hospital.example.org/mrn",
          value: mrn,
        },
        {
          type: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/v2-0203", code: "SS", display: "Social Security number" }] },
          system: "http://hl7.org/fhir/sid/us-ssn",
          value: ssn,
        },
      ],
      active: true,
      name: [{ use: "official", family, given: [given, middle], text: `${given} ${middle} ${family}` }],
      telecom: [
        { system: "phone", value: phone, use: "home" },
        { system: "email", value: email },
      ],
      gender,
      birthDate: isoDate(birth),
      _birthDate: {
        extension: [{ url: "http://hl7.org/fhir/StructureDefinition/patient-birthTime", valueDateTime: `${isoDate(birth)}T${pad(int(0, 23))}:${pad(int(0, 59))}:00Z` }],
      },
      address: [{ use: "home", line: [line], city: place.city, state: place.state, postalCode: place.zip, country: "US" }],
      maritalStatus: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", code: pick(["M", "S", "W", "D"]) }] },
      generalPractitioner: [{ reference: `Practitioner/${practitioner.id}`, display: `Dr. ${practitioner.given} ${practitioner.family}` }],
      managingOrganization: { reference: "Organization/organization-1", display: organization.name! },
    };
    resources.push(patient);
    const subject = { reference: `Patient/${patientId}`, display: `${given} ${family}` };

    // Chronic conditions drive medications, labs and follow-ups.
    const chronic = [CONDITION_CODES.hypertension, CONDITION_CODES.diabetes, CONDITION_CODES.hyperlipidemia, CONDITION_CODES.asthma, CONDITION_CODES.depression, CONDITION_CODES.obesity, CONDITION_CODES.ckd, CONDITION_CODES.atrialFibrillation, CONDITION_CODES.copd, CONDITION_CODES.osteoarthritisKnee];
    const conditionCount = age < 18 ? int(0, 1) : int(1, 3);
    const conditions = new Set<Concept>();
    while (conditions.size < conditionCount) conditions.add(age < 18 ? pick([CONDITION_CODES.asthma, CONDITION_CODES.sinusitis]) : pick(chronic));
    const diabetic = conditions.has(CONDITION_CODES.diabetes);

    const encounterCount = int(3, 6);
    const first = Math.max(birth.getTime(), end - 6 * 365 * 86_400_000);
    const encounterDates = Array.from({ length: encounterCount }, () => new Date(first + random() * (end - first))).sort((a, b) => a.getTime() - b.getTime());
    const encounters: Encounter[] = encounterDates.map((date, number) => {
      const type = number === 0 ? ENCOUNTER_TYPES.checkUp : pick([ENCOUNTER_TYPES.checkUp, ENCOUNTER_TYPES.followUp, ENCOUNTER_TYPES.symptom, ENCOUNTER_TYPES.emergency]);
      const emergency = type === ENCOUNTER_TYPES.emergency;
      const start = new Date(date.getTime());
      start.setUTCHours(int(8, 17), pick([0, 15, 30, 45]), 0, 0);
      const stop = new Date(start.getTime() + (emergency ? int(2, 8) * 3_600_000 : 30 * 60_000));
      identifiers.exactDates.push(isoDate(start));
      const encounter: Encounter = {
        resourceType: "Encounter",
        id: `encounter-${pad(index, 3)}-${number + 1}`,
        status: "finished",
        class: { system: SYSTEMS.actCode, code: emergency ? "EMER" : "AMB", display: emergency ? "emergency" : "ambulatory" },
        type: [concept(type)],
        subject,
        participant: [{ individual: { reference: `Practitioner/${practitioner.id}`, display: `Dr. ${practitioner.given} ${practitioner.family}` } }],
        period: { start: start.toISOString().replace(".000", ""), end: stop.toISOString().replace(".000", "") },
        serviceProvider: { reference: "Organization/organization-1" },
      };
      resources.push(encounter);
      return encounter;
    });
    const encounterRef = (encounter: Encounter) => ({ reference: `Encounter/${encounter.id}` });

    let conditionNumber = 0;
    for (const code of conditions) {
      const encounter = pick(encounters);
      conditionNumber += 1;
      const onset = encounter.period!.start!.slice(0, 10);
      const condition: Condition = {
        resourceType: "Condition",
        id: `condition-${pad(index, 3)}-${conditionNumber}`,
        clinicalStatus: { coding: [{ system: SYSTEMS.conditionClinical, code: "active" }] },
        verificationStatus: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/condition-ver-status", code: "confirmed" }] },
        category: [{ coding: [{ system: SYSTEMS.conditionCategory, code: "problem-list-item", display: "Problem List Item" }] }],
        code: concept(code),
        subject,
        encounter: encounterRef(encounter),
        onsetDateTime: onset,
        recordedDate: onset,
        note: [{ text: `Discussed with ${given} ${family} on ${onset}; callback number ${phone}.` }],
      };
      resources.push(condition);
      const medication = (
        {
          [CONDITION_CODES.hypertension.code]: pick([MEDICATION_CODES.lisinopril, MEDICATION_CODES.amlodipine, MEDICATION_CODES.hydrochlorothiazide]),
          [CONDITION_CODES.diabetes.code]: MEDICATION_CODES.metformin,
          [CONDITION_CODES.hyperlipidemia.code]: MEDICATION_CODES.atorvastatin,
          [CONDITION_CODES.asthma.code]: MEDICATION_CODES.albuterol,
          [CONDITION_CODES.copd.code]: MEDICATION_CODES.albuterol,
          [CONDITION_CODES.depression.code]: MEDICATION_CODES.sertraline,
          [CONDITION_CODES.atrialFibrillation.code]: MEDICATION_CODES.warfarin,
          [CONDITION_CODES.osteoarthritisKnee.code]: MEDICATION_CODES.acetaminophen,
        } as Record<string, Concept | undefined>
      )[code.code];
      if (medication) {
        const request: MedicationRequest = {
          resourceType: "MedicationRequest",
          id: `medicationrequest-${pad(index, 3)}-${conditionNumber}`,
          status: random() < 0.85 ? "active" : "stopped",
          intent: "order",
          medicationCodeableConcept: concept(medication),
          subject,
          encounter: encounterRef(encounter),
          authoredOn: onset,
          requester: { reference: `Practitioner/${practitioner.id}` },
          reasonReference: [{ reference: `Condition/${condition.id}` }],
          dosageInstruction: [{ text: medication === MEDICATION_CODES.albuterol ? "2 puffs every 4 hours as needed" : "1 tablet by mouth daily", timing: { repeat: { frequency: 1, period: 1, periodUnit: "d" } } }],
        };
        resources.push(request);
      }
    }

    const weightBase = age < 18 ? 20 + age * 2.5 : int(55, 110);
    const heightCm = age < 18 ? 80 + age * 5 : int(152, 192);
    let a1c = diabetic ? 6.8 + random() * 2 : 5.0 + random() * 0.6;
    let observationNumber = 0;
    const observe = (encounter: Encounter, code: Concept, category: "vital-signs" | "laboratory", value: number, unit: string, digits: number) => {
      observationNumber += 1;
      const observation: Observation = {
        resourceType: "Observation",
        id: `observation-${pad(index, 3)}-${observationNumber}`,
        status: "final",
        category: [{ coding: [{ system: SYSTEMS.observationCategory, code: category, display: category === "laboratory" ? "Laboratory" : "Vital Signs" }] }],
        code: concept(code),
        subject,
        encounter: encounterRef(encounter),
        effectiveDateTime: encounter.period!.start!,
        issued: encounter.period!.end!.replace("Z", ".000Z"),
        valueQuantity: { value: round(value, digits), unit, system: SYSTEMS.ucum, code: unit },
      };
      resources.push(observation);
    };
    for (const encounter of encounters) {
      const weight = weightBase + (random() - 0.5) * 4;
      observe(encounter, VITAL_CODES.heartRate, "vital-signs", int(58, 96), "/min", 0);
      observe(encounter, VITAL_CODES.systolic, "vital-signs", int(conditions.has(CONDITION_CODES.hypertension) ? 132 : 105, conditions.has(CONDITION_CODES.hypertension) ? 158 : 128), "mm[Hg]", 0);
      observe(encounter, VITAL_CODES.diastolic, "vital-signs", int(65, conditions.has(CONDITION_CODES.hypertension) ? 98 : 84), "mm[Hg]", 0);
      observe(encounter, VITAL_CODES.weight, "vital-signs", weight, "kg", 1);
      observe(encounter, VITAL_CODES.height, "vital-signs", heightCm, "cm", 0);
      observe(encounter, VITAL_CODES.bmi, "vital-signs", weight / (heightCm / 100) ** 2, "kg/m2", 1);
      observe(encounter, VITAL_CODES.temperature, "vital-signs", 36.4 + random() * 1.2, "Cel", 1);
      if (age >= 18) {
        a1c = Math.max(4.8, a1c + (diabetic ? -0.15 + random() * 0.3 : (random() - 0.5) * 0.2));
        observe(encounter, LAB_CODES.hba1c, "laboratory", a1c, "%", 1);
        observe(encounter, LAB_CODES.glucose, "laboratory", 60 + a1c * 14 + (random() - 0.5) * 20, "mg/dL", 0);
        observe(encounter, LAB_CODES.creatinine, "laboratory", (conditions.has(CONDITION_CODES.ckd) ? 1.6 : 0.7) + random() * 0.5, "mg/dL", 2);
        if (random() < 0.5) {
          const total = int(150, 260);
          observe(encounter, LAB_CODES.cholesterol, "laboratory", total, "mg/dL", 0);
          observe(encounter, LAB_CODES.hdl, "laboratory", int(35, 75), "mg/dL", 0);
          observe(encounter, LAB_CODES.ldl, "laboratory", total * 0.6, "mg/dL", 0);
        }
      }
    }

    const allergies = [ALLERGY_CODES.penicillin, ALLERGY_CODES.peanut, ALLERGY_CODES.shellfish, ALLERGY_CODES.grassPollen, ALLERGY_CODES.mould, ALLERGY_CODES.dander];
    for (let number = 1, total = int(0, 2); number <= total; number++) {
      const allergy: AllergyIntolerance = {
        resourceType: "AllergyIntolerance",
        id: `allergyintolerance-${pad(index, 3)}-${number}`,
        clinicalStatus: { coding: [{ system: SYSTEMS.allergyClinical, code: "active" }] },
        verificationStatus: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification", code: "confirmed" }] },
        type: "allergy",
        category: [pick(["food", "medication", "environment"] as const)],
        criticality: pick(["low", "high"] as const),
        code: concept(allergies[(index + number) % allergies.length]!),
        patient: subject,
        recordedDate: encounters[0]!.period!.start!.slice(0, 10),
      };
      resources.push(allergy);
    }

    const vaccines = [VACCINE_CODES.influenza, VACCINE_CODES.covid, VACCINE_CODES.tdap, VACCINE_CODES.pneumococcal, VACCINE_CODES.zoster, VACCINE_CODES.hepatitisB];
    for (let number = 1, total = int(1, 3); number <= total; number++) {
      const encounter = encounters[number % encounters.length]!;
      const immunization: Immunization = {
        resourceType: "Immunization",
        id: `immunization-${pad(index, 3)}-${number}`,
        status: "completed",
        vaccineCode: concept(vaccines[(index * 3 + number) % vaccines.length]!),
        patient: subject,
        encounter: encounterRef(encounter),
        occurrenceDateTime: encounter.period!.start!,
        primarySource: true,
        lotNumber: `LOT${int(10_000, 99_999)}`,
      };
      resources.push(immunization);
    }

    const procedures = [PROCEDURE_CODES.medicationReconciliation, PROCEDURE_CODES.depressionScreening, ...(age >= 45 ? [PROCEDURE_CODES.colonoscopy] : []), ...(gender === "female" && age >= 40 ? [PROCEDURE_CODES.mammography] : [])];
    for (let number = 1, total = int(0, 2); number <= total; number++) {
      const encounter = pick(encounters);
      const procedure: Procedure = {
        resourceType: "Procedure",
        id: `procedure-${pad(index, 3)}-${number}`,
        status: "completed",
        code: concept(pick(procedures)),
        subject,
        encounter: encounterRef(encounter),
        performedPeriod: { start: encounter.period!.start!, end: encounter.period!.end! },
        performer: [{ actor: { reference: `Practitioner/${practitioner.id}` } }],
      };
      resources.push(procedure);
    }
  }
  return { resources, identifiers };
}
