/**
 * Where a bulk export's NDJSON files live until they expire: the shared StateStore (so any
 * replica serves them), one record per file part and a manifest written last. An export
 * without a manifest (cancelled, or its worker died) is invisible and expires with its parts.
 */
import { createHash } from "node:crypto";
import { memoryStateStore, type StateStore } from "@mcp-verticals/core";

/** The StateStore namespace of export files and manifests. */
export const BULK_EXPORT_NAMESPACE = "fhir-bulk-export";

/** How long export files are kept (ms): the Bulk Data IG leaves it to the server; one hour. */
export const EXPORT_FILE_TTL_MS = 3_600_000;

/** The largest NDJSON part, in bytes (a new file of the same type starts beyond it). */
export const MAX_PART_BYTES = 256 * 1024;

/** One output file of an export (the Bulk Data manifest's `output` entry). */
export interface ExportFile {
  type: string;
  url: string;
  count: number;
  bytes: number;
}

/** The manifest of a finished export; only its owner, reading under the same PHI mode, sees it. */
export interface ExportManifest {
  exportId: string;
  owner: string;
  phiMode: string;
  transactionTime: string;
  request: string;
  files: ExportFile[];
}

let fallback: StateStore | undefined;

/** The store exports use: the attached one, else this process's memory. */
export function exportStore(state: StateStore | undefined): StateStore {
  return state ?? (fallback ??= memoryStateStore());
}

/** A stable export id for a task (so a resumed run rewrites the same files), random otherwise. */
export function exportIdFor(taskId: string | undefined): string {
  const seed = taskId ?? `${Date.now()}-${Math.random()}-${process.pid}`;
  return createHash("sha256").update(`fhir-bulk-export:${seed}`).digest("hex").slice(0, 32);
}

/** The resource URI of one file: `fhir-export://<exportId>/<Type>-<n>.ndjson`. */
export function fileUri(exportId: string, type: string, part: number): string {
  return `fhir-export://${exportId}/${type}-${part}.ndjson`;
}

/** Buffers NDJSON per type and writes full parts to the store as the export streams. */
export class ExportWriter {
  private readonly buffers = new Map<string, { lines: string[]; bytes: number; count: number; part: number }>();
  private readonly written: ExportFile[] = [];
  private readonly keys: string[] = [];

  constructor(
    private readonly state: StateStore,
    readonly exportId: string,
    private readonly expiresAt: number,
  ) {}

  /** Adds one resource (already de-identified) to its type's file. */
  async add(type: string, resource: unknown): Promise<void> {
    const line = JSON.stringify(resource);
    const size = Buffer.byteLength(line) + 1;
    let buffer = this.buffers.get(type);
    if (!buffer) {
      buffer = { lines: [], bytes: 0, count: 0, part: 1 };
      this.buffers.set(type, buffer);
    }
    if (buffer.bytes + size > MAX_PART_BYTES && buffer.count > 0) {
      await this.flush(type);
      // flush() starts the next part's buffer: the line belongs there, not in the part just written.
      buffer = this.buffers.get(type)!;
    }
    buffer.lines.push(line);
    buffer.bytes += size;
    buffer.count++;
  }

  private async flush(type: string): Promise<void> {
    const buffer = this.buffers.get(type);
    if (!buffer || buffer.count === 0) return;
    const key = `${this.exportId}/${type}-${buffer.part}.ndjson`;
    const ndjson = buffer.lines.join("\n") + "\n";
    await this.state.put(BULK_EXPORT_NAMESPACE, key, { ndjson }, { expiresAt: this.expiresAt });
    this.keys.push(key);
    this.written.push({ type, url: fileUri(this.exportId, type, buffer.part), count: buffer.count, bytes: buffer.bytes });
    this.buffers.set(type, { lines: [], bytes: 0, count: 0, part: buffer.part + 1 });
  }

  /** Writes the remaining parts, then the manifest: the export becomes visible at once. */
  async publish(manifest: Omit<ExportManifest, "exportId" | "files">): Promise<ExportManifest> {
    for (const type of [...this.buffers.keys()]) await this.flush(type);
    const files = [...this.written].sort((a, b) => a.type.localeCompare(b.type) || a.url.localeCompare(b.url));
    const complete: ExportManifest = { ...manifest, exportId: this.exportId, files };
    await this.state.put(BULK_EXPORT_NAMESPACE, this.exportId, complete, { expiresAt: this.expiresAt });
    return complete;
  }

  /** Deletes every part written so far (a cancelled export leaves nothing behind). */
  async discard(): Promise<void> {
    for (const key of this.keys) await this.state.delete(BULK_EXPORT_NAMESPACE, key).catch(() => false);
  }
}

/** Reads one file of a finished export, or `undefined`. */
export async function readExportFile(state: StateStore, exportId: string, file: string): Promise<{ manifest: ExportManifest; ndjson: string } | undefined> {
  if (!/^[a-f0-9]{32}$/.test(exportId) || !/^[A-Z][A-Za-z]{1,63}-\d{1,6}\.ndjson$/.test(file)) return undefined;
  const manifest = (await state.get<ExportManifest>(BULK_EXPORT_NAMESPACE, exportId))?.value;
  if (!manifest) return undefined;
  const part = (await state.get<{ ndjson: string }>(BULK_EXPORT_NAMESPACE, `${exportId}/${file}`))?.value;
  return part ? { manifest, ndjson: part.ndjson } : undefined;
}
