/**
 * @mcp-verticals/core: define Model Context Protocol extensions once, negotiate them in
 * both protocol eras (2025 `initialize`, 2026-07-28 per-request capabilities), gate them
 * by the spec, and serve them over stdio and stateless HTTP with the safety primitives
 * regulated domains need.
 *
 * @packageDocumentation
 */

// Errors
export { ExtensionError, isExtensionError } from "./errors.js";
export { TOOL_ERROR_META_KEY, toolErrorResult, toolErrorOf, extensionErrorOf, type ToolErrorPayload } from "./tool-error.js";

// Defining an extension
export { VENDOR_PREFIX, verticalExtensionId, extensionIdProblem, assertExtensionId } from "./extension/id.js";
export { negotiateVersion, compareVersions } from "./extension/versions.js";
export {
  defineTool,
  defineMethod,
  defineResource,
  definePrompt,
  type ProtocolEra,
  type Principal,
  type BindingContext,
  type RequiredToolAnnotations,
  type ObjectSchema,
  type ToolDefinition,
  type MethodDefinition,
  type ResourceDefinition,
  type ResourceContent,
  type ResourceListing,
  type PromptDefinition,
} from "./extension/bindings.js";
export {
  defineExtension,
  type ExtensionSpec,
  type ExtensionDefinition,
  type ToolsetDeclaration,
  type AnyExtension,
  type NegotiationInput,
} from "./extension/define.js";
export { extensionJsonSchema, extensionJsonSchemaText, isJsonSchemaFresh, type JsonSchema } from "./extension/json-schema.js";
export { portableJsonSchema, portableToolSchema } from "./extension/portable-schema.js";

// Serving an extension
export { attachExtension, EXTENSION_ERROR_CODE, type AttachOptions, type AttachedExtension } from "./server/attach.js";
export { requestClientCapabilities } from "./server/client-capabilities.js";
export { UNSUPPORTED_EXTENSION_VERSION_CODE } from "./server/declaration-check.js";
export { bindingAvailable, listAllBindings, listingEverything, type BindingRequirements } from "./server/list-filter.js";
export { selectToolsets, selectingToolsets, activeToolsets, parseToolsetSelection, TOOLSET_NOT_ENABLED } from "./server/toolsets.js";
export { createSessionHandler, type LegacySessionOptions } from "./server/legacy-sessions.js";
export { confirmWithUser, InputRequiredSignal, type UserConfirmation } from "./server/confirm-with-user.js";
export type { PrincipalSource } from "./server/resolve-context.js";
export { serveHttp, type ServeHttpOptions, type RunningHttpServer } from "./server/serve-http.js";
export { reusingServers, type ServerReuseOptions, type ReusingFactory } from "./server/server-pool.js";
export {
  buildServerCard,
  buildCatalog,
  advertisedExtensions,
  SERVER_CARD_MEDIA_TYPE,
  CARD_EXTENSIONS_META_KEY,
  SERVED_PROTOCOL_VERSIONS,
  discoverServed,
  type DiscoveredServer,
  type ServerIdentity,
  type ServerCard,
} from "./server/server-card.js";
export { buildAiCatalog, aiCatalogIdentifier, AI_CATALOG_MEDIA_TYPE, AI_CATALOG_PATH, type AiCatalog } from "./server/ai-catalog.js";
export { serverIdentityFrom, serverInfoFrom, type ServerJsonIdentity } from "./server/server-json-identity.js";
export {
  runServerCli,
  runServerBin,
  helpText,
  CliUsageError,
  type CliFlag,
  type ServerCliOptions,
  type RunningCliServer,
} from "./server/cli.js";
export { registerCliSubcommand, type CliSubcommand, type CliSubcommandInput } from "./server/cli-subcommands.js";
export {
  loadServerAddOn,
  withServerAddOns,
  forwardingNotifier,
  ServerAddOnError,
  type ServerAddOn,
  type ServerAddOnContext,
  type ServerAddOnDecorator,
} from "./server/add-ons.js";
export { defaultStateFile } from "./server/cli-state.js";

// Using an extension from a client
export {
  createExtensionClient,
  ExtensionNotSupportedError,
  type ExtensionClient,
  type BoundExtensionClient,
  type ToolsOf,
  type ToolNamed,
  type MethodsOf,
  type MethodNamed,
  type InputOf,
  type OutputOf,
  type ParamsOf,
  type ResultOf,
} from "./client/extension-client.js";

export {
  createTaskClient,
  TaskEndedError,
  type TaskClient,
  type ToolCallOutcome,
  type WaitOptions,
} from "./client/task-client.js";

// Long-running calls as tasks (io.modelcontextprotocol/tasks)
export * from "./tasks/index.js";

// Deterministic demo data
export { createSeededRandom } from "./data/seeded-random.js";

// Shared state for replicas (approvals, idempotency, audit appends, counters, tasks)
export * from "./state/index.js";

// Safety primitives
export * from "./safety/index.js";

// Human approval out of the model's reach
export * from "./approval/index.js";
