import { createServer, request as httpRequest, type Server } from "node:http";

/** A reverse proxy on 127.0.0.1 that sends each request to the next target in turn (no stickiness). */
export interface RoundRobinProxy {
  readonly url: string;
  /** How many requests each target received, in target order. */
  readonly hits: number[];
  close(): Promise<void>;
}

/**
 * Starts a round-robin proxy in front of `targets` (base URLs such as `http://127.0.0.1:4000`).
 * Request and response bodies stream through, so SSE responses work.
 */
export async function startRoundRobinProxy(targets: string[]): Promise<RoundRobinProxy> {
  const hits = targets.map(() => 0);
  let next = 0;
  const server: Server = createServer((incoming, outgoing) => {
    const index = next++ % targets.length;
    hits[index]!++;
    const target = new URL(incoming.url ?? "/", targets[index]);
    const forwarded = httpRequest(target, { method: incoming.method, headers: { ...incoming.headers, host: target.host } }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    forwarded.on("error", () => {
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end();
    });
    outgoing.on("close", () => forwarded.destroy());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
