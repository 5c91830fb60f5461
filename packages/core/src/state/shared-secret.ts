import { randomBytes } from "node:crypto";
import { assertStateKey, type StateStore } from "./state-store.js";

/** The namespace holding secrets derived by {@link sharedSecret}. */
export const SECRETS_NAMESPACE = "secrets";

/**
 * A 32-byte secret every process sharing `state` agrees on: the first to ask creates it with
 * compare-and-set, the rest read it. Replicas derive the same signing keys (paging cursors,
 * session ids, approval links) from it without configuration. Anyone who can read the state
 * database can read these secrets, so protect it like a key store.
 *
 * @example
 * ```ts
 * const cursorKey = await sharedSecret(state, "cursors");
 * ```
 * @category State
 */
export async function sharedSecret(state: StateStore, name: string): Promise<Uint8Array> {
  assertStateKey(name);
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await state.get<string>(SECRETS_NAMESPACE, name);
    if (existing !== undefined) return decode(existing.value, name);
    const created = randomBytes(32).toString("base64");
    if ((await state.put(SECRETS_NAMESPACE, name, created, { expectVersion: 0 })) !== undefined) return decode(created, name);
    // Another process created it first: read theirs.
  }
  throw new Error(`the shared secret "${name}" could not be read or created`);
}

function decode(value: unknown, name: string): Uint8Array {
  const bytes = typeof value === "string" ? Buffer.from(value, "base64") : Buffer.alloc(0);
  if (bytes.length !== 32) throw new Error(`the shared secret "${name}" in state is not 32 bytes; delete it to regenerate`);
  return new Uint8Array(bytes);
}
