import { describe, expect, it } from "vitest";
import { createAuditTrail } from "../safety/audit-chain.js";
import { stateCheckpointStore } from "../safety/audit-checkpoints.js";
import { stateAuditSink } from "../safety/state-audit-sink.js";
import { memoryStateStore } from "../state/memory-store.js";
import { auditSubcommand, binAuditLog } from "./cli-audit.js";
import { helpText, type ServerCliOptions } from "./cli.js";

const chainKey = "chain-key-kept-outside-the-state-0123";
const options = { command: "mcp-weather", summary: "Weather.", identity: { name: "com.example/weather", title: "Weather", version: "1", description: "d" }, createFactory: () => () => undefined as never } satisfies ServerCliOptions;

async function runAudit(argv: string[], bin: ServerCliOptions, state = memoryStateStore()): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const code = await auditSubcommand.run({ argv, state, env: { MCP_AUDIT_KEY: chainKey }, print: (line) => out.push(line), log: (line) => out.push(line), options: bin });
  return { code, out: out.join("\n") };
}

describe("audit verify defaults to the bin's own state log", () => {
  it("derives the log from the command unless the bin names it", () => {
    expect(binAuditLog({ command: "mcp-healthcare" })).toBe("audit:healthcare");
    expect(binAuditLog({ command: "clinic-server" })).toBe("audit:clinic-server");
    expect(binAuditLog({ command: "mcp-healthcare", auditLog: "audit:clinic" })).toBe("audit:clinic");
  });

  it("verifies the bin's log without --log, and still reads another log when told", async () => {
    const state = memoryStateStore();
    const trail = createAuditTrail({ sink: stateAuditSink(state, "audit:weather"), key: "k".repeat(32), chainKey, checkpoints: stateCheckpointStore(state, "audit:weather") });
    for (let index = 0; index < 4; index++) await trail.record({ extension: "com.example/weather", binding: "tools/call:weather_forecast", outcome: "ok" });
    await trail.close();
    expect(await runAudit(["verify"], options, state)).toMatchObject({ code: 0, out: expect.stringContaining('audit trail intact: state log "audit:weather" (memory): 4 records, all anchored') });
    // The checkpoints of "audit:weather" are not those of "audit", whose keys share their prefix.
    const checkpointsOf = async (log: string) => {
      const found: string[] = [];
      for await (const checkpoint of stateCheckpointStore(state, log).readAll()) found.push(checkpoint);
      return found;
    };
    expect((await checkpointsOf("audit:weather")).length).toBeGreaterThan(0);
    expect(await checkpointsOf("audit")).toEqual([]);
    const other = await runAudit(["verify", "--log", "audit"], options, state);
    expect(other).toMatchObject({ code: 1, out: expect.stringContaining('state log "audit" (memory) holds no records') });
    // A bin that names its log elsewhere reads that one by default.
    expect(await runAudit(["verify"], { ...options, auditLog: "audit:elsewhere" }, state)).toMatchObject({ code: 1, out: expect.stringContaining('state log "audit:elsewhere"') });
  });

  it("says the default in the bin's --help and in audit --help", async () => {
    expect(helpText(options)).toMatch(/audit\s+audit verify \[--file <path> \| --log <name>\]: .*default: the audit:weather log of the state/);
    expect(helpText({ ...options, auditLog: "audit:clinic" })).toContain("default: the audit:clinic log of the state");
    const help = await runAudit(["--help"], options);
    expect(help.code).toBe(0);
    expect(help.out).toContain("Usage: mcp-weather audit verify");
    expect(help.out).toMatch(/--log\s+Without --file: the state log holding the shared chain \(default audit:weather, where\s+mcp-weather writes it\)/);
    expect(help.out).toContain("$XDG_CONFIG_HOME/mcp-verticals/mcp-weather.audit-key");
  });
});
