// Serve your own extension over stateless Streamable HTTP, the same way the reference servers do.
import { serveHttp } from "@mcp-verticals/core";
import { createWeatherServer, weatherExtension } from "./weather-extension.js";

export async function serveWeather(port: number) {
  const running = await serveHttp(createWeatherServer, {
    port, // 0 picks a free port
    identity: { name: weatherExtension.id, title: "Weather", version: "1.0.0", description: weatherExtension.description },
  });
  console.error(`weather listening on ${running.url}`);
  return running; // running.close() drains in-flight requests, then stops
}
