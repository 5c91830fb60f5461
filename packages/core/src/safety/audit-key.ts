import { randomBytes } from "node:crypto";
import { closeSync, fdatasyncSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { ExtensionError } from "../errors.js";
import { MIN_SECRET_BYTES } from "./secret-key.js";

/**
 * Options for {@link loadAuditKey}.
 *
 * @example
 * ```ts
 * const options: LoadAuditKeyOptions = { env: process.env, file: "/etc/mcp/audit.key", create: true };
 * ```
 * @category Safety
 */
export type LoadAuditKeyOptions = {
  /** Environment to read `MCP_AUDIT_KEY` / `MCP_AUDIT_KEY_FILE` from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Key file used when the environment names none. */
  file?: string;
  /** Generate the key file (32 random bytes, mode 0600) when it does not exist (default false). */
  create?: boolean;
};

/**
 * Where the audit chain key came from, without the key.
 *
 * @example
 * ```ts
 * const { key, source } = loadAuditKey({ file: "audit.key", create: true });
 * log(`audit chain key from ${source}`);
 * ```
 * @category Safety
 */
export type LoadedAuditKey = { key: Uint8Array; source: string; created: boolean };

/**
 * Loads (synchronously: it runs once at start) the key that signs an audit chain and its checkpoints, which must be kept apart from
 * the log: `MCP_AUDIT_KEY` (≥ 32 bytes) wins, then the file named by `MCP_AUDIT_KEY_FILE`, then
 * `file`. A missing file is generated on first start when `create` is set (hex of 32 random
 * bytes, created exclusively with mode 0600). A key file readable by group or others is refused.
 *
 * @example
 * ```ts
 * const { key } = loadAuditKey({ file: `${dataDir}/audit.key`, create: true });
 * const trail = createAuditTrail({ sink, key: pseudonymKey, chainKey: key, checkpoints });
 * ```
 * @throws ExtensionError `AUDIT_KEY_MISSING` when no key is configured or found; `AUDIT_KEY_INVALID` when it is too short or its file is too open.
 * @category Safety
 */
export function loadAuditKey(options: LoadAuditKeyOptions = {}): LoadedAuditKey {
  const env = options.env ?? process.env;
  const inline = env.MCP_AUDIT_KEY;
  if (inline !== undefined && inline !== "") {
    const key = Buffer.from(inline, "utf8");
    if (key.length < MIN_SECRET_BYTES) throw new ExtensionError("AUDIT_KEY_INVALID", `MCP_AUDIT_KEY must be at least ${MIN_SECRET_BYTES} bytes`);
    return { key: new Uint8Array(key), source: "MCP_AUDIT_KEY", created: false };
  }
  const file = env.MCP_AUDIT_KEY_FILE || options.file;
  if (file === undefined) {
    throw new ExtensionError("AUDIT_KEY_MISSING", "no audit chain key: set MCP_AUDIT_KEY or MCP_AUDIT_KEY_FILE");
  }
  let created = false;
  if (options.create === true) {
    mkdirSync(dirname(file), { recursive: true });
    try {
      const handle = openSync(file, "wx", 0o600);
      try {
        writeSync(handle, `${randomBytes(32).toString("hex")}\n`);
        fdatasyncSync(handle);
      } finally {
        closeSync(handle);
      }
      created = true;
    } catch (error) {
      // Another process created it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  let text: string;
  try {
    if (process.platform !== "win32" && (statSync(file).mode & 0o077) !== 0) {
      throw new ExtensionError("AUDIT_KEY_INVALID", "the audit key file is readable or writable by group or others; chmod 600 it");
    }
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new ExtensionError("AUDIT_KEY_MISSING", "the audit key file does not exist: set MCP_AUDIT_KEY, or point MCP_AUDIT_KEY_FILE at the key the trail was written with");
    }
    throw error;
  }
  const key = Buffer.from(text.trim(), "utf8");
  if (key.length < MIN_SECRET_BYTES) throw new ExtensionError("AUDIT_KEY_INVALID", `the audit key file must hold at least ${MIN_SECRET_BYTES} bytes`);
  return { key: new Uint8Array(key), source: env.MCP_AUDIT_KEY_FILE ? "MCP_AUDIT_KEY_FILE" : "key file", created };
}
