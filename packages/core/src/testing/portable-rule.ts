import type { AnyExtension } from "../extension/define.js";
import type { ProtocolEra } from "../extension/bindings.js";
import { portableToolSchema } from "../extension/portable-schema.js";
import { schemaPortabilityFindings } from "./schema-portability.js";

type Check = (rule: "schema.portable", ok: boolean, message: string) => void;
type ListedTool = { name: string; inputSchema?: unknown; outputSchema?: unknown };

/** One result per tool schema: every finding named by path, with what to write instead. */
function checkSchema(label: string, schema: unknown, check: Check): void {
  const findings = schemaPortabilityFindings(schema);
  const described = findings.map((finding) => `${finding.rule} at ${finding.path || "(root)"} (${finding.fix})`);
  check("schema.portable", findings.length === 0, findings.length === 0 ? `${label}: portable` : `${label}: ${described.join("; ")}`);
}

/** The extension's tools as a declaring client receives them in one era. */
export function checkListedPortable(extension: AnyExtension, listed: readonly ListedTool[], era: ProtocolEra, check: Check): void {
  const own = new Set(extension.tools.map((tool) => tool.name));
  for (const tool of listed) {
    if (!own.has(tool.name)) continue;
    checkSchema(`${era} ${tool.name} inputSchema`, tool.inputSchema, check);
    if (tool.outputSchema !== undefined) checkSchema(`${era} ${tool.name} outputSchema`, tool.outputSchema, check);
  }
}

/** Tools of toolsets the server does not serve, as core would list them once an operator turns them on. */
export function checkUnservedPortable(unserved: AnyExtension["tools"], check: Check): void {
  for (const tool of unserved) {
    checkSchema(`${tool.name} inputSchema (toolset ${tool.toolset}, not served)`, portableToolSchema(tool.input, "input"), check);
    checkSchema(`${tool.name} outputSchema (toolset ${tool.toolset}, not served)`, portableToolSchema(tool.output, "output"), check);
  }
}
