import { parseArgs } from "node:util";
import type { McpServerFactory } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import type { StateStore } from "../state/state-store.js";
import { CliUsageError } from "./cli-usage-error.js";
import { extractStateFlags, openCliState, STATE_FLAGS, stateHelpRows } from "./cli-state.js";
import { cliSubcommands } from "./cli-subcommands.js";
import { registerCliApprovalChannels } from "../approval/cli-approvals.js";
import { serveHttp } from "./serve-http.js";
import { publicBaseUrl } from "./public-url.js";
import { httpStartupLine } from "./startup-line.js";
import { listingEverything } from "./list-filter.js";
import { parseToolsetSelection, selectingToolsets } from "./toolsets.js";
import type { ToolsetDeclaration } from "../extension/define.js";
import { sharedSecret } from "../state/shared-secret.js";
import type { ServerIdentity } from "./server-card.js";
import { forwardingNotifier, loadServerAddOn, withServerAddOns, type ServerAddOnDecorator } from "./add-ons.js";

/**
 * A flag a vertical's reference server adds to the shared CLI.
 * @category Server
 */
export interface CliFlag {
  type: "string" | "boolean";
  description: string;
  /** Placeholder shown in `--help`, e.g. `<url>`. */
  valueName?: string;
  multiple?: boolean;
}

/**
 * What a vertical hands the shared CLI.
 * @category Server
 */
export interface ServerCliOptions {
  /** Command name, e.g. `mcp-finance`. */
  command: string;
  /** One paragraph for `--help`. */
  summary: string;
  identity: ServerIdentity;
  /** The vertical's own flags (e.g. `database`, `fhir-url`). */
  flags?: Record<string, CliFlag>;
  /** The toolsets the server's extensions declare (e.g. `financeExtension.toolsets`), listed in `--help`. */
  toolsets?: Readonly<Record<string, ToolsetDeclaration>>;
  /** Environment variables the server reads, name → description (secrets go here, never in flags). */
  environment?: Record<string, string>;
  /**
   * The state log the server writes its audit chain to, which `audit verify` reads without
   * `--log`. Default `audit:<command without its mcp- prefix>`, e.g. `audit:finance`.
   */
  auditLog?: string;
  /**
   * Builds the server factory from parsed flags; may return a `close` for its resources.
   * `state` is the shared state `--state`/`--postgres`/`DATABASE_URL` opened (closed at shutdown,
   * after `close`): hand it to `attachExtension(..., { state })`.
   */
  createFactory: (input: {
    flags: Record<string, string | boolean | string[] | undefined>;
    transport: "stdio" | "http";
    env: NodeJS.ProcessEnv;
    state: StateStore;
  }) => McpServerFactory | { factory: McpServerFactory; close?: () => Promise<void> } | Promise<McpServerFactory | { factory: McpServerFactory; close?: () => Promise<void> }>;
  /**
   * Where the state lives when no `--state`, `--postgres` or `DATABASE_URL` names it, from the
   * vertical's own flags: e.g. beside a ledger, so replicas of one PostgreSQL ledger share it without
   * another flag. Returning nothing keeps the default file.
   */
  defaultState?: (flags: Record<string, string | boolean | string[] | undefined>, env: NodeJS.ProcessEnv) => { postgres: string } | { state: string } | undefined;
  argv?: string[];
  env?: NodeJS.ProcessEnv;
  /** Where help and status lines go; stdout is reserved for the protocol under stdio. */
  log?: (line: string) => void;
  /** Install SIGINT/SIGTERM handlers that shut down gracefully (default true). */
  handleSignals?: boolean;
}

/**
 * A server started by {@link runServerCli}.
 * @category Server
 */
export interface RunningCliServer {
  readonly transport: "stdio" | "http";
  readonly url?: string;
  close(): Promise<void>;
}

const BUILT_IN_FLAGS = {
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
  http: { type: "string" },
  host: { type: "string" },
  "allowed-host": { type: "string", multiple: true },
  "allowed-origin": { type: "string", multiple: true },
  "max-body-bytes": { type: "string" },
  "public-url": { type: "string" },
  "list-all-tools": { type: "boolean" },
  toolsets: { type: "string" },
  "add-on": { type: "string", multiple: true },
  ...STATE_FLAGS,
} as const;

export { CliUsageError } from "./cli-usage-error.js";

/**
 * The one CLI every reference server shares: stdio by default, `--http <port>` for
 * stateless Streamable HTTP on 127.0.0.1, `--help`, and the vertical's own flags.
 *
 * @example
 * ```ts
 * await runServerCli({
 *   command: "mcp-template",
 *   summary: "Reference server of the template vertical.",
 *   identity: { name: "io.github.mcp-verticals/template", title: "Template", version: "0.1.0", description: "Template vertical" },
 *   createFactory: () => () => createTemplateServer(),
 * });
 * ```
 * @category Server
 */
/** The state flags, completed from the vertical's {@link ServerCliOptions.defaultState} when none is named. */
function withDefaultState(
  values: Record<string, string | boolean | string[] | undefined>,
  env: NodeJS.ProcessEnv,
  options: ServerCliOptions,
): { state?: unknown; postgres?: unknown } {
  const named = typeof values.state === "string" || typeof values.postgres === "string" || Boolean(env.DATABASE_URL);
  if (named || options.defaultState === undefined) return values;
  return { ...values, ...(options.defaultState(values, env) ?? {}) };
}

export async function runServerCli(options: ServerCliOptions): Promise<RunningCliServer | undefined> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const env = options.env ?? process.env;
  const ownFlags = Object.fromEntries(
    Object.entries(options.flags ?? {}).map(([name, flag]) => [name, { type: flag.type, ...(flag.multiple ? { multiple: true } : {}) }]),
  );
  const argv = options.argv ?? process.argv.slice(2);
  const subcommand = argv[0] !== undefined && !argv[0].startsWith("-") ? cliSubcommands().get(argv[0]) : undefined;
  if (subcommand !== undefined) {
    // An operator command on the same state instead of serving; its exit code becomes the process's.
    let split;
    try {
      split = extractStateFlags(argv.slice(1));
    } catch (error) {
      throw new CliUsageError(`${(error as Error).message}\nRun ${options.command} --help for usage.`);
    }
    const { state } = await openCliState(withDefaultState(split.values, env, options), env, options.command);
    try {
      const print = (line: string) => process.stdout.write(`${line}\n`);
      process.exitCode = await subcommand.run({ argv: split.rest, state, log, print, env, options });
    } finally {
      await state.close();
    }
    return undefined;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...BUILT_IN_FLAGS, ...ownFlags } as never, strict: true, allowPositionals: false });
  } catch (error) {
    throw new CliUsageError(`${(error as Error).message}\nRun ${options.command} --help for usage.`);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values.help) {
    log(helpText(options));
    return undefined;
  }
  if (values.version) {
    log(`${options.command} ${options.identity.version}`);
    return undefined;
  }
  const transport = values.http === undefined ? "stdio" : "http";
  const stateValues = withDefaultState(values, env, options);
  const { state, where } = await openCliState(stateValues, env, options.command);
  registerCliApprovalChannels(state, options.command, stateValues);
  let built;
  try {
    built = await options.createFactory({ flags: values, transport, env, state });
  } catch (error) {
    await state.close().catch(() => undefined);
    throw error;
  }
  const { factory: builtFactory, close: ownResources } = typeof built === "function" ? { factory: built, close: undefined } : built;
  const addOns: ServerAddOnDecorator[] = [];
  const addOnNotify = forwardingNotifier();
  for (const reference of Array.isArray(values["add-on"]) ? values["add-on"] : []) {
    try {
      addOns.push(await loadServerAddOn(reference, { command: options.command, state, transport, env, notify: addOnNotify }));
    } catch (error) {
      await Promise.resolve(ownResources?.()).catch(() => undefined);
      await state.close().catch(() => undefined);
      throw new CliUsageError((error as Error).message);
    }
  }
  const composed = withServerAddOns(builtFactory, addOns);
  const listing = values["list-all-tools"] ? listingEverything(composed) : composed;
  const selectionText = typeof values.toolsets === "string" ? values.toolsets : env.MCP_TOOLSETS;
  const factory = selectionText === undefined ? listing : selectingToolsets(listing, parseToolsetSelection(selectionText));
  if (selectionText !== undefined) {
    // Build one server now, so a misspelt toolset stops the start instead of every request.
    try {
      await factory({ era: "modern" });
    } catch (error) {
      await Promise.resolve(ownResources?.()).catch(() => undefined);
      await state.close().catch(() => undefined);
      const source = typeof values.toolsets === "string" ? "--toolsets" : "MCP_TOOLSETS";
      throw error instanceof TypeError ? new CliUsageError(`${source}: ${error.message}`) : error;
    }
  }
  const closeResources = async (): Promise<void> => {
    try {
      await ownResources?.();
    } finally {
      await state.close();
    }
  };

  let running: RunningCliServer;
  if (transport === "http") {
    const port = Number(values.http);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliUsageError(`--http expects a port number (0-65535).`);
    const maxBody = values["max-body-bytes"] === undefined ? undefined : Number(values["max-body-bytes"]);
    if (maxBody !== undefined && (!Number.isInteger(maxBody) || maxBody <= 0)) throw new CliUsageError(`--max-body-bytes expects a positive integer.`);
    const token = env.MCP_BEARER_TOKEN;
    const operatorToken = env.MCP_OPERATOR_TOKEN;
    const sessionSecret = env.MCP_SESSION_SECRET;
    const publicUrl = typeof values["public-url"] === "string" ? values["public-url"] : env.MCP_PUBLIC_URL;
    if (publicUrl !== undefined) {
      const field = typeof values["public-url"] === "string" ? "--public-url" : "MCP_PUBLIC_URL";
      try {
        publicBaseUrl(publicUrl, field);
      } catch (error) {
        throw new CliUsageError((error as Error).message);
      }
    }
    if (sessionSecret !== undefined && Buffer.byteLength(sessionSecret) < 32) throw new CliUsageError("MCP_SESSION_SECRET must be at least 32 bytes.");
    // Replicas sharing the state share the key that signs 2025 session ids, and route elicitation answers through it.
    const sessions = { state, secret: sessionSecret ?? (await sharedSecret(state, "mcp-session-ids")) };
    const http = await serveHttp(factory, {
      port,
      identity: options.identity,
      ...(typeof values.host === "string" ? { host: values.host } : {}),
      ...(Array.isArray(values["allowed-host"]) ? { allowedHosts: values["allowed-host"] } : {}),
      ...(Array.isArray(values["allowed-origin"]) ? { allowedOrigins: values["allowed-origin"] } : {}),
      ...(maxBody === undefined ? {} : { maxBodyBytes: maxBody }),
      ...(token ? { auth: { token } } : {}),
      ...(operatorToken ? { approvals: { state, operatorToken } } : {}),
      ...(publicUrl === undefined ? {} : { publicUrl }),
      sessions,
      onError: (error) => log(`[${options.command}] ${error.name}: ${error.message}`),
    });
    addOnNotify.target = http.notify;
    log(httpStartupLine({ command: options.command, url: http.url, cardUrl: http.cardUrl, publicUrl, bearer: Boolean(token), state: where }));
    running = { transport, url: http.url, close: async () => { await http.close(); await closeResources?.(); } };
  } else {
    const stdio = serveStdio(factory, { onerror: (error) => log(`[${options.command}] ${error.name}: ${error.message}`) });
    log(`${options.command} serving MCP on stdio; state: ${where}`);
    running = { transport, close: async () => { await stdio.close(); await closeResources?.(); } };
  }

  if (options.handleSignals ?? true) {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log(`${options.command} received ${signal}, shutting down`);
      running.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once("SIGINT", () => stop("SIGINT"));
    process.once("SIGTERM", () => stop("SIGTERM"));
  }
  return running;
}

/**
 * The `--help` text of a reference server.
 * @category Server
 */
export function helpText(options: Pick<ServerCliOptions, "command" | "summary" | "flags" | "environment" | "toolsets" | "auditLog">): string {
  const rows: [string, string][] = [
    ["--http <port>", "Serve stateless Streamable HTTP on 127.0.0.1:<port> instead of stdio (0 picks a free port)."],
    ["--host <address>", "Interface to bind with --http (default 127.0.0.1). Exposing it needs --allowed-host."],
    ["--allowed-host <name>", "Accept this Host header (repeatable; loopback names by default)."],
    ["--allowed-origin <name>", "Accept this Origin host name (repeatable; loopback names by default)."],
    ["--max-body-bytes <n>", "Largest HTTP request body accepted (default 1048576)."],
    ["--public-url <url>", "With --http, the absolute http(s) URL people reach this server at behind a proxy; approval links, the server card and the AI Catalog name it (or MCP_PUBLIC_URL)."],
    ["--list-all-tools", "List every tool, resource and prompt whatever the client negotiated (debugging; calls stay gated)."],
    ["--toolsets <a,b>", "Serve only these toolsets (also all, default, none; default: the ones marked default below, or MCP_TOOLSETS). Tools, prompts and resources outside them are neither listed nor served."],
    ["--add-on <module>[#export]", "Compose this ServerAddOn module's bindings onto every server instance (repeatable; a ./path or a package name)."],
    ...stateHelpRows(options.command),
    ...Object.entries(options.flags ?? {}).map(([name, flag]): [string, string] => [
      `--${name}${flag.type === "string" ? ` ${flag.valueName ?? "<value>"}` : ""}`,
      flag.description,
    ]),
    ["--version", "Print the version."],
    ["-h, --help", "Print this help."],
  ];
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  const environment = {
    MCP_TOOLSETS: "Toolsets to serve when --toolsets is not given (comma separated).",
    MCP_BEARER_TOKEN: "With --http, require this bearer token on every MCP request.",
    MCP_OPERATOR_TOKEN: "With --http, serve the human approval page at /approvals/<id>; deciding needs this credential (not the bearer token).",
    MCP_PUBLIC_URL: "With --http, the public base URL for approval links, the server card and the AI Catalog when --public-url is not given.",
    MCP_SESSION_SECRET: "With --http, the key (at least 32 bytes) signing 2025-era session ids; default: the shared state's own secret.",
    DATABASE_URL: "PostgreSQL URL for the shared state when --postgres is not given.",
    XDG_STATE_HOME: "Directory of the default --state file.",
    ...options.environment,
  };
  const commands = [...cliSubcommands().values()];
  const toolsets = Object.entries(options.toolsets ?? {});
  return [
    `Usage: ${options.command} [options]`,
    ...(commands.length > 0 ? [`       ${options.command} <command> [args] [--state <file> | --postgres <url>]`] : []),
    "",
    options.summary,
    "",
    "Options:",
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`),
    "",
    "Environment:",
    ...Object.entries(environment).map(([name, description]) => `  ${name.padEnd(width)}${description}`),
    ...(toolsets.length > 0
      ? ["", "Toolsets (--toolsets):", ...toolsets.map(([name, toolset]) => `  ${name.padEnd(width)}${toolset.description}${toolset.default ? " (default)" : ""}`)]
      : []),
    ...(commands.length > 0 ? ["", "Commands (run on the shared state instead of serving):", ...commands.map((command) => `  ${command.name.padEnd(width)}${typeof command.summary === "function" ? command.summary(options) : command.summary}`)] : []),
  ].join("\n");
}

/**
 * Runs {@link runServerCli} as a process entry point: usage errors print and exit 2,
 * start-up failures print their message (never a stack with data) and exit 1.
 *
 * @example
 * ```ts
 * // bin.ts
 * void runServerBin({ command: "mcp-template", summary: "…", identity, createFactory: () => () => createTemplateServer() });
 * ```
 * @category Server
 */
export async function runServerBin(options: ServerCliOptions): Promise<void> {
  try {
    await runServerCli(options);
  } catch (error) {
    const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    log(`${options.command}: ${(error as Error).message}`);
    process.exit(error instanceof CliUsageError ? 2 : 1);
  }
}
