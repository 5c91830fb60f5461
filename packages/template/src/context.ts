import type { BindingContext } from "@mcp-verticals/core";
import type { GlossaryBackend } from "./backend/glossary-backend.js";
import type { TemplateClientSettings, TemplateEffectiveSettings, TemplateServerSettings } from "./schemas/settings.js";

/** Services every template binding receives. */
export interface TemplateServices {
  glossary: GlossaryBackend;
}

/** The binding context of the template extension. */
export type TemplateContext = BindingContext<TemplateServerSettings, TemplateClientSettings, TemplateEffectiveSettings, TemplateServices>;
