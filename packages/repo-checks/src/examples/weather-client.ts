// Use an extension from your client: declare it, connect, call its tools with types.
import { createExtensionClient } from "@mcp-verticals/core";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { weatherExtension } from "./weather-extension.js";

export async function forecastInFahrenheit(endpoint: URL, city: string) {
  const weather = createExtensionClient(weatherExtension, { units: "imperial" });
  const client = new Client(
    { name: "my-host", version: "1.0.0" },
    {
      capabilities: { extensions: weather.declaration },
      // 2026-07-28 carries the declaration on every request, so stateless HTTP servers see it.
      versionNegotiation: { mode: { pin: "2026-07-28" } },
    },
  );
  await client.connect(new StreamableHTTPClientTransport(endpoint));
  try {
    // Input and output are typed from the tool's zod schemas.
    const forecast = await weather.bind(client).callTool("weather_forecast", { city });
    return `${forecast.city}: ${forecast.temperature}°${forecast.units === "imperial" ? "F" : "C"}`;
  } finally {
    await client.close();
  }
}
