import { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { defineExtension } from "../extension/define.js";
import { defineMethod, definePrompt, defineResource, defineTool, type BindingContext } from "../extension/bindings.js";
import { ExtensionError } from "../errors.js";
import { attachExtension, type AttachOptions } from "../server/attach.js";

/** A small extension used by core's own tests. */
export const WEATHER_ID = "com.example/weather";

const ServerSettings = z.object({ units: z.array(z.enum(["metric", "imperial"])).default(["metric", "imperial"]), maxDays: z.number().int().default(7) });
const ClientSettings = z.strictObject({ units: z.enum(["metric", "imperial"]).optional(), wantsAlerts: z.boolean().optional() });
type Effective = { units: "metric" | "imperial"; alerts: boolean };
export type WeatherContext = BindingContext<z.output<typeof ServerSettings>, z.output<typeof ClientSettings>, Effective, { calls: string[] }>;

const forecast = defineTool({
  name: "weather_forecast",
  description: "Forecast for a city in the negotiated units.",
  input: z.object({ city: z.string().min(1), days: z.number().int().min(1).max(14).default(1) }),
  output: z.object({ city: z.string(), units: z.enum(["metric", "imperial"]), temperatures: z.array(z.number()) }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  examples: [{ city: "Oslo", days: 2 }],
  handler: ({ city, days }, context: WeatherContext) => {
    context.services.calls.push(city);
    context.annotateAudit({ detail: { days }, subjects: [city] });
    if (city === "Atlantis") throw new ExtensionError("NOT_FOUND", "no such city", { field: "city" });
    if (city === "Bug") return { city, units: "kelvin" } as never;
    if (city === "Crash") throw new Error("secret internal detail");
    return { city, units: context.settings.units, temperatures: Array.from({ length: days }, (_, day) => 10 + day) };
  },
});

const alerts = defineTool({
  name: "weather_alerts",
  description: "Severe weather alerts; only for clients that negotiated the extension.",
  input: z.object({ region: z.string() }),
  output: z.object({ alerts: z.array(z.string()) }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  requiresClientExtension: true,
  examples: [{ region: "north" }],
  handler: ({ region }) => ({ alerts: [`storm in ${region}`] }),
});

const stations = defineMethod({
  verb: "stations",
  description: "Lists weather stations.",
  params: z.object({ country: z.string() }),
  result: z.object({ stations: z.array(z.string()), version: z.string() }),
  examples: [{ country: "NO" }],
  handler: ({ country }, context: WeatherContext) => ({ stations: [`${country}-1`], version: context.version ?? "none" }),
});

const station = defineResource({
  name: "station",
  uri: "weather://station/{id}",
  description: "A weather station.",
  mimeType: "application/json",
  example: "weather://station/NO-1",
  list: () => [{ uri: "weather://station/NO-1", name: "NO-1" }],
  read: (_uri, { id }, context: WeatherContext) => ({ text: JSON.stringify({ id, units: context.settings.units }) }),
});

const brief = definePrompt({
  name: "weather_brief",
  description: "Brief the user on the weather.",
  args: z.object({ city: z.string() }),
  examples: [{ city: "Oslo" }],
  render: ({ city }, context: WeatherContext) => `Brief me on ${city} in ${context.settings.units}.`,
});

export const weatherExtension = defineExtension({
  id: WEATHER_ID,
  title: "Weather",
  description: "Forecasts with units negotiated per client.",
  versions: ["1.0", "1.1"],
  serverSettings: ServerSettings,
  clientSettings: ClientSettings,
  negotiate: ({ server, client }): Effective => ({
    units: client?.units && server.units.includes(client.units) ? client.units : (server.units[0] ?? "metric"),
    alerts: client?.wantsAlerts ?? false,
  }),
  tools: [forecast, alerts],
  methods: [stations],
  resources: [station],
  prompts: [brief],
});

export function createWeatherServer(options: Partial<AttachOptions<z.input<typeof ServerSettings>, { calls: string[] }>> = {}): McpServer {
  const server = new McpServer({ name: "weather", version: "1.0.0" });
  attachExtension(server, weatherExtension, { settings: {}, services: { calls: [] }, ...options });
  return server;
}
