import { ExtensionError } from "@mcp-verticals/core";
import { unzipSync } from "fflate";
import { readFile, realpath } from "node:fs/promises";
import { join, sep } from "node:path";
import { CSV_FILES } from "./oneroster-csv-columns.js";

/** The file names a OneRoster bulk export may hold that the importer reads. */
export const BULK_FILE_NAMES: readonly string[] = Object.freeze(["manifest.csv", "roles.csv", ...CSV_FILES.map(([, file]) => file)]);

/** Largest total of CSV text one import reads, in bytes (unzipped). */
export const MAX_IMPORT_BYTES = 256 * 1024 * 1024;

const sourceError = (message: string, field: string) => new ExtensionError("CSV_INVALID", message, { field });
const decoder = new TextDecoder("utf-8", { fatal: true });

function decode(bytes: Uint8Array, file: string, field: string): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw sourceError(`${file} is not UTF-8 text`, field);
  }
}

/**
 * Reads the bulk files out of a OneRoster CSV zip (the format's delivery form), given as
 * base64. Only the known file names at the archive's root (or inside one top folder) are
 * inflated; sizes are checked before inflating, so a zip bomb is refused rather than expanded.
 *
 * @example
 * ```ts
 * const files = readBulkZip(readFileSync("oneroster.zip").toString("base64"));
 * ```
 * @throws ExtensionError `CSV_INVALID` (field `zipBase64`) for text that is not base64 zip, oversize content or non-UTF-8 files.
 * @category OneRoster
 */
export function readBulkZip(base64: string): Map<string, string> {
  if (!/^[A-Za-z0-9+/\r\n]*={0,2}\s*$/.test(base64)) throw sourceError("zipBase64 is not base64", "zipBase64");
  const archive = Buffer.from(base64, "base64");
  let declared = 0;
  const wanted = (name: string) => BULK_FILE_NAMES.includes(name.split("/").slice(-1)[0]!) && name.split("/").length <= 2;
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(archive, {
      filter: (file) => {
        if (!wanted(file.name)) return false;
        declared += file.originalSize;
        if (file.originalSize > MAX_IMPORT_BYTES || declared > MAX_IMPORT_BYTES) throw sourceError("the zip holds more CSV text than one import reads", "zipBase64");
        return true;
      },
    });
  } catch (error) {
    if (error instanceof ExtensionError) throw error;
    throw sourceError("zipBase64 is not a readable zip archive", "zipBase64");
  }
  const files = new Map<string, string>();
  for (const [name, bytes] of Object.entries(entries)) {
    const base = name.split("/").slice(-1)[0]!;
    if (files.has(base)) throw sourceError(`the zip holds ${base} twice`, "zipBase64");
    files.set(base, decode(bytes, base, "zipBase64"));
  }
  return files;
}

/**
 * Takes bulk files given one by one (name and text), refusing names that are not bulk file names.
 *
 * @example
 * ```ts
 * const files = bulkFilesFrom([{ name: "manifest.csv", content: manifest }, { name: "users.csv", content: users }]);
 * ```
 * @throws ExtensionError `CSV_INVALID` naming the entry for an unknown or repeated name, or oversize content.
 * @category OneRoster
 */
export function bulkFilesFrom(list: readonly { name: string; content: string }[]): Map<string, string> {
  const files = new Map<string, string>();
  let total = 0;
  list.forEach((entry, index) => {
    if (!BULK_FILE_NAMES.includes(entry.name)) throw sourceError(`files.${index}.name is not a OneRoster bulk file name`, `files.${index}.name`);
    if (files.has(entry.name)) throw sourceError(`${entry.name} is given twice`, `files.${index}.name`);
    total += entry.content.length;
    if (total > MAX_IMPORT_BYTES) throw sourceError("the files hold more CSV text than one import reads", `files.${index}.content`);
    files.set(entry.name, entry.content);
  });
  return files;
}

/**
 * Reads the bulk files of one folder inside the operator's import directory. The folder is a
 * single name (no separators, no `..`), and its real path must stay inside the directory, so
 * a symbolic link cannot lead the server to read anywhere else.
 *
 * @example
 * ```ts
 * const files = await readBulkFolder("/srv/oneroster-drops", "district-2026-09");
 * ```
 * @throws ExtensionError `IMPORT_DIR_NOT_CONFIGURED` without an import directory; `CSV_INVALID` (field `folder`) for a bad or missing folder.
 * @category OneRoster
 */
export async function readBulkFolder(importDir: string | undefined, folder: string): Promise<Map<string, string>> {
  if (!importDir) throw new ExtensionError("IMPORT_DIR_NOT_CONFIGURED", "this server reads no import folders; an operator sets an import directory (--import-dir) to allow it", { field: "folder" });
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(folder) || folder.includes("..")) throw sourceError("folder must be one folder name inside the import directory", "folder");
  let root: string;
  let real: string;
  try {
    root = await realpath(importDir);
    real = await realpath(join(root, folder));
  } catch {
    throw sourceError("no such folder in the import directory", "folder");
  }
  if (!real.startsWith(root + sep)) throw sourceError("folder must be one folder name inside the import directory", "folder");
  const files = new Map<string, string>();
  let total = 0;
  for (const name of BULK_FILE_NAMES) {
    let path: string;
    try {
      path = await realpath(join(real, name));
    } catch {
      continue;
    }
    if (!path.startsWith(real + sep)) throw sourceError(`${name} leads outside the import folder`, "folder");
    const bytes = await readFile(path);
    total += bytes.length;
    if (total > MAX_IMPORT_BYTES) throw sourceError("the folder holds more CSV text than one import reads", "folder");
    files.set(name, decode(bytes, name, "folder"));
  }
  return files;
}
