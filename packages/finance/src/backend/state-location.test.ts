import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStateStore } from "@mcp-verticals/core";
import { afterAll, describe, expect, it } from "vitest";
import { createFinanceRuntime } from "../server.js";
import { stateBesideLedger } from "./state-location.js";

const dir = mkdtempSync(join(tmpdir(), "finance-state-location-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("stateBesideLedger: one rule for the runtime and the bin", () => {
  it("names no store for an in-memory or absent ledger", () => {
    expect(stateBesideLedger(undefined)).toBeUndefined();
    expect(stateBesideLedger(":memory:")).toBeUndefined();
  });

  it("shares the ledger's PostgreSQL database (either URL scheme)", () => {
    expect(stateBesideLedger("postgres://127.0.0.1:5432/books")).toEqual({ postgres: "postgres://127.0.0.1:5432/books" });
    expect(stateBesideLedger("POSTGRESQL://u@db/books")).toEqual({ postgres: "POSTGRESQL://u@db/books" });
  });

  it("puts a SQLite ledger's state in a sibling file, replacing only the file's own extension", () => {
    expect(stateBesideLedger("finance.db")).toEqual({ file: "finance.state.sqlite" });
    expect(stateBesideLedger("books/ledger.sqlite")).toEqual({ file: "books/ledger.state.sqlite" });
    expect(stateBesideLedger("books.v2/ledger")).toEqual({ file: "books.v2/ledger.state.sqlite" });
    expect(stateBesideLedger("ledger.tar.db")).toEqual({ file: "ledger.tar.state.sqlite" });
  });

  it("the runtime opens exactly that file: what it stores there is what another opener of the file reads", async () => {
    const database = join(dir, "books.db");
    const runtime = await createFinanceRuntime({ database });
    const location = stateBesideLedger(database);
    expect(location).toEqual({ file: join(dir, "books.state.sqlite") });
    await runtime.state.put("probe", "k", { written: "by the runtime" });
    await runtime.close();
    expect(existsSync(join(dir, "books.state.sqlite"))).toBe(true);
    const reopened = await openStateStore({ file: (location as { file: string }).file });
    expect((await reopened.get("probe", "k"))?.value).toEqual({ written: "by the runtime" });
    await reopened.close();
  });

  it("the runtime keeps an in-memory ledger's state in memory (nothing written beside it)", async () => {
    const runtime = await createFinanceRuntime();
    expect(runtime.state.engine).toBe("memory");
    await runtime.close();
  });
});
