// Loaded into the server under test (`node --expose-gc --require bench/load/gc-probe.cjs <bin>`):
// on SIGUSR2 it runs a full garbage collection and prints the process's memory use on stderr, so
// the benchmark reads the memory the server holds, not garbage the collector has not reached yet.
process.on("SIGUSR2", () => {
  globalThis.gc();
  const { rss, heapUsed, external } = process.memoryUsage();
  process.stderr.write(`bench-load-memory ${JSON.stringify({ rss, heapUsed, external })}\n`);
});
