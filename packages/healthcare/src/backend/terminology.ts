import { ALL_CONCEPTS, SYSTEM_ALIASES, VALUE_SETS, type Concept } from "./terminology-data.js";

/** The terminology operations the tools use: `$lookup`, `$validate-code` and `$expand?filter=`. */
export interface TerminologyService {
  /** `$lookup`: the concept, or `undefined`. */
  lookup(system: string, code: string): Concept | undefined;
  /** `$validate-code` against a code system or a value set. */
  validate(input: { code: string; system?: string; display?: string; valueSet?: string }): { result: boolean; display?: string; message?: string };
  /** `$expand?filter=`: concepts whose display or synonyms contain every word of `text`. */
  search(input: { text: string; system?: string; valueSet?: string; count: number }): Concept[];
  /** Canonical URI of a system given a URI or a short alias (`loinc`, `snomed`, `rxnorm`, `cvx`). */
  resolveSystem(system: string): string;
}

/**
 * The bundled terminology subset: the LOINC, SNOMED CT, RxNorm and CVX codes the synthetic data uses.
 *
 * @example
 * ```ts
 * createBundledTerminology().lookup("http://loinc.org", "4548-4")?.display; // "Hemoglobin A1c/Hemoglobin.total in Blood"
 * ```
 */
export function createBundledTerminology(concepts: readonly Concept[] = ALL_CONCEPTS): TerminologyService {
  const index = new Map(concepts.map((concept) => [`${concept.system}|${concept.code}`, concept]));
  const resolveSystem = (system: string) => SYSTEM_ALIASES[system.toLowerCase()] ?? system;
  const service: TerminologyService = {
    resolveSystem,
    lookup: (system, code) => index.get(`${resolveSystem(system)}|${code}`),
    validate({ code, system, display, valueSet }) {
      const pool = valueSet ? VALUE_SETS[valueSet]?.concepts : undefined;
      if (valueSet && !pool) return { result: false, message: "the value set is not known to this server" };
      const candidates = (pool ?? concepts).filter((concept) => concept.code === code && (system === undefined || concept.system === resolveSystem(system)));
      const found = candidates[0];
      if (!found) return { result: false, message: valueSet ? "the code is not in the value set" : "the code is not in the code system" };
      if (display !== undefined && display.trim().toLowerCase() !== found.display.toLowerCase()) {
        return { result: false, display: found.display, message: "the code is valid but the display does not match" };
      }
      return { result: true, display: found.display };
    },
    search({ text, system, valueSet, count }) {
      const pool = valueSet ? (VALUE_SETS[valueSet]?.concepts ?? []) : concepts;
      const words = text.toLowerCase().split(/\s+/).filter(Boolean);
      const wantedSystem = system ? resolveSystem(system) : undefined;
      return pool
        .filter((concept) => wantedSystem === undefined || concept.system === wantedSystem)
        .filter((concept) => {
          const haystack = [concept.display, concept.code, ...(concept.synonyms ?? [])].join(" ").toLowerCase();
          return words.every((word) => haystack.includes(word));
        })
        .slice(0, count);
    },
  };
  return service;
}
