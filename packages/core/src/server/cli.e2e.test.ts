import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { CliUsageError, helpText, runServerCli } from "./cli.js";
import { createWeatherServer } from "../__fixtures__/weather-extension.js";

const identity = { name: "com.example/weather", title: "Weather", version: "1.2.3", description: "Forecasts" };
const base = {
  command: "mcp-weather",
  summary: "Weather server.",
  identity,
  handleSignals: false,
  env: { XDG_STATE_HOME: mkdtempSync(join(tmpdir(), "cli-state-")) },
  createFactory: () => () => createWeatherServer(),
};

describe("runServerCli", () => {
  it("prints help listing shared and own flags and the environment", async () => {
    const lines: string[] = [];
    const result = await runServerCli({ ...base, argv: ["--help"], log: (line) => lines.push(line), flags: { city: { type: "string", description: "Default city.", valueName: "<name>" } } });
    expect(result).toBeUndefined();
    expect(lines.join("\n")).toMatch(/--http <port>[\s\S]*--city <name>\s+Default city\.[\s\S]*MCP_BEARER_TOKEN/);
    expect(helpText({ command: "x", summary: "y" })).toContain("Usage: x [options]");
    expect(helpText({ command: "x", summary: "y" })).toMatch(/--public-url <url>[\s\S]*MCP_PUBLIC_URL/);
  });

  it("refuses a public URL that is not an absolute http(s) URL, naming where it came from", async () => {
    await expect(runServerCli({ ...base, argv: ["--http", "0", "--public-url", "mcp.example.org"], log: () => undefined })).rejects.toThrow(/--public-url must be an absolute http\(s\) URL/);
    const fromEnv = runServerCli({ ...base, argv: ["--http", "0"], env: { ...base.env, MCP_PUBLIC_URL: "ftp://mcp.example.org" }, log: () => undefined });
    await expect(fromEnv).rejects.toBeInstanceOf(CliUsageError);
    await expect(fromEnv).rejects.toThrow(/MCP_PUBLIC_URL must be an absolute http\(s\) URL.*its scheme is ftp/);
  });

  it("logs the URL clients use: the bound one alone, or behind a proxy the public one beside the bound address", async () => {
    for (const [argv, env, clientsUse] of [
      [["--http", "0"], base.env, undefined],
      [["--http", "0", "--public-url", "https://mcp.example.org/weather/"], base.env, "https://mcp.example.org/weather"],
      [["--http", "0"], { ...base.env, MCP_PUBLIC_URL: "https://mcp.example.org" }, "https://mcp.example.org"],
    ] as const) {
      const lines: string[] = [];
      const running = await runServerCli({ ...base, argv: [...argv], env, log: (line) => lines.push(line) });
      try {
        const line = lines.find((candidate) => candidate.includes("listening on"))!;
        const bound = running!.url!;
        expect(line.startsWith(`mcp-weather listening on ${bound} (`)).toBe(true);
        if (clientsUse === undefined) {
          expect(line).toContain(`(server card: ${bound}/server-card)`);
          expect(line).not.toContain("clients connect to");
        } else {
          expect(line).toContain(`(bound address; clients connect to ${clientsUse}/mcp, server card: ${clientsUse}/mcp/server-card)`);
          // The bound address is named once, as the bound address: no card URL on it.
          expect(line.split(new URL(bound).host)).toHaveLength(2);
        }
      } finally {
        await running?.close();
      }
    }
  });

  it("rejects unknown flags and bad ports as usage errors", async () => {
    await expect(runServerCli({ ...base, argv: ["--bogus"], log: () => undefined })).rejects.toBeInstanceOf(CliUsageError);
    await expect(runServerCli({ ...base, argv: ["--http", "http"], log: () => undefined })).rejects.toThrow(/port number/);
  });

  it("serves HTTP on 127.0.0.1 with a bearer token from the environment", async () => {
    const lines: string[] = [];
    const running = await runServerCli({ ...base, argv: ["--http", "0"], env: { MCP_BEARER_TOKEN: "t".repeat(40), XDG_STATE_HOME: mkdtempSync(join(tmpdir(), "cli-state-")) }, log: (line) => lines.push(line) });
    try {
      expect(running?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      expect(lines.join()).toContain("bearer token required");
      const client = new Client({ name: "c", version: "0" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
      await client.connect(new StreamableHTTPClientTransport(new URL(running!.url!), { requestInit: { headers: { authorization: `Bearer ${"t".repeat(40)}` } } }));
      expect((await client.listTools()).tools.map((tool) => tool.name)).toContain("weather_forecast");
      await client.close();
    } finally {
      await running?.close();
    }
  });

  it("--list-all-tools lists gated tools to a plain client (calls stay gated)", async () => {
    for (const argv of [["--http", "0"], ["--http", "0", "--list-all-tools"]]) {
      const running = await runServerCli({ ...base, argv, log: () => undefined });
      try {
        const client = new Client({ name: "c", version: "0" });
        await client.connect(new StreamableHTTPClientTransport(new URL(running!.url!)));
        const names = (await client.listTools()).tools.map((tool) => tool.name);
        expect(names.includes("weather_alerts")).toBe(argv.includes("--list-all-tools"));
        await expect(client.callTool({ name: "weather_alerts", arguments: { region: "north" } })).rejects.toMatchObject({ code: -32021 });
        await client.close();
      } finally {
        await running?.close();
      }
    }
  });

  it("refuses a session secret shorter than 32 bytes", async () => {
    await expect(runServerCli({ ...base, argv: ["--http", "0"], env: { MCP_SESSION_SECRET: "short" }, log: () => undefined })).rejects.toBeInstanceOf(CliUsageError);
  });
});
