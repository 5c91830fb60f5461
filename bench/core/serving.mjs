// bench/core "serving" scenario: 2026-07-28 tools/call over real HTTP on 127.0.0.1, each server
// in its own process (serving-child.mjs), driven by a light keep-alive load generator here.
//
//   core              core's serveHttp + the template vertical (servers reused across requests)
//   core-per-request  the same, reuseServers: false (what every request cost before)
//   bare              the bare SDK's createMcpHandler serving the same tool
//   floor             a raw JSON-RPC echo over node:http answering the same bytes
//
// The request replayed is the one the official SDK client sends (captured from a real
// Client call: headers and body, only the id changes), and every answer is checked. Server
// CPU per call comes from the server process itself, so the load generator's own work never
// counts; rounds interleave the sides (order rotating) so machine load hits all alike.
import { fork } from "node:child_process";
import { Agent, request as httpRequest } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

const here = dirname(fileURLToPath(import.meta.url));
const MODERN = "2026-07-28";
const TOOL = "template_lookup_term";
const ARGS = { term: "extension" };
const SIDES = ["core", "core-per-request", "bare", "floor"];

function startChild(kind, extra = []) {
  // BENCH_CPU_PROF=<dir> writes a V8 CPU profile per server process there (node --cpu-prof).
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`, `--cpu-prof-name=${kind}.cpuprofile`] : [];
  const child = fork(join(here, "serving-child.mjs"), [kind, ...extra], { stdio: ["ignore", "inherit", "inherit", "ipc"], execArgv: profile });
  const pending = [];
  child.on("message", (message) => pending.shift()?.(message));
  const next = () => new Promise((resolve) => pending.push(resolve));
  const ready = next();
  return {
    kind,
    ready: ready.then((message) => message.url),
    cpu: async () => {
      const answer = next();
      child.send("cpu");
      const { cpu, rss } = await answer;
      return { us: cpu.user + cpu.system, rss };
    },
    stop: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.send("stop");
      await exited;
    },
  };
}

/** Calls the tool once with the official client and records the exact POST it sent. */
async function captureCall(url) {
  let captured;
  const client = new Client({ name: "bench-core", version: "0.0.0" }, { versionNegotiation: { mode: { pin: MODERN } } });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    fetch: async (input, init) => {
      const body = typeof init?.body === "string" ? JSON.parse(init.body) : undefined;
      if (body?.method === "tools/call") captured = { headers: Object.fromEntries(new Headers(init.headers)), body };
      return fetch(input, init);
    },
  });
  await client.connect(transport);
  const result = await client.callTool({ name: TOOL, arguments: ARGS });
  await client.close();
  if (!captured) throw new Error("serving: the client sent no tools/call POST");
  return { captured, result };
}

function replayer(url, captured, concurrency) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL(url);
  let id = 1_000;
  const headers = { ...captured.headers };
  delete headers["content-length"];
  const once = () =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({ ...captured.body, id: ++id });
      const req = httpRequest(
        { agent, host: target.hostname, port: target.port, path: target.pathname, method: "POST", headers: { ...headers, "content-length": Buffer.byteLength(body) } },
        (res) => {
          const chunks = [];
          res.on("data", (chunk) => chunks.push(chunk));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            if (res.statusCode !== 200) return reject(new Error(`serving: HTTP ${res.statusCode}: ${text.slice(0, 300)}`));
            const message = JSON.parse(text);
            if (message.result?.structuredContent?.entry?.term !== ARGS.term) return reject(new Error(`serving: unexpected answer ${text.slice(0, 300)}`));
            resolve();
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  return { once, close: () => agent.destroy() };
}

async function drive(call, n, k) {
  const lat = new Float64Array(n);
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      const s = performance.now();
      await call();
      lat[i] = performance.now() - s;
    }
  };
  await Promise.all(Array.from({ length: k }, worker));
  return { ops: (n / (performance.now() - t0)) * 1000, lat };
}

/**
 * Runs the scenario; `stats` carries the shared helpers of index.mjs.
 * Resolves the result object (printed by `printServing`).
 */
export async function runServing({ calls, rounds, concurrency, stats }) {
  const { sorted, quantile, median, cv } = stats;
  const started = performance.now();
  const children = Object.fromEntries(["core", "core-per-request", "bare"].map((kind) => [kind, startChild(kind)]));
  try {
    const urls = {};
    for (const [kind, child] of Object.entries(children)) urls[kind] = await child.ready;
    // The official client against core and bare: same answer (serverInfo in _meta differs by design).
    const core = await captureCall(urls.core);
    const bare = await captureCall(urls.bare);
    const strip = ({ _meta, ...rest }) => rest;
    if (!isDeepStrictEqual(strip(core.result), strip(bare.result))) throw new Error(`serving: core and bare answers differ\n${JSON.stringify(core.result)}\n${JSON.stringify(bare.result)}`);
    children.floor = startChild("floor", [JSON.stringify({ ...strip(bare.result), resultType: "complete" })]);
    urls.floor = await children.floor.ready;

    const modes = { seq: 1, [`c${concurrency}`]: concurrency };
    const out = {};
    for (const [mode, k] of Object.entries(modes)) {
      const drivers = Object.fromEntries(SIDES.map((side) => [side, replayer(urls[side], bare.captured, k)]));
      const per = Object.fromEntries(SIDES.map((side) => [side, { ops: [], cpu: [], lat: [] }]));
      // Warm-up: JIT, pools and sockets, untimed.
      for (const side of SIDES) await drive(drivers[side].once, Math.min(calls, 100), k);
      for (let round = 0; round < rounds; round++) {
        const order = SIDES.map((_, i) => SIDES[(i + round) % SIDES.length]);
        for (const side of order) {
          const before = await children[side].cpu();
          const res = await drive(drivers[side].once, calls, k);
          const after = await children[side].cpu();
          per[side].ops.push(res.ops);
          per[side].cpu.push((after.us - before.us) / calls);
          per[side].lat.push(res.lat);
        }
      }
      for (const side of SIDES) drivers[side].close();
      const summary = {};
      for (const side of SIDES) {
        const all = sorted(per[side].lat.flatMap((a) => Array.from(a)));
        summary[side] = {
          opsPerSec: median(per[side].ops),
          opsPerSecRounds: per[side].ops,
          opsCvPct: cv(per[side].ops),
          serverCpuUsPerCall: median(per[side].cpu),
          serverCpuUsPerCallRounds: per[side].cpu,
          p50ms: quantile(all, 0.5),
          p99ms: quantile(all, 0.99),
        };
      }
      const paired = (a, b, key) => per[a][key].map((x, i) => x / per[b][key][i]);
      const throughput = paired("core", "bare", "ops");
      out[mode] = {
        label: k === 1 ? "sequential" : `${k} in flight`,
        calls,
        rounds,
        ...summary,
        ratio: {
          throughputCoreOverBare: median(throughput),
          throughputRounds: throughput,
          throughputMin: Math.min(...throughput),
          throughputMax: Math.max(...throughput),
          cpuBareOverCore: median(paired("bare", "core", "cpu")),
          cpuPerRequestOverReused: median(paired("core-per-request", "core", "cpu")),
          throughputCoreOverFloor: median(paired("core", "floor", "ops")),
          cpuAboveFloorUs: summary.core.serverCpuUsPerCall - summary.floor.serverCpuUsPerCall,
          bareCpuAboveFloorUs: summary.bare.serverCpuUsPerCall - summary.floor.serverCpuUsPerCall,
        },
      };
    }
    return { key: "serving", title: "2026-07-28 tools/call over HTTP on 127.0.0.1, server in its own process", calls, rounds, seconds: (performance.now() - started) / 1000, modes: out };
  } finally {
    await Promise.all(Object.values(children).map((child) => child.stop().catch(() => undefined)));
  }
}

/** Prints the scenario's table and ratios. */
export function printServing(s, { f, pad, lpad }) {
  console.log(`\n${s.title}  (${s.calls} calls x ${s.rounds} rounds per side and mode, ${f(s.seconds, 1)} s)`);
  console.log(`  ${pad("mode", 14)}${pad("server", 18)}${lpad("calls/s", 9)}${lpad("cv%", 6)}${lpad("server cpu us/call", 20)}${lpad("p50 ms", 9)}${lpad("p99 ms", 9)}`);
  for (const m of Object.values(s.modes)) {
    SIDES.forEach((side, i) => {
      const x = m[side];
      console.log(`  ${pad(i === 0 ? m.label : "", 14)}${pad(side, 18)}${lpad(f(x.opsPerSec, 0), 9)}${lpad(f(x.opsCvPct, 1), 6)}${lpad(f(x.serverCpuUsPerCall, 0), 20)}${lpad(f(x.p50ms, 3), 9)}${lpad(f(x.p99ms, 3), 9)}`);
    });
    const r = m.ratio;
    console.log(
      `  ${pad("", 14)}core/bare throughput x${f(r.throughputCoreOverBare, 2)} (rounds ${f(r.throughputMin, 2)}..${f(r.throughputMax, 2)}) ${r.throughputCoreOverBare >= 1.5 ? "ok" : "< 1.5"}; bare/core cpu x${f(r.cpuBareOverCore, 2)}; reuse saves x${f(r.cpuPerRequestOverReused, 2)} cpu`,
    );
    console.log(`  ${pad("", 14)}floor: core reaches ${f(r.throughputCoreOverFloor * 100, 0)}% of its throughput, +${f(r.cpuAboveFloorUs, 0)} us cpu/call above it (bare +${f(r.bareCpuAboveFloorUs, 0)})`);
  }
}
