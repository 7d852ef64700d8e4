// The two ways a person's record may be opened, and the one kind of value that says it was.
//
// A service that has checked access hands back an OpenedRecord; every function that needs "the
// caller may see this person" takes one. The brand is a symbol private to this file, so the only
// way to make an OpenedRecord is through one of the checks below: a function cannot be called
// with a record nobody checked, whatever the caller found in the database.
//
// 1. Care: the caller belongs to a team that is caring for the person now (a care relationship
//    that has not ended). This is how the liaison team and its colleagues see a whole record.
// 2. Referral: the caller belongs to the service a referral was sent to, and sees only what that
//    referral carries (the letter, and the documents the person consented to share) — never the
//    rest of the hospital's record. Onward's referrals part opens records this way.

const opened: unique symbol = Symbol('opened through an access check');

export type AccessPath =
  | { kind: 'care'; teamIds: readonly string[] }
  | { kind: 'referral'; referralId: string; serviceTeamId: string; shared: readonly SharedDocument[] };

/** What a referral may carry beyond its letter, each only with the person's consent. */
export type SharedDocument = 'assessment' | 'care-plan' | 'safety-plan';

export type OpenedRecord<T> = T & { readonly [opened]: AccessPath };

/** How a record was opened: a page may show more through care than through a referral. */
export function accessPathOf(record: OpenedRecord<unknown>): AccessPath {
  return record[opened];
}

/**
 * The care check. `caringTeamIds` are the teams caring for the person now, as the database says;
 * the record opens only if the caller belongs to one of them.
 */
export function openThroughCare<T extends object>(
  record: T,
  caller: { teamIds: readonly string[] },
  caringTeamIds: readonly string[],
): OpenedRecord<T> | undefined {
  const teamIds = caringTeamIds.filter((t) => caller.teamIds.includes(t));
  if (teamIds.length === 0) return undefined;
  return openedAs(record, { kind: 'care', teamIds });
}

/** A copy of the record carrying how it was opened; the original is left as it was. */
function openedAs<T extends object>(record: T, path: AccessPath): OpenedRecord<T> {
  return Object.assign(Object.create(Object.getPrototypeOf(record)), record, { [opened]: path });
}

/**
 * The referral check. The record opens only for a member of the service the referral was sent to,
 * and only while the referral is one the service may act on (not withdrawn or entered in error);
 * what it may show is what the person consented to share with that service.
 */
export function openThroughReferral<T extends object>(
  record: T,
  caller: { teamIds: readonly string[] },
  referral: { id: string; serviceTeamId: string; live: boolean; consented: readonly SharedDocument[] },
): OpenedRecord<T> | undefined {
  if (!referral.live || !caller.teamIds.includes(referral.serviceTeamId)) return undefined;
  return openedAs(record, {
    kind: 'referral',
    referralId: referral.id,
    serviceTeamId: referral.serviceTeamId,
    shared: [...referral.consented],
  });
}

/** Whether a record opened this way may show a document: always through care, by consent through a referral. */
export function mayShow(record: OpenedRecord<unknown>, document: SharedDocument): boolean {
  const path = accessPathOf(record);
  return path.kind === 'care' || path.shared.includes(document);
}

const gated: unique symbol = Symbol('read behind the care check in the same statement');

/**
 * A read that the care check guards inside the same SQL statement (the patient summary: the check,
 * the audit row and the timeline in one round trip). The lists built on it return rows only when
 * the caller's teams are caring for the person, by the same rule as openThroughCare; the store
 * that runs the statement gates every list on `teamIds`. Made only here.
 */
export type CareGate = { readonly id: string; readonly teamIds: readonly string[]; readonly [gated]: true };

export function gateThroughCare(patientId: string, caller: { teamIds: readonly string[] }): CareGate {
  return { id: patientId, teamIds: [...caller.teamIds], [gated]: true };
}

/** What a list about a person may be built on: a record already opened, or a read gated in SQL. */
export type RecordRef = OpenedRecord<{ id: string }> | CareGate;
