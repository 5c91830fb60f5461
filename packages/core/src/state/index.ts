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
export { sqliteStateStore, type SqliteStateStoreOptions } from "./sqlite-store.js";
export {
  postgresStateStore,
  type PostgresStateStoreOptions,
  type PostgresPoolLike,
  type PostgresQueryable,
} from "./postgres-store.js";
export { openStateStore, type OpenStateStoreOptions } from "./open-store.js";
export { sharedSecret, SECRETS_NAMESPACE } from "./shared-secret.js";
