import { z } from "zod";
import type { AnyExtension } from "./define.js";

/**
 * A JSON Schema document.
 * @category Extension
 */
export type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema document of an extension: settings on both sides, every tool's input
 * and output, every method's params and result, every prompt's arguments. Deterministic,
 * so a checked-in copy can be compared byte for byte (see {@link isJsonSchemaFresh}).
 *
 * @example
 * ```ts
 * const document = extensionJsonSchema(myExtension);
 * ```
 * @category Extension
 */
export function extensionJsonSchema(extension: AnyExtension): JsonSchema {
  const toSchema = (schema: z.ZodType, io: "input" | "output") => {
    const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, target: "draft-2020-12" }) as JsonSchema;
    return rest;
  };
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: `urn:mcp-extension:${extension.id}`,
    title: extension.title,
    description: extension.description,
    "x-extension-id": extension.id,
    "x-versions": [...extension.versions],
    $defs: {
      serverSettings: toSchema(extension.serverSettings, "output"),
      clientSettings: toSchema(extension.clientSettings, "input"),
      ...Object.fromEntries(
        extension.tools.flatMap((tool) => [
          [`tool.${tool.name}.input`, toSchema(tool.input, "input")],
          [`tool.${tool.name}.output`, toSchema(tool.output, "output")],
        ]),
      ),
      ...Object.fromEntries(
        extension.methods.flatMap((method) => [
          [`method.${method.verb}.params`, toSchema(method.params, "input")],
          [`method.${method.verb}.result`, toSchema(method.result, "output")],
        ]),
      ),
      ...Object.fromEntries(extension.prompts.map((prompt) => [`prompt.${prompt.name}.args`, toSchema(prompt.args, "input")])),
    },
  };
}

/**
 * The exported JSON Schema as the text written to a package's `schema.json`.
 * @category Extension
 */
export function extensionJsonSchemaText(extension: AnyExtension): string {
  return `${JSON.stringify(extensionJsonSchema(extension), null, 2)}\n`;
}

/**
 * Whether checked-in schema text equals what the extension exports now.
 * @category Extension
 */
export function isJsonSchemaFresh(extension: AnyExtension, checkedInText: string): boolean {
  return checkedInText === extensionJsonSchemaText(extension);
}
