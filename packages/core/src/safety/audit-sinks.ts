import { createReadStream } from "node:fs";
import { mkdir, open } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import { createInterface } from "node:readline";

/**
 * Where audit lines go. Implementations must append in call order and never rewrite.
 *
 * @example
 * ```ts
 * const sink: AuditSink = { append: async (line) => lines.push(line), readLast: async () => lines.at(-1) };
 * ```
 * @category Safety
 */
export interface AuditSink {
  /** Durably appends one line (no trailing newline is passed). */
  append(line: string): Promise<void>;
  /** The last non-empty line written, so a new process can continue the chain. */
  readLast(): Promise<string | undefined>;
  /**
   * Optional: reads the last line and appends the line `compose` builds from it as one atomic
   * step (e.g. one database transaction under a lock). Sinks shared by several processes
   * (replicas on one database) implement it, so their records form one chain instead of forks;
   * the trail then never caches the chain head.
   */
  appendLinked?(compose: (last: string | undefined) => string): Promise<void>;
  /** Optional: every stored line, oldest first, streamed for verification. */
  readLines?(): AsyncIterable<string>;
}

/**
 * In-memory {@link AuditSink}, for tests and short-lived tools.
 *
 * @example
 * ```ts
 * const sink = memoryAuditSink();
 * const trail = createAuditTrail({ sink, key, chainKey });
 * await trail.record({ extension: "x", binding: "y", outcome: "ok" });
 * ```
 * @category Safety
 */
export function memoryAuditSink(): AuditSink & { readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    async append(line) {
      lines.push(line);
    },
    async readLast() {
      for (let index = lines.length - 1; index >= 0; index--) {
        const line = lines[index];
        if (line !== undefined && line.trim() !== "") return line;
      }
      return undefined;
    },
    async *readLines() {
      yield* [...lines];
    },
  };
}

/**
 * Options for {@link fileAuditSink}.
 *
 * @example
 * ```ts
 * const options: FileAuditSinkOptions = { sync: true };
 * ```
 * @category Safety
 */
export type FileAuditSinkOptions = {
  /** fsync after every line, trading throughput for surviving power loss. Default false. */
  sync?: boolean;
};

/**
 * JSON Lines {@link AuditSink} on a local file, opened for append only (mode 0600).
 *
 * One process should own a file at a time; two writers would fork the chain.
 *
 * @example
 * ```ts
 * const sink = fileAuditSink("/var/log/mcp/audit.jsonl");
 * const trail = createAuditTrail({ sink, key, chainKey: loadAuditKey({ file: "/etc/mcp/audit.key" }) });
 * // ... on shutdown:
 * await trail.close();
 * await sink.close();
 * ```
 * @category Safety
 */
export function fileAuditSink(path: string, options: FileAuditSinkOptions = {}): AuditSink & { close(): Promise<void> } {
  let handle: Promise<FileHandle> | undefined;
  const openForAppend = (): Promise<FileHandle> => {
    if (handle === undefined) {
      const opening = (async () => {
        await mkdir(dirname(path), { recursive: true });
        return open(path, "a", 0o600);
      })();
      handle = opening;
      // A failed open must not be cached, or one transient error would disable auditing.
      opening.catch(() => {
        if (handle === opening) handle = undefined;
      });
    }
    return handle;
  };

  return {
    async append(line) {
      if (line.includes("\n") || line.includes("\r")) throw new TypeError("audit lines must not contain line breaks");
      const file = await openForAppend();
      await file.appendFile(`${line}\n`, "utf8");
      if (options.sync === true) await file.datasync();
    },
    readLast: () => readLastLine(path),
    readLines: () => readFileLines(path),
    async close() {
      const pending = handle;
      handle = undefined;
      if (pending !== undefined) await (await pending).close();
    },
  };
}

/** Streams a file's lines (a missing file has none), so verifying a large trail stays flat in memory. */
export async function* readFileLines(path: string): AsyncIterable<string> {
  const stream = createReadStream(path, { encoding: "utf8" });
  const opened = new Promise<boolean>((resolve, reject) => {
    stream.once("open", () => resolve(true));
    stream.once("error", (error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? resolve(false) : reject(error)));
  });
  if (!(await opened)) return;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) yield line;
  } finally {
    lines.close();
    stream.destroy();
  }
}

/** Reads backwards in chunks so resuming a large trail does not load it whole. */
async function readLastLine(path: string): Promise<string | undefined> {
  const chunkSize = 64 * 1024;
  let file: FileHandle;
  try {
    file = await open(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    let unread = (await file.stat()).size;
    let tail = Buffer.alloc(0);
    while (unread > 0) {
      const start = Math.max(0, unread - chunkSize);
      const chunk = Buffer.alloc(unread - start);
      let filled = 0;
      while (filled < chunk.length) {
        const { bytesRead } = await file.read(chunk, filled, chunk.length - filled, start + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      unread = start;
      tail = Buffer.concat([chunk.subarray(0, filled), tail]);

      let end = tail.length;
      while (end > 0 && isLineBreakOrBlank(tail[end - 1])) end--;
      tail = tail.subarray(0, end);
      if (end === 0) continue;
      const newline = tail.lastIndexOf(0x0a);
      if (newline >= 0) return tail.subarray(newline + 1).toString("utf8");
    }
    return tail.length > 0 ? tail.toString("utf8") : undefined;
  } finally {
    await file.close();
  }
}

function isLineBreakOrBlank(byte: number | undefined): boolean {
  return byte === 0x0a || byte === 0x0d || byte === 0x20 || byte === 0x09;
}
