// Deploy a vertical as stateless HTTP replicas: every replica runs this, a load balancer spreads requests.
import { serveHttp } from "@mcp-verticals/core";
import { createTemplateServer, TEMPLATE_EXTENSION_ID, TEMPLATE_SERVER_INFO } from "@mcp-verticals/template";

/** Checks a bearer token; in production ask your identity provider (introspection or JWT verification). */
function verifyToken(token: string, expected: string) {
  return token === expected ? { token, clientId: "load-balanced-client", scopes: ["mcp"] } : undefined;
}

export async function serveReplica(options: { port: number; publicHost: string; token: string }) {
  return serveHttp(() => createTemplateServer(), {
    port: options.port,
    host: "0.0.0.0", // reachable by the load balancer, not only loopback
    allowedHosts: [options.publicHost, "localhost", "127.0.0.1"], // DNS-rebinding protection: the names clients use
    auth: { verify: (token) => verifyToken(token, options.token) }, // 401 without a valid bearer token
    // The card says what the server says about itself (title, version, description from its server.json).
    identity: { name: TEMPLATE_EXTENSION_ID, title: TEMPLATE_SERVER_INFO.title, version: TEMPLATE_SERVER_INFO.version, description: TEMPLATE_SERVER_INFO.description },
  });
}
