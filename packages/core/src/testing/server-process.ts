import { spawn, type ChildProcess } from "node:child_process";

/**
 * Options for {@link startServerProcess}.
 *
 * @example
 * ```ts
 * const options: StartServerProcessOptions = { ready: /FHIR REST API served at (\S+)/, env: { FHIR_BEARER_TOKEN: token } };
 * ```
 * @category Testing
 */
export interface StartServerProcessOptions {
  /** The stderr line that says the process is ready; its first capture group becomes {@link ServerProcess.ready}. */
  ready: RegExp;
  /** Extra environment (added to this process's). */
  env?: NodeJS.ProcessEnv;
  /** How long the process may take to print `ready` (default 30 s). */
  startTimeoutMs?: number;
}

/**
 * A spawned server process (a reference bin, or a backend it talks to).
 *
 * @example
 * ```ts
 * const fhir: ServerProcess = await startServerProcess(bin, ["--http", "0", "--serve-fhir", "0"], { ready: /FHIR REST API served at (\S+)/ });
 * console.log(fhir.ready); // http://127.0.0.1:41234/fhir
 * ```
 * @category Testing
 */
export interface ServerProcess {
  readonly child: ChildProcess;
  /** The first capture group of the `ready` pattern, e.g. the URL it listens on. */
  readonly ready: string;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** Sends a signal (default SIGTERM) and resolves when it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Spawns `node <binPath> ...args` and resolves once its stderr matches `options.ready`; rejects
 * (with what it printed) when it exits or times out first.
 *
 * @example
 * ```ts
 * const server = await startServerProcess(binPath, ["--http", "0"], { ready: /listening on (\S+)/ });
 * try { await fetch(server.ready); } finally { await server.kill(); }
 * ```
 * @category Testing
 */
export async function startServerProcess(binPath: string, args: readonly string[], options: StartServerProcessOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, [binPath, ...args], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...options.env } });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`process did not start: ${stderr}`));
    }, options.startTimeoutMs ?? 30_000);
    const check = (): void => {
      const match = options.ready.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] ?? match[0]);
      }
    };
    child.stderr!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`process exited with ${code}: ${stderr}`));
    });
  });
  return {
    child,
    ready,
    stderr: () => stderr,
    async kill(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
