import type { StateStore } from "../state/state-store.js";
import type { AuditSink } from "./audit-sinks.js";

/**
 * An {@link AuditSink} that is one linked log in shared state, read back as its lines.
 *
 * @example
 * ```ts
 * const sink: StateAuditSink = stateAuditSink(state, "audit");
 * verifyAuditChain(await sink.readAll(), { chainKey }).ok; // true
 * ```
 * @category Safety
 */
export interface StateAuditSink extends AuditSink {
  /** Appends under the log's cross-process lock, so replicas extend one chain. */
  appendLinked(compose: (last: string | undefined) => string): Promise<void>;
  /** Every line in order, read in pages (for verification and export). */
  readAll(): Promise<string[]>;
}

/**
 * Audit lines as a linked log in shared state: each append reads the last line and writes the
 * next under a lock every replica honours, so a trail written by many replicas is one hash
 * chain, not forks. The sink only carries lines; chaining and keys stay in the trail.
 *
 * @example
 * ```ts
 * const trail = createAuditTrail({ sink: stateAuditSink(state, "audit"), key: await sharedSecret(state, "audit-pseudonyms"), chainKey, checkpoints: stateCheckpointStore(state, "audit") });
 * ```
 * @category Safety
 */
export function stateAuditSink(state: StateStore, log = "audit"): StateAuditSink {
  const check = (line: string): string => {
    if (typeof line !== "string" || line.includes("\n") || line.includes("\r")) throw new TypeError("audit lines must be strings without line breaks");
    return line;
  };
  return {
    async append(line) {
      check(line);
      await state.appendLinked<string>(log, () => line);
    },
    async readLast() {
      return (await state.readLog<string>(log, { last: 1 }))[0]?.entry;
    },
    async appendLinked(compose) {
      await state.appendLinked<string>(log, (last) => check(compose(last?.entry)));
    },
    async readAll() {
      const lines: string[] = [];
      for await (const line of readPages(state, log)) lines.push(line);
      return lines;
    },
    readLines: () => readPages(state, log),
  };
}

/** The log's lines in order, a page at a time, so a long trail is verified without holding it all. */
async function* readPages(state: StateStore, log: string): AsyncIterable<string> {
  for (let afterSeq = 0; ; ) {
    const page = await state.readLog<string>(log, { afterSeq, limit: 1000 });
    for (const item of page) yield item.entry;
    if (page.length < 1000) return;
    afterSeq = page.at(-1)!.seq;
  }
}
