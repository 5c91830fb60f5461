/** A minimal async SQL surface both engines implement; placeholders are `?`. */
export interface SqlExecutor {
  all(sql: string, params?: readonly unknown[]): Promise<Array<Record<string, unknown>>>;
  /** Runs a statement and returns the number of changed rows. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

/** A connection (or pool) with transactions. */
export interface SqlDriver extends SqlExecutor {
  readonly engine: "sqlite" | "postgres";
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (sql: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
