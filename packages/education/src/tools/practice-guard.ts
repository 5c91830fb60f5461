import { ExtensionError } from "@mcp-verticals/core";
import type { Actor } from "../backend/gateway.js";
import type { StoredItem } from "../backend/store.js";
import type { EducationContext } from "../context.js";

/**
 * Whether an item belongs to graded work that has not closed: any active line item (draft
 * or published, in any class) listing it whose due date has not passed. Scoring such an item
 * for a student would hand out the key to work still being graded.
 */
export async function inOpenGradedWork(context: EducationContext, itemId: string): Promise<boolean> {
  const { gateway } = context.services;
  const now = gateway.now();
  const lineItems = await gateway.roster.listLineItems({});
  return lineItems.some((lineItem) => {
    if (lineItem.status !== "active" || !gateway.extras(lineItem).qtiItemIds.includes(itemId)) return false;
    const due = Date.parse(lineItem.dueDate);
    return !Number.isFinite(due) || due > now;
  });
}

/** A student's claim on one practice attempt. */
export interface PracticeClaim {
  attempt: number;
  attemptsLeft: number;
  /** Whether this attempt's score may be shown now. */
  showScore: boolean;
}

/**
 * The practice rules for a student scoring an item (staff are not limited): refuse items in
 * open graded work, then claim one of the `practiceAttempts` attempts, durably and atomically,
 * before anything is scored, so retries and parallel calls cannot exceed the cap.
 */
export async function claimPractice(context: EducationContext, actor: Actor, item: StoredItem): Promise<PracticeClaim | undefined> {
  if (actor.role !== "student") return undefined;
  if (await inOpenGradedWork(context, item.id)) {
    throw new ExtensionError("ITEM_IN_GRADED_WORK", "this item is part of graded work that has not closed; it can be practised after the work's due date");
  }
  const { practiceAttempts, practiceFeedback } = context.settings.integrity;
  const attempt = context.services.gateway.store.claimPracticeAttempt(actor.userId, item.id, practiceAttempts, new Date(context.services.gateway.now()).toISOString());
  if (attempt === undefined) throw new ExtensionError("PRACTICE_ATTEMPTS_EXHAUSTED", `all ${practiceAttempts} practice attempts on this item are used`, { field: "itemId" });
  return { attempt, attemptsLeft: practiceAttempts - attempt, showScore: practiceFeedback === "per-attempt" || attempt === practiceAttempts };
}
