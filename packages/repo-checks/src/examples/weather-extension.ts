// Add an extension to your own server: define it once, attach it to any McpServer.
import { attachExtension, defineExtension, defineTool, ExtensionError, type BindingContext } from "@mcp-verticals/core";
import { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";

const Units = z.enum(["metric", "imperial"]);

/** What the server advertises, what a client may declare, and what one request runs with. */
const ServerSettings = z.object({ units: z.array(Units).min(1).default(["metric", "imperial"]).describe("Units this server offers; the first is the fallback.") });
const ClientSettings = z.strictObject({ units: Units.optional().describe("Units the client prefers.") });
type Effective = { units: z.infer<typeof Units> };
type WeatherContext = BindingContext<z.output<typeof ServerSettings>, z.output<typeof ClientSettings>, Effective, { temperatures: Map<string, number> }>;

export const forecastTool = defineTool({
  name: "weather_forecast",
  title: "Forecast for a city",
  description: "Today's temperature for a city, in the units negotiated with the client. Fails with CITY_UNKNOWN for cities without data.",
  input: z.object({ city: z.string().min(1).max(80).describe("City name, e.g. 'Oslo'.") }),
  output: z.object({
    city: z.string().describe("The city asked about."),
    temperature: z.number().describe("Today's temperature."),
    units: Units.describe("Units of the temperature."),
  }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ city: "Oslo" }],
  // The text a model reads: a sentence, not the JSON (that is in structuredContent).
  render: ({ city, temperature, units }) => `${city}: ${temperature}°${units === "metric" ? "C" : "F"} today.`,
  handler: ({ city }, context: WeatherContext) => {
    const celsius = context.services.temperatures.get(city.toLowerCase());
    if (celsius === undefined) throw new ExtensionError("CITY_UNKNOWN", "no forecast for that city", { field: "city" });
    const units = context.settings.units;
    return { city, units, temperature: units === "metric" ? celsius : Math.round(celsius * 1.8 + 32) };
  },
});

export const weatherExtension = defineExtension({
  id: "com.example/weather",
  title: "Weather",
  description: "Forecasts in units negotiated per client.",
  versions: ["2026-11-24"],
  serverSettings: ServerSettings,
  clientSettings: ClientSettings,
  // A client that did not declare the extension gets the server's first unit: the documented fallback.
  negotiate: ({ server, client }): Effective => ({
    units: client?.units && server.units.includes(client.units) ? client.units : server.units[0]!,
  }),
  tools: [forecastTool],
});

/** The server factory: one fresh McpServer per session (stdio) or per request (stateless HTTP). */
export function createWeatherServer(): McpServer {
  const server = new McpServer({ name: "weather", version: "1.0.0" });
  attachExtension(server, weatherExtension, {
    settings: { units: ["metric", "imperial"] },
    services: { temperatures: new Map([["oslo", 4], ["lisbon", 19]]) },
  });
  return server;
}
