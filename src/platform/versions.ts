import { auditAction } from './audit/store.ts';
import type { Db } from './db/schema.ts';
import { listQuery } from './db/together.ts';
import { appendEvent } from './events.ts';
import type { Actor } from './http/pages.ts';

// Every saved version of a clinical document (assessment, care plan, safety plan) is kept whole in
// record_versions, so nothing written is lost, earlier versions can be read, and a save refused
// for being stale can show what the other person changed.

export type SubjectType = 'assessment' | 'care-plan' | 'safety-plan';

export type SavedVersion<T> = {
  version: number;
  content: T;
  savedBy: string;
  savedByName: string;
  savedAt: Date;
};

export async function keepVersion(
  db: Db,
  v: {
    subjectType: SubjectType;
    subjectId: string;
    patientId: string;
    version: number;
    content: unknown;
    savedBy: string;
    savedAt: Date;
  },
): Promise<void> {
  await db
    .insertInto('record_versions')
    .values({
      subject_type: v.subjectType,
      subject_id: v.subjectId,
      patient_id: v.patientId,
      version: v.version,
      content: JSON.stringify(v.content),
      saved_by: v.savedBy,
      saved_at: v.savedAt,
    })
    .execute();
}

export async function findVersion<T>(db: Db, subjectId: string, version: number): Promise<SavedVersion<T> | undefined> {
  const row = await db
    .selectFrom('record_versions')
    .innerJoin('users', 'users.id', 'record_versions.saved_by')
    .select([
      'record_versions.version',
      'record_versions.content',
      'record_versions.saved_by',
      'users.display_name',
      'record_versions.saved_at',
    ])
    .where('record_versions.subject_id', '=', subjectId)
    .where('record_versions.version', '=', version)
    .executeTakeFirst();
  return row && toSaved<T>(row);
}

/** Every version of one document, newest first (without content, which a list does not need). */
export async function listVersions(db: Db, subjectId: string): Promise<Omit<SavedVersion<never>, 'content'>[]> {
  const rows = await db
    .selectFrom('record_versions')
    .innerJoin('users', 'users.id', 'record_versions.saved_by')
    .select(['record_versions.version', 'record_versions.saved_by', 'users.display_name', 'record_versions.saved_at'])
    .where('record_versions.subject_id', '=', subjectId)
    .orderBy('record_versions.version', 'desc')
    .execute();
  return rows.map((r) => ({
    version: r.version,
    savedBy: r.saved_by,
    savedByName: r.display_name,
    savedAt: r.saved_at,
  }));
}

export type VersionEntry = {
  subjectType: SubjectType;
  subjectId: string;
  version: number;
  savedAt: Date;
  savedByName: string;
};

/** One kind of document's versions saved for a patient, newest first, for the timeline. */
export function versionsOfPatient(db: Db, patientId: string, subjectType: SubjectType, limit: number) {
  const builder = db
    .selectFrom('record_versions')
    .innerJoin('users', 'users.id', 'record_versions.saved_by')
    .select([
      'record_versions.subject_type',
      'record_versions.subject_id',
      'record_versions.version',
      'record_versions.saved_at',
      'users.display_name',
    ])
    .where('record_versions.patient_id', '=', patientId)
    .where('record_versions.subject_type', '=', subjectType)
    .orderBy('record_versions.saved_at', 'desc')
    .orderBy('record_versions.version', 'desc')
    .limit(limit);
  return listQuery({
    builder,
    times: ['saved_at'],
    map: (r): VersionEntry => ({
      subjectType: r.subject_type as SubjectType,
      subjectId: r.subject_id,
      version: r.version,
      savedAt: r.saved_at,
      savedByName: r.display_name,
    }),
  });
}

function toSaved<T>(r: { version: number; content: unknown; saved_by: string; display_name: string; saved_at: Date }) {
  return {
    version: r.version,
    content: r.content as T,
    savedBy: r.saved_by,
    savedByName: r.display_name,
    savedAt: r.saved_at,
  };
}

/**
 * A save refused because someone else saved first: who and when, what is saved now, and the
 * version the person started from, so the caller can merge the two (mergeFields).
 */
export type StaleSave<T> = {
  currentVersion: number;
  savedByName: string;
  savedAt: Date;
  current: T;
  base: T;
};

/**
 * A new version of a clinical document, in the caller's transaction: the whole content kept, the
 * event that made it, and the audit row, together or not at all (DESIGN rules 1 and 2).
 */
export async function recordVersion(
  tx: Db,
  actor: Actor,
  v: {
    subjectType: SubjectType;
    subjectId: string;
    patientId: string;
    version: number;
    content: unknown;
    event: string;
    fromState: string | null;
    data?: Record<string, unknown>;
    audit: Record<string, string | number | boolean | null>;
  },
): Promise<void> {
  const at = actor.clock.now();
  await keepVersion(tx, {
    subjectType: v.subjectType,
    subjectId: v.subjectId,
    patientId: v.patientId,
    version: v.version,
    content: v.content,
    savedBy: actor.user.id,
    savedAt: at,
  });
  await appendEvent(tx, {
    at,
    userId: actor.user.id,
    patientId: v.patientId,
    subjectType: v.subjectType,
    subjectId: v.subjectId,
    type: v.event,
    fromState: v.fromState,
    data: { version: v.version, ...v.data },
  });
  await auditAction(tx, actor, v.patientId, 'ok', { ...v.audit, version: v.version });
}

export type Merge<K extends string> = {
  /** What the form should hold now: their changes where only they changed a field, mine elsewhere. */
  merged: Record<K, string>;
  /** Fields both people changed differently: the person must merge these by hand. */
  conflicts: K[];
  /** Fields only the other person changed, brought into the form. */
  broughtIn: K[];
};

/**
 * A three-way merge of flat text fields, from the version a person started at (`base`), what
 * they typed (`mine`) and what is saved now (`theirs`). Re-saving the form afterwards can then
 * never quietly undo a colleague's change to a field the person did not touch.
 */
export function mergeFields<K extends string>(
  keys: readonly K[],
  base: Record<K, string>,
  mine: Record<K, string>,
  theirs: Record<K, string>,
): Merge<K> {
  const merged = {} as Record<K, string>;
  const conflicts: K[] = [];
  const broughtIn: K[] = [];
  for (const k of keys) {
    if (mine[k] === base[k]) {
      merged[k] = theirs[k];
      if (theirs[k] !== base[k]) broughtIn.push(k);
    } else {
      merged[k] = mine[k];
      if (theirs[k] !== base[k] && theirs[k] !== mine[k]) conflicts.push(k);
    }
  }
  return { merged, conflicts, broughtIn };
}
