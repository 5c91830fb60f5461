import type { XapiActor } from "../schemas/xapi.js";

/**
 * A stable key for an actor: the inverse functional identifier of an Agent or identified
 * Group; for an anonymous Group, its sorted member keys.
 *
 * @example
 * ```ts
 * agentKey({ mbox: "mailto:learner@example.org" }); // "mbox:mailto:learner@example.org"
 * ```
 * @category xAPI
 */
export function agentKey(agent: XapiActor): string {
  if (agent.mbox) return `mbox:${agent.mbox.toLowerCase()}`;
  if (agent.mbox_sha1sum) return `sha1:${agent.mbox_sha1sum.toLowerCase()}`;
  if (agent.openid) return `openid:${agent.openid}`;
  if (agent.account) return `account:${agent.account.homePage}|${agent.account.name}`;
  const members = agent.objectType === "Group" ? (agent.member ?? []) : [];
  return `group:${members.map(agentKey).sort().join(",")}`;
}
