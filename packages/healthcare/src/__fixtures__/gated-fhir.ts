/**
 * The embedded synthetic store served as a real FHIR REST API on loopback, behind a reverse
 * proxy the test can pause: while held, requests wait (as behind a stalled network), so a test
 * can stop a server process at a known point in a long export. Page links are rewritten to the
 * proxy's origin, so paging goes through the gate too.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createEmbeddedFhirStore, type EmbeddedFhirStore } from "../backend/embedded-store.js";
import { serveFhirRest } from "../backend/fhir-rest-server.js";

/** A FHIR REST endpoint whose traffic can be paused. */
export interface GatedFhir {
  /** Base URL for `--fhir-url`. */
  readonly url: string;
  readonly store: EmbeddedFhirStore;
  /** Requests forwarded so far. */
  forwarded(): number;
  /** Holds every later request until {@link GatedFhir.release}. */
  hold(): void;
  release(): void;
  /** Lets the oldest held request through; false when none is waiting. */
  releaseOne(): boolean;
  /** Requests held right now. */
  waiting(): number;
  /** The held requests, oldest first, as `METHOD /path` (query string left off). */
  held(): string[];
  /** Answers every held request 503 without forwarding it: the request never reached the FHIR server. */
  dropHeld(): void;
  close(): Promise<void>;
}

export async function startGatedFhir(): Promise<GatedFhir> {
  const store = createEmbeddedFhirStore();
  const rest = await serveFhirRest(store, { port: 0 });
  const upstream = new URL(rest.url);
  type Held = { go: () => void; drop: () => void; line: string };
  let held: Held[] | undefined;
  let forwarded = 0;
  let proxyOrigin = "";

  const forward = (incoming: IncomingMessage, outgoing: ServerResponse, body: Buffer) => {
    forwarded++;
    const headers = { ...incoming.headers, host: upstream.host };
    delete headers["accept-encoding"];
    const request = httpRequest({ host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8").replaceAll(upstream.origin, proxyOrigin);
        const { "content-length": _length, ...rest } = response.headers;
        outgoing.writeHead(response.statusCode ?? 502, rest);
        outgoing.end(text);
      });
    });
    request.on("error", () => {
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end();
    });
    request.end(body);
  };
  const proxy = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const go = () => forward(incoming, outgoing, Buffer.concat(chunks));
      const drop = () => {
        if (!outgoing.headersSent) outgoing.writeHead(503);
        outgoing.end();
      };
      if (held) held.push({ go, drop, line: `${incoming.method} ${new URL(incoming.url ?? "/", "http://gate").pathname}` });
      else go();
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyOrigin = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  return {
    url: `${proxyOrigin}${upstream.pathname}`,
    store,
    forwarded: () => forwarded,
    hold: () => {
      held ??= [];
    },
    release: () => {
      const waiting = held ?? [];
      held = undefined;
      for (const request of waiting) request.go();
    },
    releaseOne: () => {
      const request = held?.shift();
      request?.go();
      return request !== undefined;
    },
    waiting: () => held?.length ?? 0,
    held: () => (held ?? []).map((request) => request.line),
    dropHeld: () => {
      for (const request of held?.splice(0) ?? []) request.drop();
    },
    close: async () => {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await rest.close();
    },
  };
}
