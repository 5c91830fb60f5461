import { ExtensionError, fenceUntrustedText, keyedId, type Principal } from "@mcp-verticals/core";
import type { ActingRole } from "../schemas/settings.js";
import { LineItemExtras, type OrClass, type OrEnrollment, type OrLineItem, type OrResult } from "../schemas/oneroster.js";
import type { ClassView, ResultView, RosterEntry, WorkItem, WorkStatus } from "../schemas/views.js";
import type { RosterBackend } from "./roster-backend.js";
import type { EducationRecords } from "./store.js";

/** The caller as the gateway resolved it from authentication. */
export interface Actor {
  /** Raw OneRoster sourcedId: stays inside the gateway and the audit trail (which keys it). */
  readonly userId: string;
  readonly role: ActingRole;
  readonly pseudonym: string;
}

/** Options for {@link PrivacyGateway}. */
export interface PrivacyGatewayOptions {
  roster: RosterBackend;
  /** Local store for items, CASE frameworks, xAPI statements and consents. */
  store: EducationRecords;
  /** HMAC key (≥ 32 bytes) for pseudonyms: keep it stable or pseudonyms change. */
  pseudonymKey: string;
  now?: () => number;
}

const ROLE_OF_ONEROSTER: Record<string, ActingRole> = { student: "student", teacher: "teacher", aide: "ta", administrator: "admin", guardian: "guardian", parent: "guardian" };

/**
 * The privacy boundary. Every tool, resource and prompt reads student data only through
 * this class: it resolves the caller's role from authentication, checks access, turns
 * every person into a keyed pseudonym, drops every field beyond the minimal set, and
 * fences authored text. Nothing above it ever sees a name, email or SIS id.
 */
export class PrivacyGateway {
  readonly roster: RosterBackend;
  readonly store: EducationRecords;
  readonly now: () => number;
  private readonly key: string;

  constructor(options: PrivacyGatewayOptions) {
    if (Buffer.byteLength(options.pseudonymKey, "utf8") < 32) throw new TypeError("pseudonymKey must be at least 32 bytes");
    this.roster = options.roster;
    this.store = options.store;
    this.key = options.pseudonymKey;
    this.now = options.now ?? Date.now;
  }

  /** The stable pseudonym of a user id. */
  pseudonym(userId: string): string {
    return `p-${keyedId(this.key, `user:${userId}`).slice(0, 24)}`;
  }

  /** A display label derived from a pseudonym. */
  label(pseudonym: string, role: string): string {
    return `${role === "student" ? "Learner" : "Staff"} ${pseudonym.slice(2, 6).toUpperCase()}`;
  }

  /**
   * Resolves the caller from the authenticated principal. The role comes from the
   * principal's roles and must agree with the user's OneRoster role; it is never taken
   * from tool arguments.
   */
  async actor(principal: Principal | undefined): Promise<Actor> {
    if (!principal) throw new ExtensionError("UNAUTHENTICATED", "this server needs an authenticated principal");
    const user = await this.roster.getUser(principal.id);
    if (!user || user.status !== "active" || !user.enabledUser) throw new ExtensionError("UNKNOWN_PRINCIPAL", "the authenticated principal is not a user of this school");
    const rosterRoles = new Set(user.roles.map((entry) => ROLE_OF_ONEROSTER[entry.role]).filter((role): role is ActingRole => role !== undefined));
    const claimed = (principal.roles ?? []).map((role) => role.toLowerCase()) as ActingRole[];
    const role = claimed.find((candidate) => rosterRoles.has(candidate)) ?? (claimed.length === 0 ? [...rosterRoles][0] : undefined);
    if (!role) throw new ExtensionError("ROLE_MISMATCH", "the authenticated role does not match this user's role at the school");
    return { userId: user.sourcedId, role, pseudonym: this.pseudonym(user.sourcedId) };
  }

  /** The caller's enrollments. */
  async myEnrollments(actor: Actor): Promise<OrEnrollment[]> {
    return (await this.roster.listEnrollments({ userSourcedId: actor.userId })).filter((enrollment) => enrollment.status === "active");
  }

  /** The caller's role in a class, or throws CLASS_NOT_FOUND (also for classes the caller may not see). */
  async classRole(actor: Actor, classSourcedId: string): Promise<{ cls: OrClass; role: ClassView["myRole"] }> {
    const cls = await this.roster.getClass(classSourcedId);
    if (cls && actor.role === "admin") return { cls, role: "administrator" };
    const enrollment = cls ? (await this.roster.listEnrollments({ classSourcedId, userSourcedId: actor.userId })).find((e) => e.status === "active") : undefined;
    if (!cls || !enrollment) throw new ExtensionError("CLASS_NOT_FOUND", "no class with that sourcedId is visible to you", { field: "classSourcedId" });
    const role = enrollment.role === "teacher" ? "teacher" : enrollment.role === "aide" ? "aide" : enrollment.role === "student" ? "student" : "administrator";
    return { cls, role };
  }

  /** Staff roles in a class may see its roster and gradebook. */
  isStaff(role: ClassView["myRole"]): boolean {
    return role === "teacher" || role === "aide" || role === "administrator";
  }

  /** Classes visible to the caller. */
  async listClasses(actor: Actor, filter: { termSourcedId?: string }): Promise<ClassView[]> {
    const roles = new Map<string, ClassView["myRole"]>();
    if (actor.role === "admin") for (const cls of await this.roster.listClasses()) roles.set(cls.sourcedId, "administrator");
    else
      for (const enrollment of await this.myEnrollments(actor)) {
        roles.set(enrollment.class.sourcedId, enrollment.role === "teacher" ? "teacher" : enrollment.role === "aide" ? "aide" : "student");
      }
    const views: ClassView[] = [];
    for (const [classId, role] of [...roles].sort(([a], [b]) => a.localeCompare(b))) {
      const cls = await this.roster.getClass(classId);
      if (!cls || cls.status !== "active") continue;
      if (filter.termSourcedId !== undefined && !cls.terms.some((term) => term.sourcedId === filter.termSourcedId)) continue;
      views.push(await this.classView(cls, role));
    }
    return views;
  }

  /** The tool view of a class. */
  async classView(cls: OrClass, role: ClassView["myRole"]): Promise<ClassView> {
    const course = await this.roster.getCourse(cls.course.sourcedId);
    const terms = await Promise.all(cls.terms.map(async (term) => ({ sourcedId: term.sourcedId, title: (await this.roster.getAcademicSession(term.sourcedId))?.title ?? term.sourcedId })));
    return {
      classSourcedId: cls.sourcedId,
      title: cls.title,
      ...(cls.classCode === undefined ? {} : { classCode: cls.classCode }),
      course: { sourcedId: cls.course.sourcedId, title: course?.title ?? cls.course.sourcedId },
      terms,
      subjects: cls.subjects ?? [],
      periods: cls.periods ?? [],
      myRole: role,
      cfItemIds: ((cls.metadata?.cfItemIds as string[] | undefined) ?? []).filter((id) => typeof id === "string"),
    };
  }

  /** A class's syllabus, fenced as untrusted course-authored text. */
  syllabus(cls: OrClass): string {
    const text = typeof cls.metadata?.syllabus === "string" ? cls.metadata.syllabus : `# ${cls.title}\n\nNo syllabus has been published.`;
    return fenceUntrustedText(text, `syllabus of class ${cls.sourcedId}`);
  }

  /** Roster of a class: pseudonyms and minimal fields. Staff only. Returns the raw ids for the audit trail. */
  async listRoster(actor: Actor, classSourcedId: string, role: "student" | "teacher" | "aide" | undefined): Promise<{ entries: RosterEntry[]; subjects: string[] }> {
    const access = await this.classRole(actor, classSourcedId);
    if (!this.isStaff(access.role)) throw new ExtensionError("FORBIDDEN", "only staff of this class may list its roster");
    const enrollments = (await this.roster.listEnrollments({ classSourcedId })).filter(
      (e) => e.status === "active" && (e.role === "student" || e.role === "teacher" || e.role === "aide") && (role === undefined || e.role === role),
    );
    const entries: RosterEntry[] = [];
    for (const enrollment of enrollments) {
      const user = await this.roster.getUser(enrollment.user.sourcedId);
      const pseudonym = this.pseudonym(enrollment.user.sourcedId);
      entries.push({ learner: pseudonym, label: this.label(pseudonym, enrollment.role), role: enrollment.role as RosterEntry["role"], grades: enrollment.role === "student" ? (user?.grades ?? []) : [] });
    }
    entries.sort((a, b) => a.role.localeCompare(b.role) || a.learner.localeCompare(b.learner));
    return { entries, subjects: enrollments.filter((e) => e.role === "student").map((e) => e.user.sourcedId) };
  }

  /** Resolves a learner pseudonym to a student enrolled in the class, or throws LEARNER_NOT_FOUND. */
  async learnerInClass(classSourcedId: string, learner: string): Promise<string> {
    const match = (await this.roster.listEnrollments({ classSourcedId })).find((e) => e.role === "student" && e.status === "active" && this.pseudonym(e.user.sourcedId) === learner);
    if (!match) throw new ExtensionError("LEARNER_NOT_FOUND", "no learner with that pseudonym is enrolled in this class", { field: "studentSourcedId" });
    return match.user.sourcedId;
  }

  /** Resolves a pseudonym to a learner the caller may read: themself, or a student in a class they teach. */
  async readableLearner(actor: Actor, learner: string): Promise<string> {
    if (learner === actor.pseudonym) return actor.userId;
    if (actor.role === "student" || actor.role === "guardian") throw new ExtensionError("FORBIDDEN", "students may only read their own records", { field: "studentSourcedId" });
    for (const enrollment of await this.myEnrollments(actor)) {
      if (enrollment.role !== "teacher" && enrollment.role !== "aide") continue;
      const found = (await this.roster.listEnrollments({ classSourcedId: enrollment.class.sourcedId })).find((e) => e.role === "student" && this.pseudonym(e.user.sourcedId) === learner);
      if (found) return found.user.sourcedId;
    }
    throw new ExtensionError("LEARNER_NOT_FOUND", "no learner with that pseudonym is visible to you", { field: "studentSourcedId" });
  }

  /** The extras this extension keeps in a line item's metadata. */
  extras(lineItem: OrLineItem): LineItemExtras {
    const parsed = LineItemExtras.safeParse(lineItem.metadata ?? {});
    return parsed.success ? parsed.data : LineItemExtras.parse({});
  }

  /** A line item the caller may see (students: published work of their own classes). */
  async lineItem(actor: Actor, lineItemSourcedId: string): Promise<{ lineItem: OrLineItem; role: ClassView["myRole"] }> {
    const lineItem = await this.roster.getLineItem(lineItemSourcedId);
    const notFound = new ExtensionError("WORK_NOT_FOUND", "no work with that sourcedId is visible to you", { field: "lineItemSourcedId" });
    if (!lineItem || lineItem.status !== "active") throw notFound;
    let role: ClassView["myRole"];
    try {
      role = (await this.classRole(actor, lineItem.class.sourcedId)).role;
    } catch {
      throw notFound;
    }
    if (!this.isStaff(role) && !this.extras(lineItem).published) throw notFound;
    return { lineItem, role };
  }

  /** Status of one learner's work. */
  statusOf(lineItem: OrLineItem, result: OrResult | undefined): WorkStatus {
    if (result?.scoreStatus === "fully graded" || result?.scoreStatus === "exempt") return "graded";
    if (result && (result.scoreStatus === "submitted" || result.scoreStatus === "partially graded")) return result.late === "true" ? "late" : "submitted";
    return Date.parse(lineItem.dueDate) > this.now() ? "upcoming" : "missing";
  }

  /** Work (assignments and quizzes) of the given classes, with statuses for the caller. */
  async listWork(actor: Actor, classIds: string[]): Promise<{ items: WorkItem[]; subjects: string[] }> {
    const items: WorkItem[] = [];
    const subjects = new Set<string>();
    for (const classId of classIds) {
      const { role } = await this.classRole(actor, classId);
      const staff = this.isStaff(role);
      const lineItems = (await this.roster.listLineItems({ classSourcedId: classId })).filter((li) => li.status === "active" && (staff || this.extras(li).published));
      const results = await this.roster.listResults(staff ? { classSourcedId: classId } : { classSourcedId: classId, studentSourcedId: actor.userId });
      const students = staff ? (await this.roster.listEnrollments({ classSourcedId: classId })).filter((e) => e.role === "student" && e.status === "active").map((e) => e.user.sourcedId) : [actor.userId];
      for (const lineItem of lineItems) {
        const extras = this.extras(lineItem);
        const byStudent = new Map(results.filter((r) => r.lineItem.sourcedId === lineItem.sourcedId && r.status === "active").map((r) => [r.student.sourcedId, r]));
        const base = {
          lineItemSourcedId: lineItem.sourcedId,
          classSourcedId: classId,
          title: lineItem.title,
          kind: extras.kind,
          assignDate: lineItem.assignDate,
          dueDate: lineItem.dueDate,
          pointsPossible: lineItem.resultValueMax,
          category: lineItem.category.sourcedId,
          published: extras.published,
          cfItemIds: extras.cfItemIds,
        };
        if (staff) {
          const counts = { graded: 0, submitted: 0, late: 0, missing: 0, upcoming: 0 };
          for (const student of students) counts[this.statusOf(lineItem, byStudent.get(student))] += 1;
          const status: WorkStatus = Date.parse(lineItem.dueDate) > this.now() && counts.graded === 0 ? "upcoming" : counts.missing > 0 ? "missing" : counts.late > 0 ? "late" : counts.submitted > 0 ? "submitted" : "graded";
          items.push({ ...base, status, counts });
        } else {
          const own = byStudent.get(actor.userId);
          subjects.add(actor.userId);
          items.push({
            ...base,
            status: this.statusOf(lineItem, own),
            ...(own ? { own: { scoreStatus: own.scoreStatus, ...(own.score === undefined ? {} : { score: own.score }), scoreMaximum: lineItem.resultValueMax, late: own.late === "true" } } : {}),
          });
        }
      }
    }
    items.sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.lineItemSourcedId.localeCompare(b.lineItemSourcedId));
    return { items, subjects: [...subjects] };
  }

  /** The tool view of a result. */
  resultView(lineItem: OrLineItem, result: OrResult): ResultView {
    return {
      lineItemSourcedId: lineItem.sourcedId,
      classSourcedId: lineItem.class.sourcedId,
      learner: this.pseudonym(result.student.sourcedId),
      scoreStatus: result.scoreStatus,
      ...(result.score === undefined ? {} : { score: result.score }),
      scoreMaximum: lineItem.resultValueMax,
      scoreDate: result.scoreDate,
      late: result.late === "true",
      missing: result.missing === "true",
      ...(result.comment ? { comment: fenceUntrustedText(result.comment, `comment on ${lineItem.sourcedId}`) } : {}),
    };
  }

  /** Results of a line item or class; students only ever get their own. */
  async listResults(actor: Actor, filter: { lineItemSourcedId?: string; classSourcedId?: string; learner?: string }): Promise<{ items: ResultView[]; subjects: string[] }> {
    let classId: string;
    let lineItems: OrLineItem[];
    if (filter.lineItemSourcedId !== undefined) {
      const { lineItem } = await this.lineItem(actor, filter.lineItemSourcedId);
      classId = lineItem.class.sourcedId;
      lineItems = [lineItem];
    } else if (filter.classSourcedId !== undefined) {
      classId = filter.classSourcedId;
      await this.classRole(actor, classId);
      lineItems = await this.roster.listLineItems({ classSourcedId: classId });
    } else throw new ExtensionError("FILTER_REQUIRED", "give lineItemSourcedId or classSourcedId", { field: "classSourcedId" });
    const { role } = await this.classRole(actor, classId);
    let studentId: string | undefined;
    if (!this.isStaff(role)) {
      if (filter.learner !== undefined && filter.learner !== actor.pseudonym) throw new ExtensionError("FORBIDDEN", "students may only read their own results", { field: "studentSourcedId" });
      studentId = actor.userId;
    } else if (filter.learner !== undefined) studentId = await this.learnerInClass(classId, filter.learner);
    const byId = new Map(lineItems.map((li) => [li.sourcedId, li]));
    const results = (await this.roster.listResults({ classSourcedId: classId, ...(studentId ? { studentSourcedId: studentId } : {}), ...(filter.lineItemSourcedId ? { lineItemSourcedId: filter.lineItemSourcedId } : {}) })).filter(
      (r) => r.status === "active" && byId.has(r.lineItem.sourcedId),
    );
    const items = results.map((r) => this.resultView(byId.get(r.lineItem.sourcedId)!, r));
    items.sort((a, b) => a.lineItemSourcedId.localeCompare(b.lineItemSourcedId) || a.learner.localeCompare(b.learner));
    return { items, subjects: [...new Set(results.map((r) => r.student.sourcedId))] };
  }
}
