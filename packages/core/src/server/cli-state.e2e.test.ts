import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { createWeatherServer } from "../__fixtures__/weather-extension.js";
import { openStateStore } from "../state/open-store.js";
import type { StateStore } from "../state/state-store.js";
import { postgresAvailable, startPostgresCluster, type PostgresTestCluster } from "../testing/postgres-cluster.js";
import { CliUsageError, runServerCli } from "./cli.js";
import { defaultStateFile, extractStateFlags } from "./cli-state.js";
import { registerCliSubcommand } from "./cli-subcommands.js";

const identity = { name: "com.example/weather", title: "Weather", version: "1.2.3", description: "Forecasts" };
const directory = mkdtempSync(join(tmpdir(), "cli-state-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** Starts the weather bin in process and keeps the state its factory was given. */
async function start(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const lines: string[] = [];
  let given: StateStore | undefined;
  const running = await runServerCli({
    command: "mcp-weather",
    summary: "Weather server.",
    identity,
    handleSignals: false,
    argv,
    env: { XDG_STATE_HOME: join(directory, "xdg"), ...env },
    log: (line) => lines.push(line),
    createFactory: ({ state }) => {
      given = state;
      return () => createWeatherServer();
    },
  });
  return { running: running!, state: given!, lines };
}

registerCliSubcommand({
  name: "count-up",
  summary: "Adds one to a counter in the shared state.",
  async run({ argv, state, print }) {
    const total = await state.increment("cli-test", "counter", Number(argv[0] ?? 1));
    print(String(total));
    return total > 2 ? 3 : 0;
  },
});

describe("the CLI's shared state", () => {
  it("documents --state, --postgres, DATABASE_URL and the registered commands", async () => {
    const lines: string[] = [];
    await runServerCli({ command: "mcp-weather", summary: "s", identity, argv: ["--help"], log: (line) => lines.push(line), createFactory: () => () => createWeatherServer() });
    const help = lines.join("\n");
    expect(help).toMatch(/--state <file\|memory:>\s+SQLite file[^\n]*memory: keeps them in this process only/);
    expect(help).toMatch(/--postgres <url>\s+PostgreSQL URL/);
    expect(help).toMatch(/DATABASE_URL/);
    expect(help).toMatch(/Commands[\s\S]*count-up\s+Adds one/);
  });

  it("opens the default SQLite file under XDG_STATE_HOME, hands it to the factory and closes it at shutdown", async () => {
    const { running, state, lines } = await start(["--http", "0"]);
    const file = join(directory, "xdg", "mcp-verticals", "mcp-weather.sqlite");
    expect(defaultStateFile("mcp-weather", { XDG_STATE_HOME: join(directory, "xdg") })).toBe(file);
    expect(defaultStateFile("mcp-weather", { HOME: "/home/ana" })).toBe("/home/ana/.local/state/mcp-verticals/mcp-weather.sqlite");
    try {
      expect(state.engine).toBe("sqlite");
      expect(existsSync(file)).toBe(true);
      expect(lines.join()).toContain(`state: SQLite at ${file}`);
      const client = new Client({ name: "c", version: "0" });
      await client.connect(new StreamableHTTPClientTransport(new URL(running.url!)));
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
      await client.close();
    } finally {
      await running.close();
    }
    await expect(state.get("ns", "k")).rejects.toThrow(/closed/);
  });

  it("uses --state <file>, and memory: for state kept in the process", async () => {
    const file = join(directory, "explicit", "state.sqlite");
    const first = await start(["--http", "0", "--state", file]);
    await first.state.put("ns", "k", "kept");
    await first.running.close();
    const reopened = await openStateStore({ file });
    expect((await reopened.get("ns", "k"))?.value).toBe("kept");
    await reopened.close();
    const memory = await start(["--http", "0", "--state", "memory:"]);
    expect(memory.state.engine).toBe("memory");
    await memory.running.close();
  });

  it("runs a registered subcommand on the same state with the rest of its arguments, and returns its exit code", async () => {
    const file = join(directory, "subcommand.sqlite");
    const output: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (output.push(String(chunk)), true)) as typeof process.stdout.write;
    try {
      for (const argv of [["count-up", "--state", file], ["count-up", "2", `--state=${file}`]]) {
        const result = await runServerCli({ command: "mcp-weather", summary: "s", identity, argv, log: () => undefined, createFactory: () => () => createWeatherServer() });
        expect(result).toBeUndefined();
      }
    } finally {
      process.stdout.write = write;
    }
    expect(output).toEqual(["1\n", "3\n"]);
    expect(process.exitCode).toBe(3);
    process.exitCode = 0;
    expect(() => extractStateFlags(["--state"])).toThrow(/expects a value/);
    expect(extractStateFlags(["a", "--postgres", "postgres://h/db", "b"])).toEqual({ values: { postgres: "postgres://h/db" }, rest: ["a", "b"] });
  });

  it("takes exactly what --help documents for --state, and refuses what only looks like memory: without creating a file", async () => {
    const before = new Set(readdirSync(process.cwd()));
    for (const value of ["memory", ":memory:", "MEMORY:", "Memory", "memory:later", ":memory"]) {
      for (const argv of [["--http", "0", "--state", value], [`--state=${value}`], ["count-up", "--state", value]]) {
        const refused = await start(argv).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(refused, `${argv.join(" ")}`).toBeInstanceOf(CliUsageError);
        expect(refused).toMatchObject({ field: "--state", message: expect.stringContaining("--state memory:") });
      }
    }
    const url = await start(["--state", "sqlite://state.db"]).catch((error: unknown) => error);
    expect(url).toBeInstanceOf(CliUsageError);
    expect(url).toMatchObject({ field: "--state", message: expect.stringContaining("--postgres") });
    // Nothing named after the refused values appeared where the process runs.
    expect(readdirSync(process.cwd()).filter((name) => !before.has(name))).toEqual([]);
    // A file that happens to be called memory is named as a path.
    const file = join(directory, "memory");
    const named = await start(["--http", "0", "--state", file]);
    expect(named.state.engine).toBe("sqlite");
    await named.running.close();
    expect(existsSync(file)).toBe(true);
  });

  it("refuses a --postgres value that is not a PostgreSQL URL, without starting", async () => {
    await expect(start(["--http", "0", "--postgres", "mysql://x"])).rejects.toThrow(/postgres:\/\//);
    await expect(start(["unknown-command"])).rejects.toThrow(/--help/);
  });
});

describe.runIf(postgresAvailable())("the CLI on PostgreSQL", () => {
  let cluster: PostgresTestCluster;
  beforeAll(async () => {
    cluster = await startPostgresCluster();
  }, 90_000);
  afterAll(() => cluster?.stop());

  it("takes --postgres or DATABASE_URL over --state, and never logs the URL's password", async () => {
    const url = new URL(await cluster.createDatabase("cli_state"));
    url.password = "s3cret-password";
    const fromFlag = await start(["--http", "0", "--postgres", url.toString(), "--state", join(directory, "unused.sqlite")]);
    expect(fromFlag.state.engine).toBe("postgres");
    await fromFlag.state.put("ns", "k", "shared");
    expect(fromFlag.lines.join()).not.toContain("s3cret");
    expect(fromFlag.lines.join()).toContain("state: PostgreSQL at 127.0.0.1");
    await fromFlag.running.close();
    expect(existsSync(join(directory, "unused.sqlite"))).toBe(false);
    const fromEnv = await start(["--http", "0"], { DATABASE_URL: url.toString() });
    expect((await fromEnv.state.get("ns", "k"))?.value).toBe("shared");
    await fromEnv.running.close();
  });
});
