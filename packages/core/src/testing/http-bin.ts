import type { ChildProcess } from "node:child_process";
import { startServerProcess } from "./server-process.js";

/**
 * Options for {@link startHttpBin}.
 *
 * @example
 * ```ts
 * const options: StartHttpBinOptions = { args: ["--state", stateFile], env: { MCP_TASKS_LEASE_MS: "1000" } };
 * ```
 * @category Testing
 */
export interface StartHttpBinOptions {
  /** Extra environment (added to this process's). */
  env?: NodeJS.ProcessEnv;
  /** Extra arguments after `--http 0`. */
  args?: string[];
  /** How long the process may take to print its `listening on` line (default 30 s). */
  startTimeoutMs?: number;
}

/**
 * A reference server process serving MCP over HTTP on 127.0.0.1.
 *
 * @example
 * ```ts
 * const worker: HttpBin = await startHttpBin(binPath, { args: ["--state", file] });
 * await worker.kill("SIGKILL");
 * ```
 * @category Testing
 */
export interface HttpBin {
  /** Its MCP endpoint, e.g. `http://127.0.0.1:41234/mcp`. */
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** Sends a signal (default SIGTERM) and resolves with how the process ended. */
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `node <binPath> --http 0 …` and resolves once it prints its `listening on <url>` line.
 * The process is a real, separate server: kill it with SIGKILL to simulate a crashed worker.
 *
 * @example
 * ```ts
 * const a = await startHttpBin(fileURLToPath(new URL("../dist/bin.js", import.meta.url)), { args: ["--state", file] });
 * const client = await connectHttp(a.url, { era: "modern" });
 * await a.kill();
 * ```
 * @category Testing
 */
export async function startHttpBin(binPath: string, options: StartHttpBinOptions = {}): Promise<HttpBin> {
  const started = await startServerProcess(binPath, ["--http", "0", ...(options.args ?? [])], {
    ready: /listening on (\S+)/,
    ...(options.env ? { env: options.env } : {}),
    ...(options.startTimeoutMs === undefined ? {} : { startTimeoutMs: options.startTimeoutMs }),
  });
  const { child } = started;
  return {
    url: started.ready,
    child,
    stderr: started.stderr,
    async kill(signal = "SIGTERM") {
      await started.kill(signal);
      return { code: child.exitCode, signal: child.signalCode };
    },
  };
}
