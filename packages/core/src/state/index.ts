// Shared state: one interface, one file per engine.
export {
  assertStateKey,
  assertStateName,
  updateRecord,
  MAX_LIST_LIMIT,
  type StateStore,
  type StateRecord,
  type StateEngine,
  type PutOptions,
  type ListOptions,
  type LogEntry,
  type ReadLogOptions,
} from "./state-store.js";
export { memoryStateStore, type MemoryStateStoreOptions } from "./memory-store.js";
