import { describe, expect, it } from "vitest";
import { createApprovals, memoryApprovalLedger, type ApprovalLedger } from "./approvals.js";
import { digestOf } from "./canonical-json.js";
import { isExtensionError } from "../errors.js";

const SECRET = "approval-secret-for-tests-0123456789";
const BINDING = "payments.send";
const ARGS = { amount: "120.00", currency: "EUR", payee: "ACME Ltd", memo: "invoice 7" };
const PRINCIPAL = "user-42@bank.example";

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    if (isExtensionError(error)) return error.code;
    throw error;
  }
  return undefined;
}

function setup(start = 1_700_000_000_000) {
  const clock = { ms: start };
  const approvals = createApprovals({ secret: SECRET, now: () => clock.ms });
  return { clock, approvals };
}

describe("approvals", () => {
  it("confirms an approval for the exact arguments, binding and principal", async () => {
    const { clock, approvals } = setup();
    const prepared = approvals.prepare({ binding: BINDING, args: ARGS, principal: PRINCIPAL, preview: "Send 120.00 EUR to ACME Ltd" });
    expect(prepared.approvalId).toMatch(/^[0-9a-f]{32}$/);
    expect(prepared.argsDigest).toBe(digestOf(ARGS));
    expect(prepared.preview).toBe("Send 120.00 EUR to ACME Ltd");
    expect(prepared.expiresAt).toBe(new Date(clock.ms + 5 * 60_000).toISOString());
    const reordered = { memo: "invoice 7", payee: "ACME Ltd", currency: "EUR", amount: "120.00" };
    await expect(approvals.confirm({ token: prepared.token, binding: BINDING, args: reordered, principal: PRINCIPAL })).resolves.toEqual({
      approvalId: prepared.approvalId,
    });
  });

  it("keeps arguments and principal out of the token", () => {
    const { approvals } = setup();
    const { token } = approvals.prepare({ binding: BINDING, args: ARGS, principal: PRINCIPAL, preview: "p" });
    const payload = Buffer.from(token.split(".")[0] ?? "", "base64url").toString("utf8");
    expect(payload).not.toContain("ACME");
    expect(payload).not.toContain(PRINCIPAL);
  });

  it("rejects a replay", async () => {
    const { approvals } = setup();
    const { token } = approvals.prepare({ binding: BINDING, args: ARGS, preview: "p" });
    await approvals.confirm({ token, binding: BINDING, args: ARGS });
    expect(await codeOf(approvals.confirm({ token, binding: BINDING, args: ARGS }))).toBe("APPROVAL_ALREADY_USED");
  });

  it("rejects changed arguments with a message that asks for a new approval", async () => {
    const { approvals } = setup();
    const { token } = approvals.prepare({ binding: BINDING, args: ARGS, preview: "p" });
    const failure = await approvals.confirm({ token, binding: BINDING, args: { ...ARGS, amount: "12000.00" } }).catch((error: unknown) => error);
    expect(isExtensionError(failure) && failure.code).toBe("APPROVAL_MISMATCH");
    expect((failure as Error).message).toMatch(/arguments changed.*new approval/);
    expect((failure as Error).message).not.toContain("12000");
    // A mismatch does not spend the approval: the approved arguments still go through.
    await expect(approvals.confirm({ token, binding: BINDING, args: ARGS })).resolves.toBeDefined();
  });

  it("rejects a token with any character of the payload or signature flipped", async () => {
    const { approvals } = setup();
    const { token } = approvals.prepare({ binding: BINDING, args: ARGS, preview: "p" });
    const dot = token.indexOf(".");
    const flip = (text: string, index: number): string =>
      text.slice(0, index) + (text[index] === "A" ? "B" : "A") + text.slice(index + 1);
    for (const index of [0, Math.floor(dot / 2), dot - 1, dot + 1, token.length - 1]) {
      expect(await codeOf(approvals.confirm({ token: flip(token, index), binding: BINDING, args: ARGS }))).toBe("APPROVAL_INVALID");
    }
    for (const malformed of ["", "abc", `${token}.x`, token.replace(".", ""), `${token.slice(0, dot)}.`]) {
      expect(await codeOf(approvals.confirm({ token: malformed, binding: BINDING, args: ARGS }))).toBe("APPROVAL_INVALID");
    }
  });

  it("rejects a token signed with another secret", async () => {
    const { approvals } = setup();
    const other = createApprovals({ secret: `${SECRET}-other` });
    const { token } = other.prepare({ binding: BINDING, args: ARGS, preview: "p" });
    expect(await codeOf(approvals.confirm({ token, binding: BINDING, args: ARGS }))).toBe("APPROVAL_INVALID");
  });

  it("rejects an expired approval", async () => {
    const { clock, approvals } = setup();
    const { token } = approvals.prepare({ binding: BINDING, args: ARGS, preview: "p" });
    clock.ms += 5 * 60_000;
    expect(await codeOf(approvals.confirm({ token, binding: BINDING, args: ARGS }))).toBe("APPROVAL_EXPIRED");
  });

  it("honours a custom ttl", async () => {
    const clock = { ms: 0 };
    const approvals = createApprovals({ secret: SECRET, ttlMs: 1000, now: () => clock.ms });
    const { token } = approvals.prepare({ binding: BINDING, args: ARGS, preview: "p" });
    clock.ms = 999;
    await expect(approvals.confirm({ token, binding: BINDING, args: ARGS })).resolves.toBeDefined();
  });

  it("rejects another binding or principal as invalid", async () => {
    const { approvals } = setup();
    const { token } = approvals.prepare({ binding: BINDING, args: ARGS, principal: PRINCIPAL, preview: "p" });
    expect(await codeOf(approvals.confirm({ token, binding: "payments.refund", args: ARGS, principal: PRINCIPAL }))).toBe("APPROVAL_INVALID");
    expect(await codeOf(approvals.confirm({ token, binding: BINDING, args: ARGS, principal: "user-43" }))).toBe("APPROVAL_INVALID");
    expect(await codeOf(approvals.confirm({ token, binding: BINDING, args: ARGS }))).toBe("APPROVAL_INVALID");
    await expect(approvals.confirm({ token, binding: BINDING, args: ARGS, principal: PRINCIPAL })).resolves.toBeDefined();
  });

  it("checks binding before expiry and expiry before arguments", async () => {
    const { clock, approvals } = setup();
    const { token } = approvals.prepare({ binding: BINDING, args: ARGS, preview: "p" });
    clock.ms += 10 * 60_000;
    expect(await codeOf(approvals.confirm({ token, binding: "other", args: {} }))).toBe("APPROVAL_INVALID");
    expect(await codeOf(approvals.confirm({ token, binding: BINDING, args: {} }))).toBe("APPROVAL_EXPIRED");
  });

  it("refuses to confirm a declined approval", async () => {
    const { approvals } = setup();
    const { token, approvalId } = approvals.prepare({ binding: BINDING, args: ARGS, preview: "p" });
    await expect(approvals.decline(token)).resolves.toEqual({ approvalId });
    await expect(approvals.decline(token)).resolves.toEqual({ approvalId });
    expect(await codeOf(approvals.confirm({ token, binding: BINDING, args: ARGS }))).toBe("APPROVAL_DECLINED");
  });

  it("refuses to decline an approval that was already used, or a forged token", async () => {
    const { approvals } = setup();
    const { token } = approvals.prepare({ binding: BINDING, args: ARGS, preview: "p" });
    await approvals.confirm({ token, binding: BINDING, args: ARGS });
    expect(await codeOf(approvals.decline(token))).toBe("APPROVAL_ALREADY_USED");
    expect(await codeOf(approvals.decline("forged.token"))).toBe("APPROVAL_INVALID");
  });

  it("falls back to consume when the ledger cannot record declines", async () => {
    const used = new Set<string>();
    const ledger: ApprovalLedger = {
      consume: async (id) => (used.has(id) ? false : (used.add(id), true)),
    };
    const approvals = createApprovals({ secret: SECRET, ledger });
    const { token } = approvals.prepare({ binding: BINDING, args: ARGS, preview: "p" });
    await approvals.decline(token);
    expect(await codeOf(approvals.confirm({ token, binding: BINDING, args: ARGS }))).toBe("APPROVAL_ALREADY_USED");
  });

  it("treats two approvals of the same arguments independently", async () => {
    const { approvals } = setup();
    const first = approvals.prepare({ binding: BINDING, args: ARGS, preview: "p" });
    const second = approvals.prepare({ binding: BINDING, args: ARGS, preview: "p" });
    expect(first.approvalId).not.toBe(second.approvalId);
    expect(first.argsDigest).toBe(second.argsDigest);
    await approvals.decline(first.token);
    await expect(approvals.confirm({ token: second.token, binding: BINDING, args: ARGS })).resolves.toEqual({ approvalId: second.approvalId });
  });

  it("rejects concurrent confirmations of one token except the first", async () => {
    const { approvals } = setup();
    const { token } = approvals.prepare({ binding: BINDING, args: ARGS, preview: "p" });
    const codes = await Promise.all(Array.from({ length: 10 }, () => codeOf(approvals.confirm({ token, binding: BINDING, args: ARGS }))));
    expect(codes.filter((code) => code === undefined)).toHaveLength(1);
    expect(codes.filter((code) => code === "APPROVAL_ALREADY_USED")).toHaveLength(9);
  });

  it("requires a secret of at least 32 bytes and a positive ttl", () => {
    expect(() => createApprovals({ secret: "too-short" })).toThrow(TypeError);
    expect(() => createApprovals({ secret: SECRET, ttlMs: 0 })).toThrow(TypeError);
  });
});

describe("memoryApprovalLedger", () => {
  it("consumes once and forgets ids after they expire", async () => {
    const clock = { ms: 0 };
    const ledger = memoryApprovalLedger({ now: () => clock.ms });
    expect(await ledger.consume("a", 100)).toBe(true);
    expect(await ledger.consume("a", 100)).toBe(false);
    clock.ms = 101;
    expect(await ledger.consume("a", 200)).toBe(true);
    expect(await ledger.decline("b", 200)).toBe(true);
    expect(await ledger.isDeclined("b")).toBe(true);
    expect(await ledger.consume("b", 200)).toBe(false);
  });
});
