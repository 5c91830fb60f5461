import { z } from "zod";
import { canonicalJson } from "../safety/canonical-json.js";
import { openSignedJson, signJson } from "../safety/signed-token.js";
import { sharedSecret } from "../state/shared-secret.js";
import type { StateStore } from "../state/state-store.js";

const keys = new WeakMap<StateStore, Promise<Uint8Array>>();

/**
 * The key signing `requestState` of approval rounds: one per store, shared by every replica,
 * so a round minted on one replica verifies on another.
 */
function roundKey(state: StateStore): Promise<Uint8Array> {
  let key = keys.get(state);
  if (!key) {
    key = sharedSecret(state, "approval-rounds");
    keys.set(state, key);
    key.catch(() => keys.delete(state));
  }
  return key;
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
