/** The account home page pseudonymous xAPI actors use. */
export const ACTOR_HOME_PAGE = "urn:mcp-verticals:education:pseudonym";

/** Short verb aliases for ADL verbs. */
export const VERB_ALIASES: Record<string, string> = {
  experienced: "http://adlnet.gov/expapi/verbs/experienced",
  attempted: "http://adlnet.gov/expapi/verbs/attempted",
  completed: "http://adlnet.gov/expapi/verbs/completed",
  passed: "http://adlnet.gov/expapi/verbs/passed",
  failed: "http://adlnet.gov/expapi/verbs/failed",
  answered: "http://adlnet.gov/expapi/verbs/answered",
  progressed: "http://adlnet.gov/expapi/verbs/progressed",
  commented: "http://adlnet.gov/expapi/verbs/commented",
};

/** The xAPI actor for a pseudonym: an account, never an email. */
export const actorFor = (pseudonym: string) => ({ objectType: "Agent" as const, account: { homePage: ACTOR_HOME_PAGE, name: pseudonym } });
