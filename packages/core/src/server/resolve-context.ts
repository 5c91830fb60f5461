import { ProtocolError, ProtocolErrorCode, type McpServer, type ServerContext } from "@modelcontextprotocol/server";
import type { z } from "zod";
import type { AnyExtension } from "../extension/define.js";
import type { BindingContext, Principal } from "../extension/bindings.js";
import { negotiateVersion } from "../extension/versions.js";
import type { AuditTrail } from "../safety/audit-chain.js";
import type { StateStore } from "../state/state-store.js";
import { requestClientCapabilities } from "./client-capabilities.js";
import { describeIssues } from "./describe-issues.js";
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

interface ParsedClientSide {
  listed: boolean;
  settings: unknown;
  version: string | undefined;
}

/**
 * Builds per-request binding contexts for one attached extension. Client settings are
 * parsed once per declared object (2025 connections repeat the same object), and every
 * failure is a -32602 that names the field.
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
  const parsedByDeclaration = new WeakMap<object, ParsedClientSide>();
  const fallback = extension.negotiate({ server: serverSettings, client: undefined, version: undefined });

  const parseClientSide = (declared: unknown): ParsedClientSide => {
    if (declared === undefined) return { listed: false, settings: undefined, version: undefined };
    if (declared === null || typeof declared !== "object" || Array.isArray(declared)) {
      throw invalidSettings(extension.id, "", "expected an object");
    }
    const cached = parsedByDeclaration.get(declared);
    if (cached) return cached;
    const { versions, ...rest } = declared as Record<string, unknown>;
    let clientVersions: string[] | undefined;
    if (versions !== undefined) {
      if (!Array.isArray(versions) || !versions.every((version) => typeof version === "string")) {
        throw invalidSettings(extension.id, "versions", "expected an array of strings");
      }
      clientVersions = versions;
    }
    const result = (extension.clientSettings as z.ZodType).safeParse(rest);
    if (!result.success) {
      const { field, message } = describeIssues(result.error);
      throw invalidSettings(extension.id, field, message);
    }
    const version = clientVersions ? negotiateVersion(extension.versions, clientVersions) : extension.latestVersion;
    const parsed = { listed: true, settings: result.data, version };
    parsedByDeclaration.set(declared, parsed);
    return parsed;
  };

  return (request, overrides) => {
    const { capabilities, era: requestEra } = requestClientCapabilities(server, request);
    const era = overrides?.era ?? requestEra;
    const client = parseClientSide(capabilities?.extensions?.[extension.id]);
    const declared = client.listed && client.version !== undefined;
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

function invalidSettings(extensionId: string, field: string, message: string): ProtocolError {
  const path = `capabilities.extensions["${extensionId}"]${field ? `.${field}` : ""}`;
  return new ProtocolError(ProtocolErrorCode.InvalidParams, `Invalid client settings for extension ${extensionId} at ${path}: ${message}`, {
    extension: extensionId,
    field: path,
  });
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
