import type { McpServer, ServerContext } from "@modelcontextprotocol/server";
import type { AnyExtension } from "../extension/define.js";
import type { BindingContext, Principal } from "../extension/bindings.js";
import type { AuditTrail } from "../safety/audit-chain.js";
import type { StateStore } from "../state/state-store.js";
import { requestClientCapabilities } from "./client-capabilities.js";
import { parseClientDeclaration, registerDeclarationCheck, type ClientDeclaration } from "./declaration-check.js";
import { requestProgress } from "../tasks/progress.js";
import type { TaskHandle } from "../tasks/task-types.js";

/** What a task's worker puts in place of the request's own caller, signal and progress. */
export interface ContextOverrides {
  principal?: Principal | undefined;
  era?: BindingContext["era"];
  signal: AbortSignal;
  progress: BindingContext["progress"];
  task: TaskHandle;
}

/** How the attached server learns who is calling when HTTP auth does not say. */
export type PrincipalSource = Principal | ((request: ServerContext) => Principal | undefined);

/**
 * Builds per-request binding contexts for one attached extension, and registers the
 * extension's declaration check so every request validates client settings before dispatch
 * (-32602 naming the exact key, or the unsupported-version error).
 */
export function createContextResolver<Services>(options: {
  server: McpServer;
  extension: AnyExtension;
  serverSettings: unknown;
  services: Services;
  audit: AuditTrail | undefined;
  state?: StateStore | undefined;
  principal: PrincipalSource | undefined;
}): (request: ServerContext, overrides?: ContextOverrides) => BindingContext<unknown, unknown, unknown, Services> {
  const { server, services, audit } = options;
  // Settings were validated against this extension's own schemas; the definition is type-erased here.
  const extension = options.extension as AnyExtension & { negotiate(input: { server: unknown; client: unknown; version: string | undefined }): unknown };
  const serverSettings = options.serverSettings as never;
  const parsedByDeclaration = new WeakMap<object, ClientDeclaration>();
  const fallback = extension.negotiate({ server: serverSettings, client: undefined, version: undefined });

  // 2025 connections repeat one declared object on every request: parse it once.
  const parseClientSide = (declared: unknown): ClientDeclaration => {
    const cached = declared !== null && typeof declared === "object" ? parsedByDeclaration.get(declared) : undefined;
    if (cached) return cached;
    const parsed = parseClientDeclaration(extension, declared);
    if (declared !== null && typeof declared === "object") parsedByDeclaration.set(declared, parsed);
    return parsed;
  };
  registerDeclarationCheck(server, extension, parseClientSide);

  return (request, overrides) => {
    const { capabilities, era: requestEra } = requestClientCapabilities(server, request);
    const era = overrides?.era ?? requestEra;
    const client = parseClientSide(capabilities?.extensions?.[extension.id]);
    const declared = client.listed;
    const principal = overrides ? overrides.principal : resolvePrincipal(request, options.principal);
    let detail: Record<string, string | number | boolean | null> | undefined;
    let subjects: string[] | undefined;
    return {
      extensionId: extension.id,
      declared,
      clientListed: client.listed,
      version: declared ? client.version : undefined,
      serverSettings,
      clientSettings: declared ? client.settings : undefined,
      settings: declared ? extension.negotiate({ server: serverSettings, client: client.settings as never, version: client.version }) : fallback,
      era,
      clientCapabilities: capabilities,
      principal,
      services,
      state: options.state,
      request,
      signal: overrides?.signal ?? request.mcpReq.signal,
      progress: overrides?.progress ?? requestProgress(request),
      task: overrides?.task,
      annotateAudit: (annotation) => {
        if (annotation.detail) detail = { ...detail, ...annotation.detail };
        if (annotation.subjects) subjects = [...(subjects ?? []), ...annotation.subjects];
      },
      audit: async (entry) => {
        if (!audit) return;
        const who = entry.principal ?? principal?.id;
        const mergedDetail = detail || entry.detail ? { ...detail, ...entry.detail } : undefined;
        const mergedSubjects = subjects || entry.subjects ? [...(subjects ?? []), ...(entry.subjects ?? [])] : undefined;
        await audit.record({
          ...entry,
          extension: extension.id,
          ...(who === undefined ? {} : { principal: who }),
          ...(mergedDetail ? { detail: mergedDetail } : {}),
          ...(mergedSubjects ? { subjects: mergedSubjects } : {}),
        });
      },
    };
  };
}

/** The caller of a request: verified HTTP auth first, then the configured source. */
export function resolvePrincipal(request: ServerContext, source: PrincipalSource | undefined): Principal | undefined {
  const authInfo = request.http?.authInfo;
  if (authInfo) {
    const extra = (authInfo.extra ?? {}) as { subject?: unknown; roles?: unknown; attributes?: unknown };
    return {
      id: typeof extra.subject === "string" ? extra.subject : authInfo.clientId,
      scopes: authInfo.scopes,
      ...(Array.isArray(extra.roles) ? { roles: extra.roles.filter((role): role is string => typeof role === "string") } : {}),
      ...(extra.attributes && typeof extra.attributes === "object" ? { attributes: extra.attributes as Record<string, string> } : {}),
    };
  }
  return typeof source === "function" ? source(request) : source;
}
