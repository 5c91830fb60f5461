#!/usr/bin/env node
// Load benchmark: each vertical's real bin over HTTP on 127.0.0.1, driven by the official client.
//
//   node bench/load/index.mjs [--postgres] [template] [finance] [education] [healthcare]   (build first; default: all four)
//
// With --postgres the bench starts a throwaway PostgreSQL cluster (core's test helper; needs the
// PostgreSQL binaries) and serves each vertical from its own database there (`--postgres <url>`
// instead of the state file), for the verticals whose mix says how (`postgresArgs`).
//
// For each vertical: start `node packages/<v>/dist/bin.js --http 0` with its state, data and keys
// in a temporary directory (plus bench/load/gc-probe.cjs, which collects garbage and reports the
// server's memory on SIGUSR2, so memory is read after a full collection); connect official SDK clients (2026-07-28 pinned and 2025-era, both
// declaring the vertical's extension); then run BENCH_LOAD_CALLS mixed read/write calls
// (bench/load/mixes.mjs) BENCH_LOAD_CONCURRENCY at a time, BENCH_LOAD_RUNS times against the same
// server. Each run prints calls, errors by code, p50/p99 latency, throughput, the server's CPU per
// call and its resident memory and V8 heap after the run. It fails (exit 1) on any error, or when
// from the first run to the last the server's heap (after a full collection) grew by more than
// BENCH_LOAD_MAX_HEAP_GROWTH_MB (8) or its RSS by more than BENCH_LOAD_MAX_GROWTH_MB (64): the
// first run warms the server up, later runs repeat its work and must not keep growing.
// Knobs: BENCH_LOAD_CALLS (10000), BENCH_LOAD_CONCURRENCY (50),
// BENCH_LOAD_RUNS (3), BENCH_LOAD_LEGACY_SHARE (0.2, the share of calls sent by 2025-era clients).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { MIXES } from "./mixes.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const knob = (name, fallback) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const CALLS = knob("BENCH_LOAD_CALLS", 10_000);
const CONCURRENCY = knob("BENCH_LOAD_CONCURRENCY", 50);
const RUNS = knob("BENCH_LOAD_RUNS", 3);
const LEGACY_SHARE = Math.min(1, Number(process.env.BENCH_LOAD_LEGACY_SHARE ?? 0.2));
const MAX_GROWTH_MB = knob("BENCH_LOAD_MAX_GROWTH_MB", 64);
const MAX_HEAP_GROWTH_MB = knob("BENCH_LOAD_MAX_HEAP_GROWTH_MB", 8);
// Several clients per era, as several users of one deployment would be.
const CLIENTS_PER_ERA = 4;
const CLOCK_TICKS = 100; // Linux USER_HZ, the unit of utime/stime in /proc/<pid>/stat

const options = process.argv.slice(2).filter((arg) => arg.startsWith("--"));
const named = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
for (const option of options) {
  if (option !== "--postgres") {
    console.error(`bench/load: unknown option ${option} (known: --postgres)`);
    process.exit(2);
  }
}
const onPostgres = options.includes("--postgres");
const verticals = named.length > 0 ? named : Object.keys(MIXES).filter((name) => !onPostgres || MIXES[name].postgresArgs);
for (const name of verticals) {
  if (!MIXES[name]) {
    console.error(`bench/load: unknown vertical ${name} (known: ${Object.keys(MIXES).join(", ")})`);
    process.exit(2);
  }
  if (onPostgres && !MIXES[name].postgresArgs) {
    console.error(`bench/load: ${name} has no PostgreSQL mix (postgresArgs in bench/load/mixes.mjs)`);
    process.exit(2);
  }
  if (!existsSync(join(root, "packages", name, "dist", "bin.js"))) {
    console.error(`bench/load: packages/${name}/dist/bin.js is missing; build first (pnpm build)`);
    process.exit(2);
  }
}

const cpuSeconds = (pid) => {
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields.
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
};
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const fmtMs = (value) => (value < 10 ? value.toFixed(1) : Math.round(value).toString());

// Servers still running if the benchmark itself is stopped go with it, and so do their directories (and the cluster).
const live = new Set();
const directories = new Set();
let cluster;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    for (const child of live) child.kill("SIGKILL");
    for (const dir of directories) rmSync(dir, { recursive: true, force: true });
    void Promise.resolve(cluster?.stop()).finally(() => process.exit(130));
  });
}

// One throwaway cluster for the whole run, with a database per vertical.
cluster = onPostgres ? await (await import(pathToFileURL(join(root, "packages", "core", "dist", "testing.js")).href)).startPostgresCluster() : undefined;

/** Starts the vertical's bin on a free port with everything it keeps in `dir` (or, with --postgres, in its database). */
async function startServer(name, dir) {
  const bin = join(root, "packages", name, "dist", "bin.js");
  const where = cluster ? ["--postgres", await cluster.createDatabase(`load_${name}`), ...MIXES[name].postgresArgs(dir)] : ["--state", join(dir, "state.sqlite"), ...MIXES[name].args(dir)];
  const args = ["--expose-gc", "--require", join(root, "bench", "load", "gc-probe.cjs"), bin, "--http", "0", ...where];
  const env = { ...process.env, HOME: dir, XDG_STATE_HOME: join(dir, "state"), XDG_CONFIG_HOME: join(dir, "config"), DATABASE_URL: "" };
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"], env });
  live.add(child);
  child.once("exit", () => live.delete(child));
  let stderr = "";
  const memoryWaiters = [];
  child.stderr.on("data", (chunk) => {
    for (const match of String(chunk).matchAll(/^bench-load-memory (.+)$/gm)) memoryWaiters.shift()?.(JSON.parse(match[1]));
    if (stderr.length < 64 * 1024) stderr += chunk;
  });
  /** Full GC in the server, then its memory: `{ rss, heapUsed, external }` in MB. */
  const memoryAfterGc = () =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the server did not report its memory")), 30_000);
      memoryWaiters.push((usage) => {
        clearTimeout(timer);
        resolve(Object.fromEntries(Object.entries(usage).map(([key, bytes]) => [key, bytes / 2 ** 20])));
      });
      child.kill("SIGUSR2");
    });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 60 s: ${stderr}`)), 60_000);
    child.stderr.on("data", () => {
      const match = /listening on (\S+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code}: ${stderr}`)));
  });
  return { child, url, memoryAfterGc, stderr: () => stderr };
}

async function connectClient(name, url, era) {
  const id = `io.github.mcp-verticals/${name}`;
  const client = new Client(
    { name: `bench-load-${era}`, version: "0.0.0" },
    { capabilities: { extensions: { [id]: {} } }, versionNegotiation: { mode: era === "modern" ? { pin: "2026-07-28" } : "legacy" } },
  );
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  if (client.getProtocolEra() !== era) throw new Error(`expected a ${era} session, got ${client.getProtocolEra()}`);
  return client;
}

/** The code an outcome is counted under: undefined for success. */
function outcomeOf(call, result) {
  if (result.isError) return `tool:${result._meta?.["io.github.mcp-verticals/error"]?.code ?? "isError"}`;
  if (call.check) {
    try {
      if (!call.check(result)) return `check:${call.tool}`;
    } catch {
      return `check:${call.tool}`;
    }
  }
  return undefined;
}
function thrownCode(error) {
  if (typeof error?.code === "number") return `rpc:${error.code}`;
  return `transport:${error?.cause?.code ?? error?.code ?? error?.name ?? "error"}`;
}

/** Deterministic weighted schedule: the same calls in the same order for every run, with their era. */
function schedule(mix, count) {
  const total = mix.calls.reduce((sum, call) => sum + call.weight, 0);
  const plan = [];
  let seed = 0x9e3779b9;
  const random = () => {
    seed = (seed * 1_664_525 + 1_013_904_223) >>> 0;
    return seed / 2 ** 32;
  };
  for (let i = 0; i < count; i++) {
    let pick = random() * total;
    const call = mix.calls.find((candidate) => (pick -= candidate.weight) < 0) ?? mix.calls.at(-1);
    plan.push({ call, era: random() < LEGACY_SHARE ? "legacy" : "modern" });
  }
  return plan;
}

async function runOnce(clients, plan, run) {
  const latencies = new Float64Array(plan.length);
  const errors = new Map();
  const perEra = { modern: 0, legacy: 0 };
  const perKind = { read: 0, write: 0 };
  const next = { modern: 0, legacy: 0 };
  let cursor = 0;
  const worker = async () => {
    while (cursor < plan.length) {
      const i = cursor++;
      const { call, era } = plan[i];
      const pool = clients[era];
      const client = pool[next[era]++ % pool.length];
      perEra[era]++;
      perKind[call.kind]++;
      const start = performance.now();
      let code;
      try {
        code = outcomeOf(call, await client.callTool({ name: call.tool, arguments: call.args(i, run) }));
      } catch (error) {
        code = thrownCode(error);
      }
      latencies[i] = performance.now() - start;
      if (code !== undefined) errors.set(code, (errors.get(code) ?? 0) + 1);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const wallMs = performance.now() - start;
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  return { wallMs, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1), errors, perEra, perKind };
}

async function benchVertical(name) {
  const mix = MIXES[name];
  const dir = mkdtempSync(join(tmpdir(), `load-${name}-`));
  directories.add(dir);
  const server = await startServer(name, dir);
  const pid = server.child.pid;
  const clients = { modern: [], legacy: [] };
  const rows = [];
  let failed = false;
  try {
    const start = await server.memoryAfterGc();
    for (const era of ["modern", "legacy"]) for (let k = 0; k < CLIENTS_PER_ERA; k++) clients[era].push(await connectClient(name, server.url, era));
    for (const { tool, args } of mix.seed ?? []) {
      const result = await clients.modern[0].callTool({ name: tool, arguments: args });
      if (result.isError) throw new Error(`seeding ${tool} failed: ${JSON.stringify(result._meta ?? result.structuredContent).slice(0, 300)}`);
    }
    const plan = schedule(mix, CALLS);
    console.log(`\n${name}: ${server.url}, server RSS at start ${start.rss.toFixed(0)} MB (heap ${start.heapUsed.toFixed(0)} MB); writes: ${mix.writes}`);
    console.log("run   calls  reads writes  2026  2025  errors  p50 ms  p99 ms  max ms  calls/s  server CPU/call  RSS after (heap)");
    for (let run = 1; run <= RUNS; run++) {
      const cpuBefore = cpuSeconds(pid);
      const result = await runOnce(clients, plan, run);
      const cpuMs = ((cpuSeconds(pid) - cpuBefore) * 1000) / CALLS;
      // Let in-flight work finish, then collect garbage before reading what the server holds.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const { rss, heapUsed } = await server.memoryAfterGc();
      const errorCount = [...result.errors.values()].reduce((sum, n) => sum + n, 0);
      rows.push({ run, rss, heapUsed, errorCount, ...result });
      console.log(
        `${String(run).padStart(3)}  ${String(CALLS).padStart(6)}  ${String(result.perKind.read).padStart(5)} ${String(result.perKind.write).padStart(6)}  ${String(result.perEra.modern).padStart(4)}  ${String(result.perEra.legacy).padStart(4)}  ${String(errorCount).padStart(6)}  ${fmtMs(result.p50).padStart(6)}  ${fmtMs(result.p99).padStart(6)}  ${fmtMs(result.max).padStart(6)}  ${Math.round((CALLS / result.wallMs) * 1000).toString().padStart(7)}  ${cpuMs.toFixed(2).padStart(11)} ms  ${rss.toFixed(0).padStart(6)} MB (${heapUsed.toFixed(1)} MB)`,
      );
      if (errorCount > 0) console.log(`     errors by code: ${[...result.errors].map(([code, n]) => `${code} ×${n}`).join(", ")}`);
    }
    const growth = rows.at(-1).rss - rows[0].rss;
    const heapGrowth = rows.at(-1).heapUsed - rows[0].heapUsed;
    const errors = rows.reduce((sum, row) => sum + row.errorCount, 0);
    const memoryHeld = growth <= MAX_GROWTH_MB && heapGrowth <= MAX_HEAP_GROWTH_MB;
    const signed = (value) => `${value >= 0 ? "+" : ""}${value.toFixed(1)}`;
    console.log(
      `${name}: RSS ${start.rss.toFixed(0)} MB at start → ${rows.map((row) => row.rss.toFixed(0)).join(" → ")} MB after runs 1..${RUNS}, heap ${start.heapUsed.toFixed(1)} → ${rows.map((row) => row.heapUsed.toFixed(1)).join(" → ")} MB; from run 1 to run ${RUNS}: RSS ${signed(growth)} MB [bound ${MAX_GROWTH_MB}], heap ${signed(heapGrowth)} MB [bound ${MAX_HEAP_GROWTH_MB}]: ${memoryHeld ? "held" : "EXCEEDED"}; errors: ${errors}`,
    );
    failed = !memoryHeld || errors > 0;
  } finally {
    await Promise.allSettled([...clients.modern, ...clients.legacy].map((client) => client.close()));
    server.child.kill("SIGTERM");
    await new Promise((resolve) => (server.child.exitCode !== null ? resolve() : server.child.once("exit", resolve)));
    rmSync(dir, { recursive: true, force: true });
  }
  return { name, rows, failed };
}

console.log(`bench/load: ${CALLS} calls × ${RUNS} runs per vertical, ${CONCURRENCY} in flight, ${Math.round(LEGACY_SHARE * 100)}% from 2025-era clients${cluster ? ", on PostgreSQL" : ""}; load average at start ${loadavg().map((value) => value.toFixed(2)).join(" ")}`);
const results = [];
for (const name of verticals) {
  try {
    results.push(await benchVertical(name));
  } catch (error) {
    console.error(`${name}: ${error.stack ?? error}`);
    results.push({ name, failed: true });
  }
}
console.log(`\nload average at end ${loadavg().map((value) => value.toFixed(2)).join(" ")}`);
await cluster?.stop();
const failures = results.filter((result) => result.failed).map((result) => result.name);
if (failures.length > 0) {
  console.log(`bench/load: FAILED for ${failures.join(", ")}`);
  process.exit(1);
}
