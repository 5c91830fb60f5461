import { encodeValue, expectedVersion, expiryOf, logWindow } from "./sql-values.js";
import {
  assertStateKey,
  assertStateName,
  listLimit,
  type LogEntry,
  type StateRecord,
  type StateStore,
} from "./state-store.js";

/**
 * Options for {@link memoryStateStore}.
 *
 * @example
 * ```ts
 * const options: MemoryStateStoreOptions = { now: () => clock.ms };
 * ```
 * @category State
 */
export interface MemoryStateStoreOptions {
  /** Clock in epoch ms, injectable for tests. */
  now?: () => number;
}

/**
 * A {@link StateStore} held in this process: for tests and single-process servers that must
 * not touch the disk. Values are stored as structured clones, so callers cannot mutate them.
 *
 * @example
 * ```ts
 * const state = memoryStateStore();
 * await state.put("approvals", "a1", { status: "pending" }, { expectVersion: 0 });
 * ```
 * @category State
 */
export function memoryStateStore(options: MemoryStateStoreOptions = {}): StateStore {
  const now = options.now ?? Date.now;
  const namespaces = new Map<string, Map<string, StateRecord>>();
  const logs = new Map<string, unknown[]>();
  let closed = false;

  const open = (): void => {
    if (closed) throw new Error("the state store is closed");
  };
  const live = (record: StateRecord | undefined): StateRecord | undefined =>
    record !== undefined && (record.expiresAt === null || record.expiresAt > now()) ? record : undefined;
  const table = (namespace: string): Map<string, StateRecord> => {
    let found = namespaces.get(namespace);
    if (!found) {
      found = new Map();
      namespaces.set(namespace, found);
    }
    return found;
  };
  const copy = <T>(record: StateRecord): StateRecord<T> => ({ ...record, value: structuredClone(record.value) as T });

  return {
    engine: "memory",

    async get<T>(namespace: string, key: string) {
      open();
      assertStateName(namespace, "namespace");
      assertStateKey(key);
      const record = live(namespaces.get(namespace)?.get(key));
      return record === undefined ? undefined : copy<T>(record);
    },

    async put<T>(namespace: string, key: string, value: T, putOptions: { expectVersion?: number; expiresAt?: number | null } = {}) {
      open();
      assertStateName(namespace, "namespace");
      assertStateKey(key);
      encodeValue(value);
      const expect = expectedVersion(putOptions.expectVersion);
      const expiresAt = expiryOf(putOptions.expiresAt);
      const rows = table(namespace);
      const current = live(rows.get(key));
      if (expect !== undefined && (current?.version ?? 0) !== expect) return undefined;
      const record: StateRecord = {
        namespace,
        key,
        value: structuredClone(value),
        version: (current?.version ?? 0) + 1,
        expiresAt,
        updatedAt: now(),
      };
      rows.set(key, record);
      return copy<T>(record);
    },

    async delete(namespace, key, deleteOptions = {}) {
      open();
      assertStateName(namespace, "namespace");
      assertStateKey(key);
      const rows = namespaces.get(namespace);
      const expect = expectedVersion(deleteOptions.expectVersion);
      const current = live(rows?.get(key));
      if (current === undefined) return false;
      if (expect !== undefined && current.version !== expect) return false;
      rows!.delete(key);
      return true;
    },

    async list<T>(namespace: string, listOptions: { prefix?: string; after?: string; limit?: number } = {}) {
      open();
      assertStateName(namespace, "namespace");
      const limit = listLimit(listOptions.limit);
      const keys = [...(namespaces.get(namespace)?.keys() ?? [])].sort();
      const out: StateRecord<T>[] = [];
      for (const key of keys) {
        if (listOptions.prefix !== undefined && !key.startsWith(listOptions.prefix)) continue;
        if (listOptions.after !== undefined && key <= listOptions.after) continue;
        const record = live(namespaces.get(namespace)!.get(key));
        if (record === undefined) continue;
        out.push(copy<T>(record));
        if (out.length >= limit) break;
      }
      return out;
    },

    async increment(namespace, key, by, incrementOptions = {}) {
      open();
      assertStateName(namespace, "namespace");
      assertStateKey(key);
      if (!Number.isFinite(by)) throw new TypeError("increment must be a finite number");
      const rows = table(namespace);
      const current = live(rows.get(key));
      const total = (typeof current?.value === "number" ? current.value : 0) + by;
      rows.set(key, {
        namespace,
        key,
        value: total,
        version: (current?.version ?? 0) + 1,
        expiresAt: current ? current.expiresAt : (incrementOptions.expiresAt ?? null),
        updatedAt: now(),
      });
      return total;
    },

    async appendLinked<T>(log: string, compose: (last: LogEntry<T> | undefined) => T) {
      open();
      assertStateName(log, "log");
      let entries = logs.get(log);
      if (!entries) {
        entries = [];
        logs.set(log, entries);
      }
      const last = entries.length === 0 ? undefined : { seq: entries.length, entry: structuredClone(entries.at(-1)) as T };
      const entry = compose(last);
      encodeValue(entry);
      entries.push(structuredClone(entry));
      return { seq: entries.length, entry };
    },

    async readLog<T>(log: string, readOptions: { afterSeq?: number; limit?: number; last?: number } = {}) {
      open();
      assertStateName(log, "log");
      const window = logWindow(readOptions);
      const entries = logs.get(log) ?? [];
      const start = window.last !== undefined ? Math.max(0, entries.length - window.last) : window.afterSeq;
      const end = window.limit !== undefined ? start + window.limit : entries.length;
      return entries.slice(start, end).map((entry, index) => ({ seq: start + index + 1, entry: structuredClone(entry) as T }));
    },

    async purgeExpired() {
      open();
      let purged = 0;
      for (const rows of namespaces.values()) {
        for (const [key, record] of rows) {
          if (live(record) === undefined) {
            rows.delete(key);
            purged++;
          }
        }
      }
      return purged;
    },

    async close() {
      closed = true;
    },
  };
}
