import type { Resource } from "@medplum/fhirtypes";
import { defineTool, ExtensionError } from "@mcp-verticals/core";
import { z } from "zod";
import type { HealthcareContext } from "../context.js";
import { EXPORT_FILE_TTL_MS, ExportWriter, exportIdFor, exportStore } from "../bulk/export-files.js";
import { guarded, present, realId, withinAccess, type AccessDecision } from "../phi/gateway.js";
import { grantingScopes } from "../phi/smart-scopes.js";
import { ResourceTypeItem } from "../schemas/settings.js";
import { Count, FhirId } from "../schemas/fhir.js";
import { requireServedType } from "./shared.js";

/** Resources fetched from the backend per page. */
const PAGE_SIZE = 100;


const ExportOutput = z.object({
  transactionTime: z.string().describe("When the export started (ISO 8601); resources changed later may be missing"),
  request: z.string().describe("The export as a FHIR Bulk Data kick-off URL"),
  requiresAccessToken: z.boolean().describe("Always true: files are readable only by the caller that exported them"),
  phiMode: z.string().describe("The PHI mode every exported resource was filtered with"),
  resourceCount: Count.describe("Resources written across all files"),
  output: z
    .array(
      z.object({
        type: z.string().describe("Resource type of every line in the file"),
        url: z.string().describe("MCP resource URI of the NDJSON file (read it with resources/read)"),
        count: Count.describe("Resources in the file"),
      }),
    )
    .describe("The NDJSON files, as in a Bulk Data completion manifest"),
  error: z.array(z.object({ type: z.string().describe("OperationOutcome"), url: z.string().describe("File URI") })).describe("OperationOutcome files (none: failures fail the export)"),
});

/** `fhir_bulk_export`: FHIR Bulk Data `$export` (system, Group or Patient level) into NDJSON files. */
export const fhirBulkExportTool = defineTool({
  name: "fhir_bulk_export",
  title: "FHIR Bulk Data export ($export)",
  toolset: "bulk",
  description:
    "Bulk Data $export into NDJSON files you read as MCP resources (fhir-export://...): level system, group (members of groupId) or patient (all patients, or patientId: for a record too large for patient_everything). Filter by types and since. PHI-filtered like fhir_read. Runs as a task where supported. Returns the manifest.",
  input: z.object({
    level: z.enum(["system", "group", "patient"]).describe("system: every served resource; group: one Group's members; patient: all patients, or patientId only"),
    groupId: FhirId.optional().describe("The Group to export (level group)"),
    patientId: z.string().regex(/^(Patient\/)?[A-Za-z0-9\-.]{1,64}$/).optional().describe("Only this patient's record (level patient); default: the patient in context"),
    types: z.array(ResourceTypeItem).min(1).max(12).optional().describe("_type: only these types (default: every served type your scopes allow)"),
    since: z.string().datetime({ offset: true }).optional().describe("_since: only resources changed after this instant, e.g. 2026-01-01T00:00:00Z"),
  }),
  output: ExportOutput,
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  task: "optional",
  taskResume: "restart",
  examples: [{ level: "system", types: ["Patient", "Condition"] }],
  render: (output) =>
    `Exported ${output.resourceCount} resources (${output.phiMode}) into ${output.output.length} NDJSON file(s):\n` +
    output.output.map((file) => `${file.url} ${file.count} ${file.type}`).join("\n"),
  handler: async (input, context: HealthcareContext) =>
    guarded(context, "fhir_bulk_export", "E", undefined, async (access) => {
      const types = exportTypes(context, access, input.types);
      const patients = await patientsInScope(context, access, input);
      const since = input.since ? Date.parse(input.since) : undefined;
      const transactionTime = new Date().toISOString();
      const state = exportStore(context.state);
      const writer = new ExportWriter(state, exportIdFor(context.task?.id), Date.now() + EXPORT_FILE_TTL_MS);
      const seen = new Set<string>();
      let written = 0;

      const emit = async (resource: Resource) => {
        const key = `${resource.resourceType}/${resource.id}`;
        if (seen.has(key) || !types.includes(resource.resourceType)) return;
        seen.add(key);
        const updated = resource.meta?.lastUpdated ? Date.parse(resource.meta.lastUpdated) : undefined;
        if (since !== undefined && updated !== undefined && updated <= since) return;
        if (withinAccess(access, [resource], "s").kept.length === 0) return;
        await writer.add(resource.resourceType, present(context, resource));
        written++;
      };

      try {
        if (patients === undefined) {
          // System level: each type page by page; the first page of each tells its total.
          const firsts = new Map<string, Awaited<ReturnType<typeof context.services.fhir.search>>>();
          let total = 0;
          for (const type of types) {
            context.signal.throwIfAborted();
            const first = await context.services.fhir.search(type, {}, { count: PAGE_SIZE });
            firsts.set(type, first);
            total += first.total ?? first.resources.length;
          }
          let done = 0;
          await context.progress(0, total, "resources");
          for (const type of types) {
            let page: Awaited<ReturnType<typeof context.services.fhir.search>> | undefined = firsts.get(type);
            while (page) {
              for (const resource of page.resources) {
                context.signal.throwIfAborted();
                await emit(resource);
                done++;
              }
              await context.progress(Math.min(done, total), total, "resources");
              page = page.next ? await context.services.fhir.search(type, {}, { count: PAGE_SIZE, page: page.next }) : undefined;
            }
          }
        } else {
          // Patient and Group level: each patient's compartment ($everything) page by page.
          let done = 0;
          await context.progress(0, patients.length, "patients");
          for (const patientId of patients) {
            let next: string | undefined;
            do {
              context.signal.throwIfAborted();
              const page = await context.services.fhir.everything(patientId, { types, count: PAGE_SIZE, ...(next ? { page: next } : {}) });
              for (const resource of page.resources) await emit(resource);
              next = page.next;
            } while (next);
            done++;
            await context.progress(done, patients.length, "patients");
          }
        }
        // Publish only while this run still owns the task: a cancelled or superseded run publishes nothing.
        await context.task?.checkpoint();
        context.signal.throwIfAborted();
      } catch (error) {
        await writer.discard();
        throw error;
      }
      const manifest = await writer.publish({ owner: context.principal?.id ?? "", phiMode: context.settings.phiMode, transactionTime, request: kickOffUrl(input) });
      return {
        value: {
          transactionTime,
          request: manifest.request,
          requiresAccessToken: true,
          phiMode: manifest.phiMode,
          resourceCount: written,
          output: manifest.files.map(({ type, url, count }) => ({ type, url, count })),
          error: [],
        },
        count: written,
        ...(patients && patients.length === 1 ? { subjects: [`Patient/${patients[0]}`] } : {}),
      };
    }),
});

/** The types to export: the requested ones (each served and granted) or every served, granted type. */
function exportTypes(context: HealthcareContext, access: AccessDecision, requested: readonly string[] | undefined): string[] {
  if (requested) {
    return requested.map((type, index) => {
      requireServedType(context, type, `types.${index}`);
      if (grantingScopes(access.scopes, type, "s").length === 0 && grantingScopes(access.scopes, type, "r").length === 0) {
        throw new ExtensionError("SCOPE_DENIED", "the granted scopes do not allow exporting that resource type", { field: `types.${index}` });
      }
      return type;
    });
  }
  const granted = context.settings.resourceTypes.filter((type) => grantingScopes(access.scopes, type, "s").length > 0 || grantingScopes(access.scopes, type, "r").length > 0);
  if (granted.length === 0) throw new ExtensionError("SCOPE_DENIED", "the granted scopes allow exporting no resource type");
  return granted;
}

/** The patients a patient- or group-level export covers (real ids); `undefined` for system level. */
async function patientsInScope(
  context: HealthcareContext,
  access: AccessDecision,
  input: { level: "system" | "group" | "patient"; groupId?: string | undefined; patientId?: string | undefined },
): Promise<string[] | undefined> {
  if (input.level !== "group" && input.groupId) throw new ExtensionError("INVALID_ARGUMENTS", "groupId belongs to a group-level export", { field: "groupId" });
  if (input.level !== "patient" && input.patientId) throw new ExtensionError("INVALID_ARGUMENTS", "patientId belongs to a patient-level export", { field: "patientId" });
  const named = input.patientId ? realId(context, "Patient", input.patientId.replace(/^Patient\//, "")) : undefined;
  if (access.patient) {
    // With a patient in context, only that patient's record may leave.
    if (input.level !== "patient") throw new ExtensionError("PATIENT_OUT_OF_CONTEXT", "with a patient in context, only a patient-level export of that patient is allowed", { field: "level" });
    if (named && named !== access.patient) throw new ExtensionError("PATIENT_OUT_OF_CONTEXT", "that is not the patient in context", { field: "patientId" });
    return [access.patient];
  }
  if (input.level === "system") return undefined;
  if (input.level === "patient") {
    if (named) {
      if (!(await context.services.fhir.read("Patient", named))) throw new ExtensionError("NOT_FOUND", "no patient has that id", { field: "patientId" });
      return [named];
    }
    const ids: string[] = [];
    let next: string | undefined;
    do {
      context.signal.throwIfAborted();
      const page = await context.services.fhir.search("Patient", {}, { count: PAGE_SIZE, ...(next ? { page: next } : {}) });
      for (const patient of page.resources) if (patient.id) ids.push(patient.id);
      next = page.next;
    } while (next);
    return ids;
  }
  if (!input.groupId) throw new ExtensionError("INVALID_ARGUMENTS", "a group-level export needs groupId", { field: "groupId" });
  const group = (await context.services.fhir.read("Group", input.groupId)) as { member?: { entity?: { reference?: string } }[] } | undefined;
  if (!group) throw new ExtensionError("NOT_FOUND", "no Group has that id", { field: "groupId" });
  return [...new Set((group.member ?? []).map((member) => member.entity?.reference ?? "").filter((reference) => reference.startsWith("Patient/")).map((reference) => reference.slice("Patient/".length)))];
}

/** The export as the Bulk Data kick-off request it corresponds to. */
function kickOffUrl(input: { level: string; groupId?: string | undefined; patientId?: string | undefined; types?: readonly string[] | undefined; since?: string | undefined }): string {
  const base = input.level === "system" ? "$export" : input.level === "group" ? `Group/${input.groupId}/$export` : input.patientId ? `Patient/${input.patientId.replace(/^Patient\//, "")}/$everything` : "Patient/$export";
  const query = [input.types ? `_type=${input.types.join(",")}` : "", input.since ? `_since=${encodeURIComponent(input.since)}` : ""].filter(Boolean).join("&");
  return query ? `${base}?${query}` : base;
}
