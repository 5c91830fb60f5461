import { ExtensionError } from "@mcp-verticals/core";
import type { Actor } from "../backend/gateway.js";
import type { StoredItem } from "../backend/store.js";
import type { EducationContext } from "../context.js";

/** Refuses item access a student may not have under the integrity mode. */
export function requireItemAccess(context: EducationContext, actor: Actor): void {
  if (actor.role === "teacher" || actor.role === "admin" || actor.role === "ta") return;
  const mode = context.settings.integrity.assessmentMode;
  if (actor.role === "student" && mode === "practice") return;
  throw new ExtensionError("ASSESSMENT_LOCKED", mode === "proctored" ? "items and scoring are hidden from students while assessments are proctored" : "assessment items are not available to you");
}

/** Whether the caller may see an item's answer key. */
export function maySeeKey(context: EducationContext, actor: Actor, item: StoredItem): boolean {
  if (actor.role === "admin") return true;
  if (actor.role !== "teacher") return false;
  return context.settings.integrity.answerKeys === "teachers" || item.author === actor.userId;
}

/** An item the caller may see (students: published only), or ITEM_NOT_FOUND. */
export function visibleItem(context: EducationContext, actor: Actor, itemId: string): StoredItem {
  const item = context.services.gateway.store.getItem(itemId);
  if (!item || (actor.role === "student" && item.status !== "published")) throw new ExtensionError("ITEM_NOT_FOUND", "no item with that id is visible to you", { field: "itemId" });
  return item;
}
