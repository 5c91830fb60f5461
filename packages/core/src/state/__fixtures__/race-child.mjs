// One contender in a cross-process race on a shared state store (core's built output).
// argv: <url-or-file> <tag>. Prints "ready" once the store is open, starts on a line on stdin,
// then prints one JSON line with what it won.
import { openStateStore, updateRecord } from "../../../dist/index.js";

const [target, tag] = process.argv.slice(2);
const state = await openStateStore({ url: target });
process.stdout.write("ready\n");
await new Promise((resolve) => process.stdin.once("data", resolve));
process.stdin.pause();

const won = [];
for (let index = 0; index < 300; index++) {
  if ((await state.put("race", `k${index}`, tag, { expectVersion: 0 })) !== undefined) won.push(index);
}
for (let index = 0; index < 150; index++) await updateRecord(state, "race", "counter", (current) => (current ?? 0) + 1, { attempts: 10_000 });
for (let index = 0; index < 150; index++) await state.increment("race", "increments", 1);
for (let index = 0; index < 150; index++) await state.appendLinked("race-log", (last) => ({ prev: last?.seq ?? 0, tag }));
await state.close();
process.stdout.write(`${JSON.stringify({ tag, won })}\n`);
