import { defineResource, ExtensionError } from "@mcp-verticals/core";
import type { EducationContext } from "../context.js";
import { auditAccess, callerOf } from "../tools/shared.js";

const json = (value: unknown) => ({ mimeType: "application/json", text: JSON.stringify(value, null, 2) });

/** `edu://classes/{classSourcedId}`: one class. */
export const classResource = defineResource({
  name: "class",
  uri: "edu://classes/{classSourcedId}",
  description: "One OneRoster class the caller belongs to, as JSON (course, terms, the caller's role).",
  mimeType: "application/json",
  example: "edu://classes/cls-alg1-a",
  list: async (context: EducationContext) => {
    const actor = await callerOf(context, "roster");
    return (await context.services.gateway.listClasses(actor, {})).map((c) => ({ uri: `edu://classes/${c.classSourcedId}`, name: c.title, mimeType: "application/json" }));
  },
  read: async (_uri, { classSourcedId }, context: EducationContext) => {
    const actor = await callerOf(context, "roster");
    const { cls, role } = await context.services.gateway.classRole(actor, classSourcedId!);
    return json(await context.services.gateway.classView(cls, role));
  },
});

/** `edu://classes/{classSourcedId}/syllabus`: the syllabus, fenced as untrusted. */
export const syllabusResource = defineResource({
  name: "syllabus",
  uri: "edu://classes/{classSourcedId}/syllabus",
  description: "A class syllabus (markdown, course-authored) inside an untrusted-data fence.",
  mimeType: "text/markdown",
  example: "edu://classes/cls-alg1-a/syllabus",
  read: async (_uri, { classSourcedId }, context: EducationContext) => {
    const actor = await callerOf(context, "roster");
    const { cls } = await context.services.gateway.classRole(actor, classSourcedId!);
    return { mimeType: "text/markdown", text: context.services.gateway.syllabus(cls) };
  },
});

/** `edu://classes/{classSourcedId}/roster`: pseudonymous roster (staff). */
export const rosterResource = defineResource({
  name: "roster",
  uri: "edu://classes/{classSourcedId}/roster",
  description: "The pseudonymous roster of a class the caller teaches (pseudonym, role, grades). Staff only; audited.",
  mimeType: "application/json",
  example: "edu://classes/cls-alg1-a/roster",
  read: async (_uri, { classSourcedId }, context: EducationContext) => {
    const actor = await callerOf(context, "roster");
    const { entries, subjects } = await context.services.gateway.listRoster(actor, classSourcedId!, undefined);
    await auditAccess(context, "resource:roster", actor, subjects, "roster");
    return json({ classSourcedId, roster: entries });
  },
});

/** `edu://lineitems/{lineItemSourcedId}`: one line item. */
export const lineItemResource = defineResource({
  name: "line-item",
  uri: "edu://lineitems/{lineItemSourcedId}",
  description: "One OneRoster line item (assignment or quiz) with its status for the caller.",
  mimeType: "application/json",
  example: "edu://lineitems/li-alg1-a-1",
  read: async (_uri, { lineItemSourcedId }, context: EducationContext) => {
    const actor = await callerOf(context, "coursework");
    const { gateway } = context.services;
    const { lineItem } = await gateway.lineItem(actor, lineItemSourcedId!);
    const { items, subjects } = await gateway.listWork(actor, [lineItem.class.sourcedId]);
    await auditAccess(context, "resource:line-item", actor, subjects, "own-work");
    const work = items.find((w) => w.lineItemSourcedId === lineItemSourcedId);
    if (!work) throw new ExtensionError("WORK_NOT_FOUND", "no work with that sourcedId is visible to you");
    return json(work);
  },
});

/** `edu://learners/{pseudonymId}/record`: a learner's results and activity digest (self or their teacher). */
export const learnerRecordResource = defineResource({
  name: "learner-record",
  uri: "edu://learners/{pseudonymId}/record",
  description: "A learner's record: results in every class and a digest of recorded activity. Readable by the learner and by staff of their classes; audited.",
  mimeType: "application/json",
  read: async (_uri, { pseudonymId }, context: EducationContext) => {
    const actor = await callerOf(context, "gradebook");
    const { gateway, lrs } = context.services;
    const learnerId = await gateway.readableLearner(actor, pseudonymId!);
    const enrollments = (await gateway.roster.listEnrollments({ userSourcedId: learnerId })).filter((e) => e.role === "student" && e.status === "active");
    const visible = actor.userId === learnerId || actor.role === "admin" ? enrollments : [];
    if (visible.length === 0 && actor.userId !== learnerId) {
      const mine = new Set((await gateway.myEnrollments(actor)).filter((e) => e.role === "teacher" || e.role === "aide").map((e) => e.class.sourcedId));
      visible.push(...enrollments.filter((e) => mine.has(e.class.sourcedId)));
    }
    const classes = [];
    for (const enrollment of visible) {
      const lineItems = new Map((await gateway.roster.listLineItems({ classSourcedId: enrollment.class.sourcedId })).map((li) => [li.sourcedId, li]));
      const results = (await gateway.roster.listResults({ classSourcedId: enrollment.class.sourcedId, studentSourcedId: learnerId })).filter((r) => lineItems.has(r.lineItem.sourcedId));
      classes.push({ classSourcedId: enrollment.class.sourcedId, results: results.map((r) => gateway.resultView(lineItems.get(r.lineItem.sourcedId)!, r)) });
    }
    const activity = lrs.query({ agent: { account: { homePage: "urn:mcp-verticals:education:pseudonym", name: pseudonymId! } }, limit: 1000, offset: 0 });
    const verbs: Record<string, number> = {};
    for (const row of activity) verbs[row.verb] = (verbs[row.verb] ?? 0) + 1;
    await auditAccess(context, "resource:learner-record", actor, [learnerId], "learner-record");
    return json({ learner: pseudonymId, classes, activity: { statements: activity.length, verbs } });
  },
});
