import { readFile } from "node:fs/promises";
import type { Client } from "@modelcontextprotocol/client";
import { createMcpHandler, type McpServerFactory } from "@modelcontextprotocol/server";
import { z } from "zod";
import type { AnyExtension } from "../extension/define.js";
import { extensionIdProblem } from "../extension/id.js";
import { isJsonSchemaFresh } from "../extension/json-schema.js";
import type { ProtocolEra } from "../extension/bindings.js";
import { connectInProcess, MODERN_PROTOCOL_VERSION } from "./connect.js";
import { UNSUPPORTED_EXTENSION_VERSION_CODE } from "../server/declaration-check.js";
import { toolErrorOf } from "../tool-error.js";
import { advertisedExtensions } from "../server/server-card.js";
import { TOOLSET_NOT_ENABLED } from "../server/toolsets.js";
import { DEFAULT_TOOLS_LIST_BUDGET_BYTES, jsonBytes, textSummaryProblem, undescribedFields } from "./schema-rules.js";
import { checkListedPortable, checkUnservedPortable } from "./portable-rule.js";

/**
 * The rules {@link runConformance} checks, by id.
 * @category Testing
 */
export const CONFORMANCE_RULES = {
  "id.valid": "The extension id follows the SEP-2133 grammar and avoids reserved prefixes.",
  "advertise.legacy": "A 2025 client sees the extension and its versions in the initialize capabilities.",
  "advertise.modern": "A 2026-07-28 client sees the extension and its versions via server/discover.",
  "settings.server-valid": "The advertised settings validate against the server settings schema.",
  "settings.client-invalid-rejected": "Unknown or invalid client settings are refused the first time the server sees them (initialize, server/discover) with -32602 and data.field naming the exact key.",
  "settings.version-mismatch": "A client that declares only versions the server does not serve is refused with the unsupported-extension-version error listing the server's versions.",
  "tools.listed": "Every tool of the active toolsets (all tools when the extension declares none) appears in tools/list for a client that declared the extension.",
  "toolsets.unselected-hidden": "A tool or prompt outside the active toolsets (as advertised in capabilities.extensions[id].toolsets) is listed to no client, and calling or getting it answers TOOLSET_NOT_ENABLED naming its toolset.",
  "lists.plain-callable": "A plain client's tools/list shows only tools it can call: each listed tool's example never answers -32021.",
  "tools.described": "Every tool has a description, input and output schema, the four annotation hints and _meta[<id>].",
  "tools.examples-valid": "Every tool example succeeds for a declaring client and its structuredContent validates (a write may instead wait for a human: APPROVAL_PENDING).",
  "methods.examples-valid": "Every method example succeeds for a declaring client and its result validates.",
  "resources.readable": "Every resource example URI reads for a declaring client.",
  "prompts.renderable": "Every prompt example renders for a declaring client.",
  "gating.required": "Bindings that require the client extension answer -32021 with data.requiredCapabilities to plain clients.",
  "fallback.plain-client": "Bindings that do not require the extension serve plain clients in both eras (a write may instead wait for a human: APPROVAL_PENDING).",
  "schema.fresh": "The checked-in JSON Schema file equals what the extension exports now.",
  "schema.described": "Every field of every schema (tool inputs and outputs, server and client settings, nested objects, items of arrays of objects) has a description (zod .describe()).",
  "tools.text-summary": "The text content of a successful tool result is a human summary, never the JSON of its structuredContent (nor any JSON object or array).",
  "schema.portable":
    "Every tool's input and output schema, of every toolset, as listed in both eras, is portable (MCP Inspector's --strict findings): no bare true/false where a schema is expected, no type array, no $ref outside the document, no schema that constrains nothing.",
  "tools.list-budget": "The tools/list a plain client and a declaring client receive by default fit the budget (default 12 KB = 12 * 1024 bytes); the message reports both sizes.",
} as const;

/**
 * Id of a conformance rule.
 * @category Testing
 */
export type ConformanceRuleId = keyof typeof CONFORMANCE_RULES;

/**
 * The outcome of one rule (in one era where it applies).
 * @category Testing
 */
export interface ConformanceResult {
  rule: ConformanceRuleId;
  ok: boolean;
  message: string;
}

/**
 * What {@link runConformance} returns.
 * @category Testing
 */
export interface ConformanceReport {
  extensionId: string;
  results: ConformanceResult[];
  passed: number;
  /** The failing results; empty when the extension conforms. */
  failures: ConformanceResult[];
}

/**
 * Options for {@link runConformance}.
 * @category Testing
 */
export interface ConformanceOptions {
  /** Valid client settings a declaring client uses (default `{}`). */
  clientSettings?: Record<string, unknown>;
  /** Path of the checked-in JSON Schema file to compare (rule `schema.fresh`). */
  schemaFile?: string;
  /** Transports to exercise (default both). */
  transports?: ("memory" | "http")[];
  /** Largest default tools/list answer allowed, in bytes (rule `tools.list-budget`; default 12 * 1024). */
  toolsListBudgetBytes?: number;
  /** Rules left out of the report while an extension adopts them; each entry is a known gap. */
  skip?: readonly ConformanceRuleId[];
}

const ERAS: readonly ProtocolEra[] = ["legacy", "modern"];

/**
 * Checks an extension served by a factory against {@link CONFORMANCE_RULES} with the
 * official client, in both protocol eras. Every vertical's tests call it.
 *
 * @example
 * ```ts
 * const report = await runConformance(templateExtension, () => createTemplateServer(), { schemaFile: "schema.json" });
 * expect(report.failures).toEqual([]);
 * ```
 * @category Testing
 */
export async function runConformance(defined: AnyExtension, factory: McpServerFactory, options: ConformanceOptions = {}): Promise<ConformanceReport> {
  // The rules below check the tools the server serves; tools of unselected toolsets get their own rule.
  const { served, unserved, servedPrompts, unservedPrompts, servedResources } = await toolsetSplit(defined, factory);
  const extension: AnyExtension = { ...defined, tools: served, prompts: servedPrompts, resources: servedResources };
  const results: ConformanceResult[] = [];
  const check = (rule: ConformanceRuleId, ok: boolean, message: string) => results.push({ rule, ok, message });
  const attempt = async (rule: ConformanceRuleId, label: string, run: () => Promise<string | undefined>) => {
    try {
      const problem = await run();
      check(rule, problem === undefined, problem ?? `${label}: ok`);
    } catch (error) {
      check(rule, false, `${label}: ${(error as Error).message}`);
    }
  };
  const declaring = { [extension.id]: { ...options.clientSettings, versions: [...extension.versions] } };
  checkDescribed(defined, check);
  checkUnservedPortable(unserved, check);
  const budget = options.toolsListBudgetBytes ?? DEFAULT_TOOLS_LIST_BUDGET_BYTES;
  const idProblem = extensionIdProblem(extension.id);
  check("id.valid", idProblem === undefined, idProblem ?? `${extension.id} is a valid extension id`);

  for (const transport of options.transports ?? ["memory", "http"]) {
    for (const era of ERAS) {
      const label = `${era}/${transport}`;
      // 2025 clients over stateless HTTP keep their initialize declarations in a signed session id.
      const declarationsVisible = true;
      const plain = await connectInProcess(factory, { era, transport });
      const measureBudget = transport === (options.transports ?? ["memory"])[0];
      try {
        if (measureBudget) checkBudget(await plain.client.listTools(), budget, `${label} plain`, check);
        await attempt(era === "legacy" ? "advertise.legacy" : "advertise.modern", label, async () => {
          const advertised = plain.client.getServerCapabilities()?.extensions?.[extension.id] as Record<string, unknown> | undefined;
          if (!advertised) return `${label}: the extension is missing from the server capabilities`;
          if (!Array.isArray(advertised.versions)) return `${label}: the advertised settings lack a versions array`;
          const { versions: _versions, ...rest } = advertised;
          const parsed = extension.serverSettings.safeParse(rest);
          check("settings.server-valid", parsed.success, parsed.success ? `${label}: advertised settings validate` : `${label}: ${parsed.error.issues[0]?.message}`);
          return undefined;
        });
        await checkPlainListsCallable(extension, plain.client, label, attempt);
        await checkUnservedTools(unserved, plain.client, label, attempt);
        await checkUnservedPrompts(unservedPrompts, plain.client, label, attempt);
        await checkGatingAndFallback(extension, plain.client, label, attempt);
      } finally {
        await plain.close();
      }

      const declared = await connectInProcess(factory, { era, transport, extensions: declaring });
      try {
        const listed = await declared.client.listTools();
        if (measureBudget) checkBudget(listed, budget, `${label} declaring`, check);
        if (transport === (options.transports ?? ["memory"])[0]) checkListedPortable(extension, listed.tools, era, check);
        if (declarationsVisible) await attempt("tools.listed", label, async () => {
          const names = new Set(listed.tools.map((tool) => tool.name));
          const missing = extension.tools.filter((tool) => !names.has(tool.name)).map((tool) => tool.name);
          return missing.length ? `${label}: not listed: ${missing.join(", ")}` : undefined;
        });
        if (era === "modern" && transport === (options.transports ?? ["memory"])[0]) {
          for (const tool of extension.tools) {
            const entry = listed.tools.find((candidate) => candidate.name === tool.name);
            await attempt("tools.described", tool.name, async () => {
              if (!entry) return `${tool.name}: not listed`;
              const hints = ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"] as const;
              if (!entry.description?.trim()) return `${tool.name}: no description`;
              if (!entry.inputSchema || !entry.outputSchema) return `${tool.name}: missing input or output schema`;
              const missingHints = hints.filter((hint) => typeof entry.annotations?.[hint] !== "boolean");
              if (missingHints.length) return `${tool.name}: annotations lack ${missingHints.join(", ")}`;
              if (!entry._meta || !(extension.id in entry._meta)) return `${tool.name}: no _meta["${extension.id}"]`;
              return undefined;
            });
          }
        }
        if (declarationsVisible) await checkExamples(extension, declared.client, label, attempt);
        await checkUnservedTools(unserved, declared.client, `${label} declaring`, attempt);
        await checkUnservedPrompts(unservedPrompts, declared.client, `${label} declaring`, attempt);
      } finally {
        await declared.close();
      }
    }
  }

  for (const era of ERAS) {
    await attempt("settings.client-invalid-rejected", era, async () => {
      const outcome = await declarationOutcome(factory, era, extension.id, { ...options.clientSettings, __conformance_unknown__: true });
      const field = `capabilities.extensions["${extension.id}"].__conformance_unknown__`;
      if (outcome.code !== -32602) return `${era}: a client with an unknown settings key was not refused with -32602 (got ${outcome.code ?? "success"}); use z.strictObject for client settings`;
      return outcome.field === field ? undefined : `${era}: data.field is ${String(outcome.field)}, expected ${field}`;
    });
    await attempt("settings.version-mismatch", era, async () => {
      const outcome = await declarationOutcome(factory, era, extension.id, { ...options.clientSettings, versions: ["0.0.0-none"] });
      if (outcome.code !== UNSUPPORTED_EXTENSION_VERSION_CODE) return `${era}: expected ${UNSUPPORTED_EXTENSION_VERSION_CODE} for a version the server does not serve, got ${outcome.code ?? "success"}`;
      const supported = outcome.data?.supported;
      return Array.isArray(supported) && supported.length === extension.versions.length ? undefined : `${era}: the error does not list the server's versions`;
    });
  }

  if (options.schemaFile) {
    await attempt("schema.fresh", options.schemaFile, async () => {
      const text = await readFile(options.schemaFile!, "utf8");
      return isJsonSchemaFresh(defined, text) ? undefined : `${options.schemaFile} is stale: regenerate it from the extension`;
    });
  }
  const skipped = new Set(options.skip ?? []);
  const kept = results.filter((result) => !skipped.has(result.rule));
  results.splice(0, results.length, ...kept);
  const failures = results.filter((result) => !result.ok);
  return { extensionId: extension.id, results, passed: results.length - failures.length, failures };
}

interface ToolsetSplit {
  served: AnyExtension["tools"];
  unserved: AnyExtension["tools"];
  servedPrompts: AnyExtension["prompts"];
  unservedPrompts: AnyExtension["prompts"];
  servedResources: AnyExtension["resources"];
}

/** Splits the tools, prompts and resources into those the factory's server serves and those its toolset selection leaves out. */
async function toolsetSplit(extension: AnyExtension, factory: McpServerFactory): Promise<ToolsetSplit> {
  const { tools, prompts, resources } = extension;
  if (Object.keys(extension.toolsets).length === 0) return { served: tools, unserved: [], servedPrompts: prompts, unservedPrompts: [], servedResources: resources };
  const advertised = (await advertisedExtensions(factory))[extension.id] as { toolsets?: unknown } | undefined;
  const active = Array.isArray(advertised?.toolsets) ? new Set(advertised.toolsets as string[]) : undefined;
  const isServed = (binding: { readonly toolset?: string }) => binding.toolset === undefined || active === undefined || active.has(binding.toolset);
  return {
    served: tools.filter(isServed),
    unserved: tools.filter((tool) => !isServed(tool)),
    servedPrompts: prompts.filter(isServed),
    unservedPrompts: prompts.filter((prompt) => !isServed(prompt)),
    servedResources: resources.filter(isServed),
  };
}

/** A prompt of an unselected toolset is listed to no client, and prompts/get answers TOOLSET_NOT_ENABLED naming its toolset. */
async function checkUnservedPrompts(unserved: AnyExtension["prompts"], client: Client, label: string, attempt: Attempt): Promise<void> {
  if (unserved.length === 0) return;
  const listed = new Set((await client.listPrompts()).prompts.map((prompt) => prompt.name));
  for (const prompt of unserved) {
    await attempt("toolsets.unselected-hidden", `${label} prompt ${prompt.name}`, async () => {
      if (listed.has(prompt.name)) return `${label} prompt ${prompt.name}: listed although its toolset ${prompt.toolset} is not active`;
      const outcome = await captureCall(() => client.getPrompt({ name: prompt.name, arguments: (prompt.examples?.[0] ?? {}) as Record<string, string> }));
      if (outcome.ok) return `${label} prompt ${prompt.name}: served although its toolset ${prompt.toolset} is not active`;
      const data = outcome.data as { code?: unknown; data?: { toolset?: unknown } } | undefined;
      if (data?.code !== TOOLSET_NOT_ENABLED || data.data?.toolset !== prompt.toolset) return `${label} prompt ${prompt.name}: refused without naming its toolset (${outcome.code} ${outcome.message})`;
      return undefined;
    });
  }
}

async function checkUnservedTools(unserved: AnyExtension["tools"], client: Client, label: string, attempt: Attempt): Promise<void> {
  if (unserved.length === 0) return;
  const listed = new Set((await client.listTools()).tools.map((tool) => tool.name));
  for (const tool of unserved) {
    await attempt("toolsets.unselected-hidden", `${label} ${tool.name}`, async () => {
      if (listed.has(tool.name)) return `${label} ${tool.name}: listed although its toolset ${tool.toolset} is not active`;
      const outcome = await captureCall(() => client.callTool({ name: tool.name, arguments: (tool.examples?.[0] ?? {}) as Record<string, unknown> }));
      if (!outcome.ok) return `${label} ${tool.name}: expected a TOOLSET_NOT_ENABLED result, got error ${outcome.code} (${outcome.message})`;
      const error = toolErrorOf(outcome.value as { _meta?: unknown });
      if (error?.code !== TOOLSET_NOT_ENABLED || error.data?.toolset !== tool.toolset) return `${label} ${tool.name}: served or refused without naming its toolset`;
      return undefined;
    });
  }
}

/** Passing or failing, the result carries the size, so a report prints it. */
function checkBudget(listed: unknown, budget: number, label: string, check: (rule: ConformanceRuleId, ok: boolean, message: string) => void): void {
  const bytes = jsonBytes(listed);
  check("tools.list-budget", bytes <= budget, `${label}: tools/list is ${bytes} bytes (${(bytes / 1024).toFixed(1)} KB, budget ${budget} bytes)`);
}

function checkDescribed(extension: AnyExtension, check: (rule: ConformanceRuleId, ok: boolean, message: string) => void): void {
  const schemas: [string, z.ZodType, "input" | "output"][] = [
    ["serverSettings", extension.serverSettings, "output"],
    ["clientSettings", extension.clientSettings, "input"],
    ...extension.tools.flatMap((tool): [string, z.ZodType, "input" | "output"][] => [
      [`${tool.name} input`, tool.input, "input"],
      [`${tool.name} output`, tool.output, "output"],
    ]),
  ];
  for (const [label, schema, io] of schemas) {
    const missing = undescribedFields(z.toJSONSchema(schema, { io }));
    check("schema.described", missing.length === 0, missing.length === 0 ? `${label}: every field described` : `${label}: no description on ${missing.join(", ")}`);
  }
}

type DeclarationOutcome = { code: number | undefined; field: unknown; data: Record<string, unknown> | undefined };

/**
 * How the server answers the first request that carries `settings`: `initialize` in the 2025
 * era (through the official client), `server/discover` in the 2026-07-28 era (sent as is,
 * because a pinned client reports a failed discover only as a negotiation failure).
 */
async function declarationOutcome(factory: McpServerFactory, era: ProtocolEra, extensionId: string, settings: Record<string, unknown>): Promise<DeclarationOutcome> {
  if (era === "legacy") {
    try {
      const connection = await connectInProcess(factory, { era, extensions: { [extensionId]: settings } });
      await connection.close();
      return { code: undefined, field: undefined, data: undefined };
    } catch (error) {
      const { code, data } = error as { code?: number; data?: Record<string, unknown> };
      return { code, field: data?.field, data };
    }
  }
  const handler = createMcpHandler(factory);
  try {
    const response = await handler.fetch(
      new Request("http://127.0.0.1/mcp", {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-protocol-version": MODERN_PROTOCOL_VERSION, "mcp-method": "server/discover" },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "server/discover",
          params: {
            _meta: {
              "io.modelcontextprotocol/protocolVersion": MODERN_PROTOCOL_VERSION,
              "io.modelcontextprotocol/clientInfo": { name: "mcp-verticals-conformance", version: "0" },
              "io.modelcontextprotocol/clientCapabilities": { extensions: { [extensionId]: settings } },
            },
          },
        }),
      }),
    );
    const text = await response.text();
    const json = text.startsWith("{") ? text : (text.split("\n").find((line) => line.startsWith("data:"))?.slice(5) ?? "{}");
    const error = (JSON.parse(json) as { error?: { code?: number; data?: Record<string, unknown> } }).error;
    return { code: error?.code, field: error?.data?.field, data: error?.data };
  } finally {
    await handler.close();
  }
}

async function checkPlainListsCallable(extension: AnyExtension, client: Client, label: string, attempt: Attempt): Promise<void> {
  const { tools } = await client.listTools();
  for (const listed of tools) {
    const tool = extension.tools.find((candidate) => candidate.name === listed.name);
    const example = tool?.examples?.[0];
    if (!tool || example === undefined) continue;
    await attempt("lists.plain-callable", `${label} ${tool.name}`, async () => {
      const outcome = await captureCall(() => client.callTool({ name: tool.name, arguments: example as Record<string, unknown> }));
      return !outcome.ok && outcome.code === -32021 ? `${label} ${tool.name}: listed to a plain client but answers -32021` : undefined;
    });
  }
}

type Attempt = (rule: ConformanceRuleId, label: string, run: () => Promise<string | undefined>) => Promise<void>;
type CallOutcome = { ok: true; value: unknown } | { ok: false; code: number | undefined; message: string; data?: unknown };

async function captureCall(run: () => Promise<unknown>): Promise<CallOutcome> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    const { code, message, data } = error as { code?: number; message?: string; data?: unknown };
    return { ok: false, code, message: message ?? String(error), data };
  }
}

async function callAnyBinding(extension: AnyExtension, client: Client): Promise<CallOutcome | "no-binding"> {
  const tool = extension.tools.find((candidate) => candidate.examples?.length);
  if (tool) return captureCall(() => client.callTool({ name: tool.name, arguments: tool.examples![0] as Record<string, unknown> }));
  const method = extension.methods.find((candidate) => candidate.examples?.length);
  if (method) return captureCall(() => client.request({ method: extension.methodName(method.verb), params: method.examples![0] } as never, z.looseObject({})));
  return "no-binding";
}

/** A write that answered "a human must approve this first" reached its handler and refused as documented. */
/** SDK v1 clients check an error result's structuredContent against the output schema too. */
function errorShapeProblem(result: { isError?: boolean; structuredContent?: unknown }, output: z.ZodType, label: string): string | undefined {
  if (!result.isError || result.structuredContent === undefined || output.safeParse(result.structuredContent).success) return undefined;
  return `${label}: an isError result carries structuredContent that fails the output schema (SDK v1 clients reject it with -32602); put the typed error in _meta`;
}

function awaitsHuman(result: { isError?: boolean; _meta?: unknown }): boolean {
  return toolErrorOf(result)?.code === "APPROVAL_PENDING";
}

async function checkGatingAndFallback(extension: AnyExtension, client: Client, label: string, attempt: Attempt): Promise<void> {
  for (const tool of extension.tools) {
    const example = tool.examples?.[0];
    if (example === undefined) continue;
    if (tool.requiresClientExtension) {
      await attempt("gating.required", `${label} ${tool.name}`, async () => {
        const outcome = await captureCall(() => client.callTool({ name: tool.name, arguments: example as Record<string, unknown> }));
        return requiredCapabilityProblem(extension.id, outcome, `${label} ${tool.name}`);
      });
    } else {
      await attempt("fallback.plain-client", `${label} ${tool.name}`, async () => {
        const result = await client.callTool({ name: tool.name, arguments: example as Record<string, unknown> });
        const shape = errorShapeProblem(result, tool.output, `${label} ${tool.name}`);
        if (shape) return shape;
        if (awaitsHuman(result)) return undefined;
        if (result.isError) return `${label} ${tool.name}: failed for a plain client: ${JSON.stringify(result.content).slice(0, 200)}`;
        const parsed = tool.output.safeParse(result.structuredContent);
        return parsed.success ? undefined : `${label} ${tool.name}: output does not validate`;
      });
    }
  }
  for (const method of extension.methods) {
    const example = method.examples?.[0];
    if (example === undefined) continue;
    if (method.requiresClientExtension ?? true) {
      await attempt("gating.required", `${label} ${method.verb}`, async () => {
        const outcome = await captureCall(() => client.request({ method: extension.methodName(method.verb), params: example } as never, z.looseObject({})));
        return requiredCapabilityProblem(extension.id, outcome, `${label} ${method.verb}`);
      });
    }
  }
  for (const prompt of extension.prompts) {
    const example = prompt.examples?.[0];
    if (example === undefined || prompt.requiresClientExtension) continue;
    await attempt("fallback.plain-client", `${label} prompt ${prompt.name}`, async () => {
      await client.getPrompt({ name: prompt.name, arguments: example as Record<string, string> });
      return undefined;
    });
  }
}

function requiredCapabilityProblem(extensionId: string, outcome: CallOutcome, label: string): string | undefined {
  if (outcome.ok) return `${label}: served a client that did not declare the extension`;
  if (outcome.code !== -32021) return `${label}: expected -32021, got ${outcome.code} (${outcome.message})`;
  return undefined;
}

async function checkExamples(extension: AnyExtension, client: Client, label: string, attempt: Attempt): Promise<void> {
  for (const tool of extension.tools) {
    for (const [index, example] of (tool.examples ?? []).entries()) {
      await attempt("tools.examples-valid", `${label} ${tool.name}#${index}`, async () => {
        const result = await client.callTool({ name: tool.name, arguments: example as Record<string, unknown> });
        const shape = errorShapeProblem(result, tool.output, `${label} ${tool.name}#${index}`);
        if (shape) return shape;
        if (awaitsHuman(result)) return undefined;
        if (result.isError) return `${label} ${tool.name}#${index}: ${JSON.stringify(toolErrorOf(result) ?? result.content).slice(0, 300)}`;
        const parsed = tool.output.safeParse(result.structuredContent);
        if (!parsed.success) return `${label} ${tool.name}#${index}: structuredContent does not validate (${parsed.error.issues[0]?.message})`;
        await attempt("tools.text-summary", `${label} ${tool.name}#${index}`, async () => {
          const texts = (result.content as { type: string; text?: string }[]).filter((item) => item.type === "text");
          if (texts.length === 0) return `${label} ${tool.name}#${index}: no text content`;
          const problem = texts.map((item) => textSummaryProblem(item.text ?? "", result.structuredContent)).find((found) => found !== undefined);
          return problem === undefined ? undefined : `${label} ${tool.name}#${index}: ${problem}`;
        });
        return undefined;
      });
    }
  }
  for (const method of extension.methods) {
    for (const [index, example] of (method.examples ?? []).entries()) {
      await attempt("methods.examples-valid", `${label} ${method.verb}#${index}`, async () => {
        const result = (await client.request({ method: extension.methodName(method.verb), params: example } as never, z.looseObject({}))) as Record<string, unknown>;
        const { _meta: _drop, resultType: _type, ...clean } = result;
        const parsed = method.result.safeParse(clean);
        return parsed.success ? undefined : `${label} ${method.verb}#${index}: result does not validate`;
      });
    }
  }
  for (const resource of extension.resources) {
    const uri = resource.example ?? (resource.uri.includes("{") ? undefined : resource.uri);
    if (!uri) continue;
    await attempt("resources.readable", `${label} ${uri}`, async () => {
      const read = await client.readResource({ uri });
      return read.contents.length > 0 ? undefined : `${label} ${uri}: no contents`;
    });
  }
  for (const prompt of extension.prompts) {
    for (const [index, example] of (prompt.examples ?? []).entries()) {
      await attempt("prompts.renderable", `${label} ${prompt.name}#${index}`, async () => {
        const rendered = await client.getPrompt({ name: prompt.name, arguments: example as Record<string, string> });
        return rendered.messages.length > 0 ? undefined : `${label} ${prompt.name}#${index}: no messages`;
      });
    }
  }
}
