import type { BindingContext, CursorCodec, Idempotency } from "@mcp-verticals/core";
import type { FhirBackend } from "./backend/fhir-backend.js";
import type { TerminologyService } from "./backend/terminology.js";
import type { PseudonymRegistry } from "./phi/deidentify.js";
import type { HealthcareClientSettings, HealthcareEffectiveSettings, HealthcareServerSettings } from "./schemas/settings.js";

/** Services every healthcare binding receives. */
export interface HealthcareServices {
  fhir: FhirBackend;
  terminology: TerminologyService;
  pseudonyms: PseudonymRegistry;
  cursors: CursorCodec;
  /** Lower-cased person names known to the deployment, scrubbed from free text. */
  knownNames: Set<string>;
  /** Runs keyed writes once; on the shared state when the server has one, so every replica agrees. */
  idempotency: Idempotency;
}

/** The binding context of the healthcare extension. */
export type HealthcareContext = BindingContext<HealthcareServerSettings, HealthcareClientSettings, HealthcareEffectiveSettings, HealthcareServices>;
