import type { ChildProcess } from "node:child_process";
import { request as httpRequest, createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { startServerProcess } from "./server-process.js";

/**
 * Options for {@link startReplicas}.
 *
 * @example
 * ```ts
 * const options: StartReplicasOptions = { env: { DATABASE_URL: url }, args: ["--access", "read-write"] };
 * ```
 * @category Testing
 */
export interface StartReplicasOptions {
  /** Extra environment for every replica (added to this process's). */
  env?: NodeJS.ProcessEnv;
  /** Extra arguments after `--http 0`. */
  args?: string[];
  /** How long one replica may take to print its `listening on` line (default 30 s). */
  startTimeoutMs?: number;
}

/**
 * One replica process serving MCP over HTTP on 127.0.0.1.
 *
 * @example
 * ```ts
 * const replica: Replica = replicas.replicas[1]!;
 * replica.kill("SIGKILL");
 * ```
 * @category Testing
 */
export interface Replica {
  /** Its own MCP endpoint, e.g. `http://127.0.0.1:41234/mcp`. */
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** Sends a signal (default SIGTERM) and resolves when it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Replicas of a bin behind a round-robin reverse proxy on 127.0.0.1.
 *
 * @example
 * ```ts
 * const { url, replicas, close } = await startReplicas(binPath, 3, { env: { DATABASE_URL } });
 * ```
 * @category Testing
 */
export interface ReplicaSet {
  /** The proxy's MCP endpoint: each request goes to the next live replica. */
  readonly url: string;
  readonly replicas: readonly Replica[];
  /** How many requests the proxy sent to each replica, by index. */
  readonly served: readonly number[];
  /** Stops the proxy and every replica still running. */
  close(): Promise<void>;
}

/**
 * Starts `n` processes of a reference server bin (`node <binPath> --http 0 …`) and a round-robin
 * HTTP reverse proxy in front of them, all on 127.0.0.1, as a load balancer would run them. A
 * replica that refuses connections (it died) is skipped and the request goes to the next one;
 * a request cut off mid-flight reaches the client as a failure, as it would behind a real
 * balancer, so the client's own retry is what is tested.
 *
 * @example
 * ```ts
 * const set = await startReplicas(fileURLToPath(new URL("../dist/bin.js", import.meta.url)), 3, { args: ["--postgres", url] });
 * const client = new Client({ name: "t", version: "0" });
 * await client.connect(new StreamableHTTPClientTransport(new URL(set.url)));
 * await set.close();
 * ```
 * @category Testing
 */
export async function startReplicas(binPath: string, n: number, options: StartReplicasOptions = {}): Promise<ReplicaSet> {
  if (!Number.isInteger(n) || n < 1) throw new TypeError("n must be a positive integer");
  const started = await Promise.allSettled(Array.from({ length: n }, () => startReplica(binPath, options)));
  const replicas = started.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const failed = started.find((result) => result.status === "rejected");
  if (failed !== undefined) {
    await Promise.all(replicas.map((replica) => replica.kill("SIGKILL")));
    throw (failed as PromiseRejectedResult).reason;
  }
  const served = replicas.map(() => 0);
  let next = 0;
  const proxy = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => forward(incoming, outgoing, Buffer.concat(chunks), replicas.length));
  });
  const forward = (incoming: IncomingMessage, outgoing: ServerResponse, body: Buffer, triesLeft: number): void => {
    const index = next++ % replicas.length;
    const target = new URL(replicas[index]!.url);
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers },
      (response) => {
        served[index]!++;
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
        response.on("error", () => outgoing.destroy());
        response.on("aborted", () => outgoing.destroy());
      },
    );
    upstream.on("error", (error: NodeJS.ErrnoException) => {
      // Never reached the replica: try the next one, as a balancer's health check would.
      if (error.code === "ECONNREFUSED" && triesLeft > 1) return forward(incoming, outgoing, body, triesLeft - 1);
      if (!outgoing.headersSent) {
        outgoing.writeHead(502, { "content-type": "text/plain" });
        outgoing.end("replica failed");
      } else {
        outgoing.destroy();
      }
    });
    upstream.end(body);
  };
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const { port } = proxy.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    replicas,
    served,
    async close() {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await Promise.all(replicas.map((replica) => replica.kill("SIGTERM")));
    },
  };
}

async function startReplica(binPath: string, options: StartReplicasOptions): Promise<Replica> {
  const started = await startServerProcess(binPath, ["--http", "0", ...(options.args ?? [])], {
    ready: /listening on (\S+)/,
    ...(options.env ? { env: options.env } : {}),
    ...(options.startTimeoutMs === undefined ? {} : { startTimeoutMs: options.startTimeoutMs }),
  });
  return { url: started.ready, child: started.child, stderr: started.stderr, kill: started.kill };
}
