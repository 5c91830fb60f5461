import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { z } from "zod";
import type { EducationContext } from "../context.js";
import type { CfPackage } from "../schemas/case.js";
import { fetchCasePackage, importCasePackage, parseCasePackage } from "../standards/case-import.js";
import { integer } from "../schemas/lean.js";
import { approvedWrite, callerOf, IdempotencyKeyInput, requireWrite, WriteOutcome } from "./shared.js";

/** `edu_import_framework`: import a CASE 1.1 package from its JSON or from a CASE provider. */
export const importFrameworkTool = defineTool({
  name: "edu_import_framework",
  toolset: "standards",
  title: "Import a standards framework (CASE 1.1)",
  description:
    "Imports a CASE 1.1 CFPackage from json or from url (a provider's /ims/case/v1p1/CFPackages/{id}; allowed providers only), replacing one with the same identifier. A human approves (else APPROVAL_PENDING; call again after). Teachers and admins.",
  input: z
    .object({
      json: z.string().max(20 * 1024 * 1024).optional().describe("CFPackage JSON text."),
      url: z.string().max(2048).optional().describe("CASE 1.1 provider package URL."),
      idempotencyKey: IdempotencyKeyInput,
    })
    .refine((input) => (input.json === undefined) !== (input.url === undefined), { message: "give exactly one of json or url", path: ["json"] }),
  output: z.object({
    ...WriteOutcome,
    frameworkId: z.string().describe("CFDocument identifier."),
    title: z.string().describe("Framework title."),
    items: integer("CFItems."),
    associations: integer("CFAssociations."),
    definitions: integer("CFDefinitions entries."),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  examples: [
    {
      json: JSON.stringify({
        CFDocument: { identifier: "c6496676-d7cb-11e8-824f-0242ac160002", uri: "https://case.example.org/ims/case/v1p1/CFDocuments/c6496676-d7cb-11e8-824f-0242ac160002", creator: "Example State", title: "Example framework", lastChangeDateTime: "2025-01-24T00:00:00+00:00" },
        CFItems: [{ identifier: "c6496677-d7cb-11e8-824f-0242ac160002", uri: "https://case.example.org/ims/case/v1p1/CFItems/c6496677-d7cb-11e8-824f-0242ac160002", fullStatement: "Use ratios to describe relationships.", lastChangeDateTime: "2025-01-24T00:00:00+00:00" }],
      }),
    },
  ],
  render: (out) => (out.status === "preview" ? out.preview : `Imported ${out.title}: ${out.items} statements, ${out.associations} associations.`),
  handler: async (input, context: EducationContext) => {
    const actor = await callerOf(context, "outcomes");
    requireWrite(context, "import_framework", actor);
    const { gateway, caseProviders } = context.services;
    let pkg: CfPackage;
    if (input.json !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(input.json);
      } catch {
        throw new ExtensionError("CASE_INVALID", "json is not JSON", { field: "json" });
      }
      pkg = parseCasePackage(parsed);
    } else {
      pkg = await fetchCasePackage(input.url!, { allowedOrigins: caseProviders ?? [] });
    }
    const { idempotencyKey, ...args } = input;
    const existing = gateway.store.listCasePackages().some((p) => p.CFDocument.identifier === pkg.CFDocument.identifier);
    const outcome = await approvedWrite(context, {
      binding: "edu_import_framework",
      actor,
      // The approval binds to the package content, not only to the URL, so a provider changing it between calls is caught.
      args: { ...args, content: JSON.stringify(pkg) },
      idempotencyKey,
      preview: {
        title: `${existing ? "Replace" : "Import"} this CASE framework?`,
        facts: [`Framework ${pkg.CFDocument.identifier}: ${pkg.CFItems.length} items, ${pkg.CFAssociations.length} associations`, existing ? "It replaces the framework with the same identifier." : "It is new to this server."],
        modelSupplied: [{ label: "framework title", text: pkg.CFDocument.title }],
      },
      write: async () => importCasePackage(gateway.store, pkg),
      verify: async () => gateway.store.listCasePackages().some((p) => p.CFDocument.identifier === pkg.CFDocument.identifier && p.CFItems.length === pkg.CFItems.length),
    });
    const { written: _written, ...rest } = outcome;
    const d = pkg.CFDefinitions;
    const definitions = (d?.CFConcepts?.length ?? 0) + (d?.CFSubjects?.length ?? 0) + (d?.CFLicenses?.length ?? 0) + (d?.CFItemTypes?.length ?? 0) + (d?.CFAssociationGroupings?.length ?? 0);
    return { ...rest, frameworkId: pkg.CFDocument.identifier, title: pkg.CFDocument.title, items: pkg.CFItems.length, associations: pkg.CFAssociations.length, definitions };
  },
});
