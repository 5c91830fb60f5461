import type { OrAcademicSession, OrCategory, OrClass, OrCourse, OrEnrollment, OrLineItem, OrOrg, OrResult, OrUser } from "../schemas/oneroster.js";

/**
 * The OneRoster 1.2 rostering and gradebook operations the extension needs. Implemented by
 * the embedded SQLite store and by the REST client for a remote OneRoster provider. It
 * returns raw records, personal data included: only the privacy gateway may call it.
 */
export interface RosterBackend {
  listOrgs(): Promise<OrOrg[]>;
  listAcademicSessions(): Promise<OrAcademicSession[]>;
  getAcademicSession(sourcedId: string): Promise<OrAcademicSession | undefined>;
  getCourse(sourcedId: string): Promise<OrCourse | undefined>;
  listClasses(): Promise<OrClass[]>;
  getClass(sourcedId: string): Promise<OrClass | undefined>;
  getUser(sourcedId: string): Promise<OrUser | undefined>;
  listEnrollments(filter: { classSourcedId?: string; userSourcedId?: string }): Promise<OrEnrollment[]>;
  listCategories(): Promise<OrCategory[]>;
  listLineItems(filter: { classSourcedId?: string }): Promise<OrLineItem[]>;
  getLineItem(sourcedId: string): Promise<OrLineItem | undefined>;
  putLineItem(lineItem: OrLineItem): Promise<void>;
  listResults(filter: { lineItemSourcedId?: string; classSourcedId?: string; studentSourcedId?: string }): Promise<OrResult[]>;
  getResult(sourcedId: string): Promise<OrResult | undefined>;
  putResult(result: OrResult): Promise<void>;
}
