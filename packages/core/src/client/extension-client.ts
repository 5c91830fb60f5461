import { StreamableHTTPClientTransport, type Client, type ClientCapabilities } from "@modelcontextprotocol/client";
import { z } from "zod";
import type { AnyExtension } from "../extension/define.js";
import type { MethodDefinition, ToolDefinition } from "../extension/bindings.js";
import { negotiateVersion } from "../extension/versions.js";
import { ExtensionError } from "../errors.js";
import { extensionErrorOf } from "../tool-error.js";
import { describeIssues } from "../server/describe-issues.js";

/** Type helper for typed client calls. @category Client */
export type ToolsOf<Ext extends AnyExtension> = Ext["tools"][number];
/** Type helper for typed client calls. @category Client */
export type ToolNamed<Ext extends AnyExtension, Name extends string> = Extract<ToolsOf<Ext>, { name: Name }>;
/** Type helper for typed client calls. @category Client */
export type MethodsOf<Ext extends AnyExtension> = Ext["methods"][number];
/** Type helper for typed client calls. @category Client */
export type MethodNamed<Ext extends AnyExtension, Verb extends string> = Extract<MethodsOf<Ext>, { verb: Verb }>;
/** Type helper for typed client calls. @category Client */
export type InputOf<T> = T extends ToolDefinition<string, infer I, any, any> ? z.input<I> : never;
/** Type helper for typed client calls. @category Client */
export type OutputOf<T> = T extends ToolDefinition<string, any, infer O, any> ? z.output<O> : never;
/** Type helper for typed client calls. @category Client */
export type ParamsOf<T> = T extends MethodDefinition<string, infer P, any, any> ? z.input<P> : never;
/** Type helper for typed client calls. @category Client */
export type ResultOf<T> = T extends MethodDefinition<string, any, infer R, any> ? z.output<R> : never;

/**
 * Raised when the connected server does not advertise the extension (or shares no version).
 * @category Client
 */
export class ExtensionNotSupportedError extends Error {
  override readonly name = "ExtensionNotSupportedError";
  constructor(readonly extensionId: string, reason: string) {
    super(`The server does not support extension ${extensionId}: ${reason}`);
  }
}

/**
 * A typed handle on one extension of a connected client.
 * @category Client
 */
export interface BoundExtensionClient<Ext extends AnyExtension> {
  readonly extension: Ext;
  /** The server's advertised settings, validated. */
  readonly serverSettings: z.output<Ext["serverSettings"]>;
  /**
   * Whether the server sees this client's declaration on every request: true when the client
   * declared the extension and the connection carries it (2026-07-28 requests carry it each time;
   * a 2025 connection keeps it when it is connection-scoped, such as stdio, or when the HTTP
   * server issued a session). False means the server serves the fallback.
   */
  readonly negotiated: boolean;
  /** The version both sides agreed on; `undefined` when {@link BoundExtensionClient.negotiated} is false. */
  readonly version: string | undefined;
  /** The effective settings the server applies: the negotiated ones, or the fallback when not negotiated. */
  readonly settings: ReturnType<Ext["negotiate"]>;
  /** Calls a tool with typed arguments; resolves to the validated structured output, rejects with {@link ExtensionError} on a tool error. */
  callTool<Name extends ToolsOf<Ext>["name"]>(name: Name, input: InputOf<ToolNamed<Ext, Name>>): Promise<OutputOf<ToolNamed<Ext, Name>>>;
  /** Calls a custom `<id>/<verb>` method with typed params; resolves to the validated result. */
  request<Verb extends MethodsOf<Ext>["verb"]>(verb: Verb, params: ParamsOf<MethodNamed<Ext, Verb>>): Promise<ResultOf<MethodNamed<Ext, Verb>>>;
}

/**
 * The client side of an extension: what to declare before connecting, and a typed handle after.
 * @category Client
 */
export interface ExtensionClient<Ext extends AnyExtension> {
  readonly extension: Ext;
  /** Spread into the `Client` options' `capabilities.extensions`. */
  readonly declaration: NonNullable<ClientCapabilities["extensions"]>;
  /** Reads and validates the server's settings from a connected client (either era) and binds typed calls. */
  bind(client: Client): BoundExtensionClient<Ext>;
}

/**
 * Creates the client side of an extension with typed settings.
 *
 * @example
 * ```ts
 * const weather = createExtensionClient(weatherExtension, { units: "imperial" });
 * const client = new Client({ name: "host", version: "1.0.0" }, {
 *   capabilities: { extensions: weather.declaration },
 *   versionNegotiation: { mode: "auto" },
 * });
 * await client.connect(transport);
 * const forecast = await weather.bind(client).callTool("weather_forecast", { city: "Oslo" });
 * ```
 * @category Client
 */
export function createExtensionClient<Ext extends AnyExtension>(
  extension: Ext,
  settings: z.input<Ext["clientSettings"]>,
  options: { versions?: readonly string[] } = {},
): ExtensionClient<Ext> {
  const parsed = extension.clientSettings.safeParse(settings);
  if (!parsed.success) {
    const { field, message } = describeIssues(parsed.error);
    throw new TypeError(`Invalid client settings for extension ${extension.id} at ${field || "(root)"}: ${message}`);
  }
  const versions = [...(options.versions ?? extension.versions)];
  const declaredSettings = { ...(settings as Record<string, unknown>), versions };
  const tools = new Map(extension.tools.map((tool) => [tool.name, tool]));
  const methods = new Map(extension.methods.map((method) => [method.verb, method]));

  return {
    extension,
    declaration: { [extension.id]: declaredSettings } as NonNullable<ClientCapabilities["extensions"]>,
    bind(client) {
      const advertised = client.getServerCapabilities()?.extensions?.[extension.id] as Record<string, unknown> | undefined;
      if (!advertised) throw new ExtensionNotSupportedError(extension.id, "it is not in the server's capabilities");
      // `versions` and `toolsets` are core's own keys beside the extension's settings.
      const { versions: serverVersions, toolsets: _toolsets, ...rest } = advertised;
      const offered = Array.isArray(serverVersions) ? serverVersions.filter((v): v is string => typeof v === "string") : [extension.latestVersion];
      const version = negotiateVersion(offered, versions);
      if (!version) throw new ExtensionNotSupportedError(extension.id, `no common version (server offers ${offered.join(", ")})`);
      const server = extension.serverSettings.safeParse(rest);
      if (!server.success) {
        const { field, message } = describeIssues(server.error);
        throw new ExtensionNotSupportedError(extension.id, `its advertised settings are invalid at ${field}: ${message}`);
      }
      const negotiated = declarationReachesServer(client, extension.id);
      return {
        extension,
        serverSettings: server.data as never,
        negotiated,
        version: negotiated ? version : undefined,
        settings: (negotiated
          ? extension.negotiate({ server: server.data, client: parsed.data, version })
          : extension.negotiate({ server: server.data, client: undefined, version: undefined })) as never,
        async callTool(name, input) {
          const tool = tools.get(name);
          if (!tool) throw new TypeError(`Extension ${extension.id} has no tool ${name}.`);
          const result = await client.callTool({ name, arguments: input as Record<string, unknown> });
          if (result.isError) throw extensionErrorOf(result, name);
          const output = tool.output.safeParse(result.structuredContent);
          if (!output.success) {
            const { field, message } = describeIssues(output.error);
            throw new ExtensionError("INVALID_SERVER_OUTPUT", `${name} returned output that does not match its schema at ${field}: ${message}`);
          }
          return output.data as never;
        },
        async request(verb, params) {
          const method = methods.get(verb);
          if (!method) throw new TypeError(`Extension ${extension.id} has no method ${verb}.`);
          const result = await client.request({ method: extension.methodName(verb), params: params as Record<string, unknown> } as never, z.looseObject({}));
          const { _meta: _ignored, resultType: _type, ...clean } = result as Record<string, unknown>;
          const checked = method.result.safeParse(clean);
          if (!checked.success) {
            const { field, message } = describeIssues(checked.error);
            throw new ExtensionError("INVALID_SERVER_OUTPUT", `${verb} returned a result that does not match its schema at ${field}: ${message}`);
          }
          return checked.data as never;
        },
      };
    },
  };
}

/**
 * Whether what this client declared for `extensionId` reaches the server on every request, read
 * from what the connection shows: the client's own declaration, the era, and (2025 era over
 * Streamable HTTP) whether the server issued a session id. A stateless 2025 HTTP server that
 * issues none sees the declaration in `initialize` only and serves the fallback afterwards.
 */
function declarationReachesServer(client: Client, extensionId: string): boolean {
  const own = (client as unknown as { _capabilities?: ClientCapabilities })._capabilities;
  if (own && !own.extensions?.[extensionId]) return false;
  if (client.getProtocolEra() === "modern") return true;
  const transport = client.transport as { sessionId?: string } | undefined;
  if (transport instanceof StreamableHTTPClientTransport) return transport.sessionId !== undefined;
  return true;
}
