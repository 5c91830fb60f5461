import { describe, expect, it } from "vitest";
import { McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { defineExtension } from "../extension/define.js";
import { definePrompt, defineResource } from "../extension/bindings.js";
import { attachExtension } from "./attach.js";
import { connectInProcess } from "../testing/connect.js";
import { createWeatherServer, WEATHER_ID, weatherExtension } from "../__fixtures__/weather-extension.js";

for (const era of ["legacy", "modern"] as const) {
  describe(`lists show what the client can call (${era})`, () => {
    it("hides gated bindings from a plain client, and every listed tool's example never answers -32021", async () => {
      const { client, close } = await connectInProcess(() => createWeatherServer(), { era });
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(["weather_forecast"]);
      for (const tool of tools) {
        const example = weatherExtension.tools.find((candidate) => candidate.name === tool.name)!.examples![0]!;
        const result = await client.callTool({ name: tool.name, arguments: example as Record<string, unknown> });
        expect(result.isError).toBeFalsy();
      }
      // Hidden is not callable: a call by name is still gated.
      await expect(client.callTool({ name: "weather_alerts", arguments: { region: "north" } })).rejects.toMatchObject({ code: -32021 });
      await close();
    });

    it("lists gated bindings to a client that declared the extension", async () => {
      const { client, close } = await connectInProcess(() => createWeatherServer(), { era, extensions: { [WEATHER_ID]: {} } });
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(["weather_alerts", "weather_forecast"]);
      await close();
    });

    it("listAll shows everything, calls stay gated", async () => {
      const { client, close } = await connectInProcess(() => createWeatherServer({ listAll: true }), { era });
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(["weather_alerts", "weather_forecast"]);
      await expect(client.callTool({ name: "weather_alerts", arguments: { region: "north" } })).rejects.toMatchObject({ code: -32021 });
      await close();
    });

    it("filters resources, templates and prompts by the same rule", async () => {
      const { client, close } = await connectInProcess(() => createGatedResourcesServer(), { era });
      const [resources, templates, prompts] = await Promise.all([client.listResources(), client.listResourceTemplates(), client.listPrompts()]);
      expect(resources.resources.map((resource) => resource.uri)).toEqual(["weather://open"]);
      expect(templates.resourceTemplates.map((template) => template.uriTemplate)).toEqual(["weather://station/{id}"]);
      expect(prompts.prompts.map((prompt) => prompt.name)).toEqual(["weather_brief"]);
      await close();
      const declared = await connectInProcess(() => createGatedResourcesServer(), { era, extensions: { [WEATHER_ID]: {} } });
      expect((await declared.client.listResources()).resources.map((resource) => resource.uri).sort()).toEqual(["weather://open", "weather://secret"]);
      expect((await declared.client.listResourceTemplates()).resourceTemplates.map((template) => template.uriTemplate).sort()).toEqual(["weather://gated/{id}", "weather://station/{id}"]);
      expect((await declared.client.listPrompts()).prompts.map((prompt) => prompt.name).sort()).toEqual(["weather_brief", "weather_gated_brief"]);
      await declared.close();
    });
  });
}


function createGatedResourcesServer(): McpServer {
  const extension = defineExtension({
    ...weatherExtension,
    tools: [],
    methods: [],
    resources: [
      ...weatherExtension.resources.map((resource) => ({ ...resource, list: undefined })),
      defineResource({ name: "open", uri: "weather://open", description: "Open.", mimeType: "text/plain", read: () => ({ text: "open" }) }),
      defineResource({ name: "secret", uri: "weather://secret", description: "Gated.", mimeType: "text/plain", requiresClientExtension: true, read: () => ({ text: "secret" }) }),
      defineResource({ name: "gated", uri: "weather://gated/{id}", description: "Gated family.", mimeType: "text/plain", requiresClientExtension: true, read: () => ({ text: "gated" }) }),
    ],
    prompts: [
      ...weatherExtension.prompts,
      definePrompt({ name: "weather_gated_brief", description: "Gated prompt.", args: z.object({ city: z.string() }), requiresClientExtension: true, render: ({ city }) => city }),
    ],
  });
  const server = new McpServer({ name: "weather", version: "1.0.0" });
  attachExtension(server, extension, { settings: {}, services: { calls: [] } });
  return server;
}
