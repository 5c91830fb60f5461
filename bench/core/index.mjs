#!/usr/bin/env node
// Benchmark: what does the @mcp-verticals/core extension layer cost on tools/call, and on
// stdio cold start, compared with a bare SDK McpServer serving the same tool?
//
//   node bench/core/index.mjs            (build first: pnpm build / turbo run build)
//
// Both sides serve `template_lookup_term` with the same zod input/output schemas, the same
// lookup and the same structuredContent; the core side is the real template vertical
// (packages/template/dist), the bare side is bench/core/bare-stdio-server.mjs. Every figure
// is measured in the same process run, core and bare interleaved round by round (order
// alternating) so drift, GC and CPU frequency hit both alike.
//
// Each round times a fixed number of calls per side (sequential, then CONCURRENCY in flight);
// besides wall-clock throughput and latency it records process CPU time per call
// (process.cpuUsage: client and server share this process), which stays meaningful when
// other work loads the machine. Ratios are medians of the per-round core/bare pairs.
//
// Knobs (environment): BENCH_SCALE (multiplies calls per round, default 1), BENCH_ROUNDS
// (default 5), BENCH_CONCURRENCY (default 8), BENCH_COLD_RUNS (default 10), BENCH_ONLY
// (comma list of scenario keys: modern,declared,http,legacy,serving,tasks,cold).
//
// Resolution: the repo root package.json has @modelcontextprotocol/{server,client} and zod as
// devDependencies, so bare specifiers resolve from bench/ to the very same files
// packages/core resolves (checked below; the run aborts if they ever diverge).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, realpathSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { Client, InMemoryTransport, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { createMcpHandler } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { createBareServer } from "./bare-stdio-server.mjs";
import { printServing, runServing } from "./serving.mjs";
import { printTasks, runTasks } from "./tasks.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
for (const built of ["packages/core/dist/index.js", "packages/template/dist/index.js", "packages/template/dist/bin.js"]) {
  if (!existsSync(join(root, built))) {
    console.error(`bench/core: ${built} is missing; build first (pnpm build)`);
    process.exit(2);
  }
}
const core = await import("../../packages/core/dist/index.js");
const { serveHttp } = core;
const { createTemplateServer, TEMPLATE_EXTENSION_ID } = await import("../../packages/template/dist/index.js");
const env = (name, fallback) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const SCALE = env("BENCH_SCALE", 1);
const ROUNDS = env("BENCH_ROUNDS", 5);
const CONCURRENCY = env("BENCH_CONCURRENCY", 8);
const COLD_RUNS = env("BENCH_COLD_RUNS", 10);
// Calls per round and side (and warm-up calls) per scenario, sized so the whole run stays
// well under 90 s on 2 cores: the 2026 era builds a fresh server per request, HTTP adds sockets.
const SIZES = { modern: 250, declared: 250, http: 150, legacy: 1500, serving: 300, tasks: 100 };
const callsFor = (key) => Math.max(20, Math.round(SIZES[key] * SCALE));
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(",").map((s) => s.trim())) : undefined;
const wants = (key) => !ONLY || ONLY.has(key);
const MODERN = "2026-07-28";
const TOOL = "template_lookup_term";
const ARGS = { term: "extension" };
const TARGET_RATIO = 0.9;

// ---------------------------------------------------------------------------------------
// Same SDK instance for bench, core and template (otherwise the comparison is meaningless).
{
  const fromBench = createRequire(import.meta.url);
  const viaCore = createRequire(join(root, "packages/core/package.json"));
  const viaTemplate = createRequire(join(root, "packages/template/package.json"));
  for (const spec of ["@modelcontextprotocol/server", "@modelcontextprotocol/client", "zod"]) {
    const a = realpathSync(fromBench.resolve(spec));
    const b = realpathSync(viaCore.resolve(spec));
    const c = realpathSync(viaTemplate.resolve(spec));
    if (a !== b || a !== c) {
      console.error(`bench/core: ${spec} resolves to different copies:\n  bench: ${a}\n  core: ${b}\n  template: ${c}`);
      process.exit(2);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Statistics
const sorted = (xs) => Float64Array.from(xs).sort();
const quantile = (s, q) => {
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
};
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const stdev = (xs) => {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
};
const cv = (xs) => (stdev(xs) / mean(xs)) * 100;
const median = (xs) => quantile(sorted(xs), 0.5);

// ---------------------------------------------------------------------------------------
// Clients and servers
const factories = { core: () => createTemplateServer(), bare: () => createBareServer() };
const IDENTITY = {
  name: TEMPLATE_EXTENSION_ID,
  title: "bench",
  version: "0.1.0",
  description: "Benchmark server",
};

function newClient({ era, extensions }) {
  return new Client(
    { name: "bench-core", version: "0.0.0" },
    {
      ...(extensions ? { capabilities: { extensions } } : {}),
      ...(era === "modern" ? { versionNegotiation: { mode: { pin: MODERN } } } : {}),
    },
  );
}

/** 2026-07-28 era, in process: createMcpHandler(factory).fetch behind the HTTP client transport. */
async function connectModernInProcess(factory, extensions) {
  const handler = createMcpHandler(factory);
  const client = newClient({ era: "modern", extensions });
  await client.connect(new StreamableHTTPClientTransport(new URL("http://127.0.0.1/mcp"), { fetch: (url, init) => handler.fetch(new Request(url, init)) }));
  return { client, close: async () => { await client.close(); await handler.close(); } };
}

/** 2026-07-28 era over real HTTP on 127.0.0.1: core's serveHttp around either factory. */
async function connectHttp(factory) {
  const running = await serveHttp(factory, { port: 0, identity: IDENTITY });
  const client = newClient({ era: "modern" });
  await client.connect(new StreamableHTTPClientTransport(new URL(running.url)));
  return { client, close: async () => { await client.close(); await running.close(); } };
}

/** 2025 era, in process: serveStdio over linked in-memory transports, default client. */
async function connectLegacy(factory) {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const served = serveStdio(factory, { transport: serverSide });
  const client = newClient({ era: "default" });
  await client.connect(clientSide);
  return { client, close: async () => { await client.close(); await served.close(); } };
}

const call = (client) => client.callTool({ name: TOOL, arguments: ARGS });

async function sequential(client, n) {
  const lat = new Float64Array(n);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    const r = await call(client);
    lat[i] = performance.now() - s;
    if (r.isError) throw new Error(`tool error: ${JSON.stringify(r)}`);
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ops: (n / ms) * 1000, cpuUs: (cpu.user + cpu.system) / n, lat };
}

async function concurrent(client, n, k) {
  const lat = new Float64Array(n);
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      const s = performance.now();
      const r = await call(client);
      lat[i] = performance.now() - s;
      if (r.isError) throw new Error(`tool error: ${JSON.stringify(r)}`);
    }
  };
  await Promise.all(Array.from({ length: k }, worker));
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ops: (n / ms) * 1000, cpuUs: (cpu.user + cpu.system) / n, lat };
}

const stripMeta = ({ _meta, ...rest }) => rest;

/** Runs one scenario: both sides connected, checked equal, warmed, then interleaved rounds. */
async function scenario(key, title, connect) {
  const started = performance.now();
  const calls = callsFor(key);
  const conns = { core: await connect(factories.core), bare: await connect(factories.bare) };
  try {
    // Same answer on both sides (serverInfo in _meta differs by design).
    const [rc, rb] = [await call(conns.core.client), await call(conns.bare.client)];
    if (!isDeepStrictEqual(stripMeta(rc), stripMeta(rb))) throw new Error(`${key}: core and bare answers differ\ncore: ${JSON.stringify(rc)}\nbare: ${JSON.stringify(rb)}`);
    // listTools so both clients cache the output validator the same way.
    await conns.core.client.listTools();
    await conns.bare.client.listTools();
    for (const side of ["core", "bare"]) {
      await sequential(conns[side].client, calls);
      await concurrent(conns[side].client, calls, CONCURRENCY);
    }
    const modes = { seq: "sequential", [`c${CONCURRENCY}`]: `${CONCURRENCY} in flight` };
    const out = {};
    for (const mode of Object.keys(modes)) {
      const per = { core: { ops: [], cpu: [], lat: [] }, bare: { ops: [], cpu: [], lat: [] } };
      for (let r = 0; r < ROUNDS; r++) {
        const order = r % 2 === 0 ? ["core", "bare"] : ["bare", "core"];
        for (const side of order) {
          const res = mode === "seq" ? await sequential(conns[side].client, calls) : await concurrent(conns[side].client, calls, CONCURRENCY);
          per[side].ops.push(res.ops);
          per[side].cpu.push(res.cpuUs);
          per[side].lat.push(res.lat);
        }
      }
      const summary = {};
      for (const side of ["core", "bare"]) {
        const all = sorted(per[side].lat.flatMap((a) => Array.from(a)));
        summary[side] = {
          opsPerSec: median(per[side].ops),
          opsPerSecRounds: per[side].ops,
          opsCvPct: cv(per[side].ops),
          cpuUsPerCall: median(per[side].cpu),
          cpuUsPerCallRounds: per[side].cpu,
          cpuCvPct: cv(per[side].cpu),
          p50ms: quantile(all, 0.5),
          p90ms: quantile(all, 0.9),
          p99ms: quantile(all, 0.99),
          maxms: all[all.length - 1],
          p50msRounds: per[side].lat.map((a) => quantile(sorted(a), 0.5)),
          p99msRounds: per[side].lat.map((a) => quantile(sorted(a), 0.99)),
        };
      }
      const paired = per.core.ops.map((c, i) => c / per.bare.ops[i]);
      const pairedCpu = per.core.cpu.map((c, i) => per.bare.cpu[i] / c);
      out[mode] = {
        label: modes[mode],
        calls,
        rounds: ROUNDS,
        ...summary,
        ratio: {
          throughput: median(paired),
          throughputRounds: paired,
          throughputMin: Math.min(...paired),
          throughputMax: Math.max(...paired),
          cpuThroughput: median(pairedCpu),
          cpuThroughputRounds: pairedCpu,
          cpuExtraUsPerCall: summary.core.cpuUsPerCall - summary.bare.cpuUsPerCall,
          p50: summary.core.p50ms / summary.bare.p50ms,
          p99: summary.core.p99ms / summary.bare.p99ms,
        },
      };
    }
    return { key, title, calls, seconds: (performance.now() - started) / 1000, modes: out };
  } finally {
    await conns.core.close();
    await conns.bare.close();
  }
}

// ---------------------------------------------------------------------------------------
// stdio cold start: spawn -> connect (initialize) -> first tools/list answered.
const waitExit = async (pid) => {
  if (!pid) return;
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
};

async function coldOnce(args) {
  const t0 = performance.now();
  const transport = new StdioClientTransport({ command: process.execPath, args, cwd: root, stderr: "pipe" });
  let stderr = "";
  transport.stderr?.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  const client = newClient({ era: "default" });
  try {
    await client.connect(transport);
    const tConnected = performance.now();
    const { tools } = await client.listTools();
    const tListed = performance.now();
    if (!tools.some((t) => t.name === TOOL)) throw new Error(`${TOOL} missing from tools/list`);
    return { connectMs: tConnected - t0, firstListMs: tListed - t0 };
  } catch (error) {
    throw new Error(`cold start of ${args.join(" ")} failed: ${error.message}${stderr ? `\n  server stderr: ${stderr.trim()}` : ""}`);
  } finally {
    const pid = transport.pid;
    await client.close().catch(() => undefined);
    await waitExit(pid);
  }
}

/** Other engineers rebuild dist/ while this runs; a spawn that hits a half-written build is retried. */
const retried = [];
async function coldWithRetry(args) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await coldOnce(args);
    } catch (error) {
      if (attempt >= 3) throw error;
      retried.push(error.message);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

async function coldStart() {
  const started = performance.now();
  const sides = {
    core: [join(root, "packages/template/dist/bin.js")],
    bare: [join(here, "bare-stdio-server.mjs")],
  };
  // One untimed spawn each warms the OS file cache, as every later run would see it.
  await coldWithRetry(sides.core);
  await coldWithRetry(sides.bare);
  const runs = { core: [], bare: [] };
  for (let i = 0; i < COLD_RUNS; i++) {
    for (const side of i % 2 === 0 ? ["core", "bare"] : ["bare", "core"]) runs[side].push(await coldWithRetry(sides[side]));
  }
  // Module load alone (no MCP): how much of the gap is just importing code.
  const importMs = {};
  for (const [side, spec] of [["core", "../../packages/template/dist/index.js"], ["bare", "./bare-stdio-server.mjs"]]) {
    const times = [];
    for (let i = 0; i < 3; i++) {
      const url = new URL(spec, import.meta.url).href;
      const r = spawnSync(process.execPath, ["--input-type=module", "-e", `const t=performance.now();await import(${JSON.stringify(url)});console.log(performance.now()-t)`], { encoding: "utf8" });
      times.push(Number(r.stdout.trim()));
    }
    importMs[side] = median(times);
  }
  const summary = {};
  for (const side of ["core", "bare"]) {
    const first = runs[side].map((r) => r.firstListMs);
    const s = sorted(first);
    summary[side] = {
      command: `node ${relative(root, sides[side][0])}`,
      runs: first.length,
      medianMs: quantile(s, 0.5),
      minMs: s[0],
      p10Ms: quantile(s, 0.1),
      p90Ms: quantile(s, 0.9),
      maxMs: s[s.length - 1],
      stdevMs: stdev(first),
      cvPct: cv(first),
      connectMedianMs: median(runs[side].map((r) => r.connectMs)),
      importMedianMs: importMs[side],
      samplesMs: first,
    };
  }
  return {
    key: "cold",
    title: "stdio cold start to first tools/list",
    seconds: (performance.now() - started) / 1000,
    ...summary,
    ratio: { median: summary.core.medianMs / summary.bare.medianMs, deltaMs: summary.core.medianMs - summary.bare.medianMs },
    retriedSpawns: retried,
  };
}

// ---------------------------------------------------------------------------------------
// Output
const f = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "-");
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

function printScenario(s) {
  console.log(`\n${s.title}  (${s.calls} calls x ${ROUNDS} rounds per side and mode, ${f(s.seconds, 1)} s)`);
  console.log(
    `  ${pad("mode", 12)}${pad("impl", 6)}${lpad("calls/s", 9)}${lpad("cv%", 6)}${lpad("cpu us", 8)}${lpad("cv%", 6)}${lpad("p50 ms", 9)}${lpad("p90 ms", 9)}${lpad("p99 ms", 9)}${lpad("max ms", 9)}`,
  );
  for (const m of Object.values(s.modes)) {
    for (const side of ["core", "bare"]) {
      const x = m[side];
      console.log(
        `  ${pad(side === "core" ? m.label : "", 12)}${pad(side, 6)}${lpad(f(x.opsPerSec, 0), 9)}${lpad(f(x.opsCvPct, 1), 6)}${lpad(f(x.cpuUsPerCall, 0), 8)}${lpad(f(x.cpuCvPct, 1), 6)}${lpad(f(x.p50ms, 3), 9)}${lpad(f(x.p90ms, 3), 9)}${lpad(f(x.p99ms, 3), 9)}${lpad(f(x.maxms, 1), 9)}`,
      );
    }
    const r = m.ratio;
    const flag = r.throughput >= TARGET_RATIO ? "ok" : `< ${TARGET_RATIO}`;
    const cpuFlag = r.cpuThroughput >= TARGET_RATIO ? "ok" : `< ${TARGET_RATIO}`;
    console.log(
      `  ${pad("", 12)}${pad("ratio", 6)}throughput ${f(r.throughput, 3)} (rounds ${f(r.throughputMin, 2)}..${f(r.throughputMax, 2)}) ${flag}; cpu-bound ${f(r.cpuThroughput, 3)} ${cpuFlag} (+${f(r.cpuExtraUsPerCall, 0)} us/call); p50 x${f(r.p50, 2)} p99 x${f(r.p99, 2)}`,
    );
  }
}

function printCold(c) {
  console.log(`\n${c.title}  (${f(c.seconds, 1)} s, ${c.core.runs} runs each, interleaved)`);
  console.log(
    `  ${pad("impl", 6)}${lpad("median", 9)}${lpad("min", 8)}${lpad("p10", 8)}${lpad("p90", 8)}${lpad("max", 8)}${lpad("sd", 7)}${lpad("cv%", 6)}${lpad("init", 8)}${lpad("import", 8)}  command`,
  );
  for (const side of ["core", "bare"]) {
    const x = c[side];
    console.log(
      `  ${pad(side, 6)}${lpad(f(x.medianMs, 1), 9)}${lpad(f(x.minMs, 1), 8)}${lpad(f(x.p10Ms, 1), 8)}${lpad(f(x.p90Ms, 1), 8)}${lpad(f(x.maxMs, 1), 8)}${lpad(f(x.stdevMs, 1), 7)}${lpad(f(x.cvPct, 1), 6)}${lpad(f(x.connectMedianMs, 1), 8)}${lpad(f(x.importMedianMs, 1), 8)}  ${x.command}`,
    );
  }
  console.log(`  (ms; "init" = spawn to initialize answered, "import" = bare module import time in a fresh node)`);
  console.log(`  ratio core/bare median ${f(c.ratio.median, 3)}  (+${f(c.ratio.deltaMs, 1)} ms)`);
  if (c.retriedSpawns.length) console.log(`  (${c.retriedSpawns.length} spawn(s) retried: ${c.retriedSpawns[0].split("\n")[0]})`);
}

// ---------------------------------------------------------------------------------------
const t0 = performance.now();
const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).stdout.trim();
console.log(
  `bench/core: node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, load ${loadavg().map((x) => x.toFixed(1)).join(" ")}, commit ${commit}; ${ROUNDS} interleaved rounds, one warm-up round, concurrency ${CONCURRENCY}`,
);
if (loadavg()[0] > cpus().length) {
  console.log(`warning: load average ${loadavg()[0].toFixed(1)} exceeds ${cpus().length} cores; wall-clock figures will be noisy, prefer the cpu-bound ratios and per-round ranges`);
}
const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  commit,
  loadavgAtStart: loadavg(),
  config: { callsPerRound: Object.fromEntries(Object.keys(SIZES).map((k) => [k, callsFor(k)])), rounds: ROUNDS, concurrency: CONCURRENCY, coldRuns: COLD_RUNS, targetRatio: TARGET_RATIO },
  scenarios: [],
};
const plan = [
  ["modern", `2026-07-28, in process (createMcpHandler(factory).fetch)`, (factory) => connectModernInProcess(factory)],
  [
    "declared",
    `2026-07-28, in process, client declares ${TEMPLATE_EXTENSION_ID} {language:"en"}`,
    (factory) => connectModernInProcess(factory, { [TEMPLATE_EXTENSION_ID]: { language: "en" } }),
  ],
  ["http", `2026-07-28, real HTTP on 127.0.0.1 (serveHttp, both sides)`, (factory) => connectHttp(factory)],
  ["legacy", `2025 era, in process (serveStdio over InMemoryTransport)`, (factory) => connectLegacy(factory)],
];
for (const [key, title, connect] of plan) {
  if (!wants(key)) continue;
  const s = await scenario(key, title, connect);
  printScenario(s);
  results.scenarios.push(s);
}
if (wants("serving")) {
  const s = await runServing({ calls: callsFor("serving"), rounds: ROUNDS, concurrency: CONCURRENCY, stats: { sorted, quantile, median, cv } });
  printServing(s, { f, pad, lpad });
  results.serving = s;
}
if (wants("tasks")) {
  const t = await runTasks({ core, calls: callsFor("tasks"), rounds: ROUNDS, stats: { sorted, quantile, median } });
  printTasks(t, { f, pad, lpad });
  results.tasks = t;
}
if (wants("cold")) {
  try {
    results.coldStart = await coldStart();
    printCold(results.coldStart);
  } catch (error) {
    results.coldStartError = error.message;
    console.log(`\nstdio cold start: FAILED: ${error.message}`);
    process.exitCode = 1;
  }
}

// Summary of ratios
console.log(`\nSummary (core/bare; throughput ratio target >= ${TARGET_RATIO}; "cpu-bound" = bare CPU per call / core CPU per call)`);
const below = [];
for (const s of results.scenarios) {
  for (const [mode, m] of Object.entries(s.modes)) {
    const ok = m.ratio.throughput >= TARGET_RATIO;
    if (!ok || m.ratio.cpuThroughput < TARGET_RATIO) below.push(`${s.key}/${mode}${ok ? " (cpu)" : m.ratio.cpuThroughput < TARGET_RATIO ? "" : " (wall)"}`);
    console.log(
      `  ${pad(`${s.key} ${m.label}`, 24)} throughput ${f(m.ratio.throughput, 3)} ${ok ? "ok " : "LOW"}  cpu-bound ${f(m.ratio.cpuThroughput, 3)} ${m.ratio.cpuThroughput >= TARGET_RATIO ? "ok " : "LOW"}  p50 x${f(m.ratio.p50, 2)}  p99 x${f(m.ratio.p99, 2)}`,
    );
  }
}
if (results.coldStart) console.log(`  ${pad("stdio cold start", 24)} median x${f(results.coldStart.ratio.median, 3)} (+${f(results.coldStart.ratio.deltaMs, 1)} ms)`);
results.belowTarget = below;
results.totalSeconds = (performance.now() - t0) / 1000;
results.loadavgAtEnd = loadavg();

const outDir = join(root, "bench", "results");
mkdirSync(outDir, { recursive: true });
// Latency arrays are summarised above; keep the JSON small.
writeFileSync(join(outDir, "core.json"), `${JSON.stringify(results, null, 2)}\n`);
console.log(`\n${below.length ? `below target: ${below.join(", ")}` : "all throughput ratios at or above target"}; total ${f(results.totalSeconds, 1)} s; JSON: ${relative(process.cwd(), join(outDir, "core.json")) || "bench/results/core.json"}`);
