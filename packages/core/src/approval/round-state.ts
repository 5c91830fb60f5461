import { randomBytes } from "node:crypto";
import { z } from "zod";
import { canonicalJson } from "../safety/canonical-json.js";
import { openSignedJson, signJson } from "../safety/signed-token.js";
import type { StateStore } from "../state/state-store.js";

/** Where the key that signs approval rounds is kept, shared by every replica on the store. */
const SECRETS_NAMESPACE = "secrets";
const ROUND_KEY_NAME = "approval-rounds";

const keys = new WeakMap<StateStore, Promise<Uint8Array>>();

/**
 * The 32-byte key signing `requestState` of approval rounds: created once per store with
 * compare-and-set, read by every other process, so a round minted on one replica verifies on
 * another.
 */
export function roundKey(state: StateStore): Promise<Uint8Array> {
  let key = keys.get(state);
  if (!key) {
    key = loadOrCreateKey(state);
    keys.set(state, key);
    key.catch(() => keys.delete(state));
  }
  return key;
}

async function loadOrCreateKey(state: StateStore): Promise<Uint8Array> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await state.get<string>(SECRETS_NAMESPACE, ROUND_KEY_NAME);
    if (existing) return decode(existing.value);
    const created = randomBytes(32).toString("base64");
    if (await state.put(SECRETS_NAMESPACE, ROUND_KEY_NAME, created, { expectVersion: 0 })) return decode(created);
  }
  throw new Error("the approval round key could not be read or created");
}

function decode(value: unknown): Uint8Array {
  const bytes = typeof value === "string" ? Buffer.from(value, "base64") : Buffer.alloc(0);
  if (bytes.length !== 32) throw new Error("the approval round key in state is not 32 bytes; delete it to regenerate");
  return new Uint8Array(bytes);
}

/** What a round binds: the approval it asks about, for which binding and arguments, until when. */
export interface RoundPayload {
  /** Approval id. */
  a: string;
  /** Binding. */
  b: string;
  /** Arguments digest. */
  d: string;
  /** `form` or `url`. */
  k: "form" | "url";
  /** Epoch ms expiry. */
  e: number;
}

const RoundPayloadSchema = z.strictObject({
  a: z.string(),
  b: z.string(),
  d: z.string(),
  k: z.enum(["form", "url"]),
  e: z.number(),
});

/** Signs a round's state; the client echoes it back verbatim with the human's answer. */
export async function mintRoundState(state: StateStore, payload: RoundPayload): Promise<string> {
  return signJson(await roundKey(state), canonicalJson(payload));
}

/** Verifies an echoed round state; `undefined` when it is forged, malformed or expired. */
export async function openRoundState(state: StateStore, raw: unknown, now: number): Promise<RoundPayload | undefined> {
  const parsed = RoundPayloadSchema.safeParse(openSignedJson(await roundKey(state), raw));
  if (!parsed.success || now >= parsed.data.e) return undefined;
  return parsed.data;
}
