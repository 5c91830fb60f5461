import type { BindingContext, CursorCodec, Idempotency } from "@mcp-verticals/core";
import type { PrivacyGateway } from "./backend/gateway.js";
import type { XapiLrs } from "./standards/xapi.js";
import type { EducationClientSettings, EducationEffectiveSettings, EducationServerSettings } from "./schemas/settings.js";

/** Services every education binding receives. */
export interface EducationServices {
  /** The privacy boundary: the only way bindings reach student data. */
  gateway: PrivacyGateway;
  /** The embedded learning record store. */
  lrs: XapiLrs;
  /** Signed paging cursors. */
  cursors: CursorCodec;
  /** Idempotency keys of approved writes: in the shared state when there is one, so any replica replays a key. */
  idempotency: Idempotency;
  /** Origins of CASE 1.1 providers `edu_import_framework` may fetch from (none: URL import is refused). */
  caseProviders?: readonly string[];
  /** The operator's import directory: `edu_import_roster` reads bulk folders inside it only (none: folder import is refused). */
  importDir?: string;
}

/** The binding context of the education extension. */
export type EducationContext = BindingContext<EducationServerSettings, EducationClientSettings, EducationEffectiveSettings, EducationServices>;
