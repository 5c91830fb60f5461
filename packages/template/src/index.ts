/**
 * The template vertical: the smallest complete mcp-verticals extension. Copy it to start a new vertical.
 *
 * @packageDocumentation
 */

// The extension definition
export { templateExtension, TEMPLATE_EXTENSION_ID } from "./extension.js";

// Schemas
export { TemplateServerSettings, TemplateClientSettings, TemplateEffectiveSettings, Language } from "./schemas/settings.js";
export { Term } from "./schemas/term.js";

// Server
export { createTemplateServer, TEMPLATE_SERVER_INFO, type TemplateServerOptions } from "./server.js";
export type { TemplateContext, TemplateServices } from "./context.js";
export type { GlossaryBackend } from "./backend/glossary-backend.js";
export { createEmbeddedGlossary } from "./backend/embedded-glossary.js";

// Client
export { templateClient } from "./client.js";
