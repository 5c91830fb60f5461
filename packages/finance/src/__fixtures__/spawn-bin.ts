import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../dist/bin.js", import.meta.url));

/** Starts the built bin with --http 0 and resolves with its URL from the `listening on` line. */
export async function startHttpBin(args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, "--http", "0", ...args], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...env } });
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = "";
    const timer = setTimeout(() => reject(new Error(`bin did not start: ${buffer}`)), 20_000);
    child.stderr!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /listening on (\S+)/.exec(buffer);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once("exit", (code) => reject(new Error(`bin exited with ${code}: ${buffer}`)));
  });
  return { url, child };
}

