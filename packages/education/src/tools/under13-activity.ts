import { ExtensionError } from "@mcp-verticals/core";
import type { Actor } from "../backend/gateway.js";
import type { EducationContext } from "../context.js";
import { isIsoDuration, isXapiTimestamp } from "../schemas/xapi-formats.js";
import { ACTOR_HOME_PAGE, VERB_ALIASES } from "./activity-shared.js";

/** Canonical activity IRIs for under-13 statements: built from ids the server issued, never from learner text. */
export const ACTIVITY_IRI_PREFIX = { item: "urn:mcp-verticals:education:item:", lineItem: "urn:mcp-verticals:education:lineitem:" } as const;

const ALLOWED_VERBS = new Map(Object.entries(VERB_ALIASES).map(([alias, iri]) => [iri, alias]));

/** The allowlisted verb for an under-13 statement (an ADL alias or its exact IRI), or VERB_NOT_ALLOWED. */
export function under13Verb(verb: string): { id: string; alias: string } {
  const id = VERB_ALIASES[verb] ?? verb;
  const alias = ALLOWED_VERBS.get(id);
  if (alias === undefined) throw new ExtensionError("VERB_NOT_ALLOWED", "for an under-13 audience only the listed ADL verbs may be recorded", { field: "verb" });
  return { id, alias };
}

/**
 * Reduces an activity id to a known activity: the query and fragment are dropped, and the
 * last path segment (or URN tail) must be a published item id or a line item of one of the
 * learner's classes. The stored id is rebuilt from that known id, so nothing the learner
 * typed survives in it.
 */
export async function under13ActivityId(context: EducationContext, actor: Actor, objectId: string): Promise<string> {
  const refuse = () => new ExtensionError("ACTIVITY_NOT_KNOWN", "for an under-13 audience the activity must be an item or piece of work of this school", { field: "object.id" });
  let tail: string;
  try {
    const url = new URL(objectId);
    const path = url.protocol === "urn:" ? url.pathname.slice(url.pathname.lastIndexOf(":") + 1) : url.pathname.replace(/\/+$/, "");
    tail = decodeURIComponent(path.slice(path.lastIndexOf("/") + 1));
  } catch {
    throw refuse();
  }
  if (tail === "") throw refuse();
  const { gateway } = context.services;
  const item = gateway.store.getItem(tail);
  if (item && item.status === "published") return `${ACTIVITY_IRI_PREFIX.item}${item.id}`;
  for (const enrollment of await gateway.myEnrollments(actor)) {
    const lineItems = await gateway.roster.listLineItems({ classSourcedId: enrollment.class.sourcedId });
    const found = lineItems.find((lineItem) => lineItem.sourcedId === tail && lineItem.status === "active" && gateway.extras(lineItem).published);
    if (found) return `${ACTIVITY_IRI_PREFIX.lineItem}${found.sourcedId}`;
  }
  throw refuse();
}

const FIXED = new Set(["Agent", "Activity", ACTOR_HOME_PAGE, ...ALLOWED_VERBS.keys(), ...ALLOWED_VERBS.values()]);
const KEYS = new Set(["actor", "verb", "object", "result", "context", "objectType", "account", "homePage", "name", "id", "display", "en-US", "score", "scaled", "success", "completion", "duration", "contextActivities", "grouping"]);

/**
 * The last check before an under-13 statement is stored: every string in it, keys included,
 * must be a fixed vocabulary word, an id the server built (`allowed`), a timestamp or an
 * ISO 8601 duration. Anything else is free text and the statement is refused.
 */
export function assertNoFreeText(statement: unknown, allowed: ReadonlySet<string>): void {
  const ok = (value: string) => FIXED.has(value) || allowed.has(value) || isXapiTimestamp(value) || isIsoDuration(value);
  const refuse = () => new ExtensionError("FREE_TEXT_REFUSED", "for an under-13 audience a statement may hold no free text", { field: "statement" });
  const walk = (value: unknown): void => {
    if (typeof value === "string") {
      if (!ok(value)) throw refuse();
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === "object") {
      for (const [key, child] of Object.entries(value)) {
        if (!KEYS.has(key)) throw refuse();
        walk(child);
      }
    }
  };
  walk(statement);
}
