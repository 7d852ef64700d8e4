import { auditAction } from './audit/store.ts';
import type { Db } from './db/schema.ts';
import { listQuery } from './db/together.ts';
import { Conflict, NotFound } from './errors.ts';
import { appendEvent } from './events.ts';
import type { Actor } from './http/pages.ts';

// Every saved version of a clinical document (assessment, care plan, safety plan) is kept whole in
// record_versions, so nothing written is lost, earlier versions can be read, and a save refused
// for being stale can show what the other person changed.

export type SubjectType = 'assessment' | 'care-plan' | 'safety-plan' | 'presentation';

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
  id: string;
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
    toState?: string | null;
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
    toState: v.toState ?? null,
    data: { version: v.version, ...v.data },
  });
  await auditAction(tx, actor, v.patientId, 'ok', { ...v.audit, version: v.version });
}

/** How each kind of document names itself in audit details, so every refusal reads the same. */
const auditKey: Record<SubjectType, string> = {
  assessment: 'assessment',
  'care-plan': 'carePlan',
  'safety-plan': 'safetyPlan',
  presentation: 'presentation',
};

/** What is saved now, as the refusal of a stale save shows it. */
export type CurrentVersion<T> = { version: number; updatedByName: string; updatedAt: Date; content: T };

/** The step a save is: its event name, the state the document was in, and what else to note. */
export type SaveStep = {
  event: string;
  fromState: string | null;
  toState?: string | null;
  data?: Record<string, unknown>;
};

/**
 * How one kind of document is saved. The part says how to hold its row, what a save is (which may
 * refuse: a finalised assessment takes no more drafts) and how to write it; the mechanism keeps the
 * order every save must follow and the refusals every save gives.
 */
export type VersionedDocument<T, L extends { id: string; version: number }> = {
  subjectType: SubjectType;
  patientId: string;
  /** The version the person opened; 0 when they started before any existed. */
  baseVersion: number;
  content: T;
  /** Hold the document's row to the end of the transaction; undefined when there is none yet. */
  lock(tx: Db): Promise<L | undefined>;
  /** The refusal when there is no such document and none may be created here. */
  missing: string;
  /**
   * Create the first version when there is none (the safety plan, one per person); undefined when
   * someone else created it at the same moment, which makes this save stale.
   */
  create?(tx: Db): Promise<{ id: string; data?: Record<string, unknown> } | undefined>;
  /** What is saved now, read inside the transaction. */
  current(tx: Db, id: string): Promise<CurrentVersion<T>>;
  /** A kept version's content read back whole (an old version may lack what was added since). */
  read(raw: unknown): T;
  /** The step this save is, checked before anything is written; 'unchanged' writes nothing. */
  step(tx: Db, locked: L): Promise<SaveStep | 'unchanged'>;
  /** Write the next version only if the row is still at the base version: false when it is not. */
  write(tx: Db, locked: L): Promise<boolean>;
};

export type VersionedSave<T> =
  | { saved: true; id: string; version: number; unchanged: boolean }
  | { saved: false; stale: StaleSave<T> };

/**
 * The one versioned save (DESIGN rule 5): hold the row → check the step → compare the version the
 * person started from → write only if unchanged since → keep the whole version, its event and the
 * audit row, all in one transaction. A stale save writes nothing and answers with what the other
 * person saved and the version this person started from, so the page can merge (mergeFields); the
 * refusal is audited after the rollback, so it is kept even though the save was not.
 */
export async function saveVersion<T, L extends { id: string; version: number }>(
  actor: Actor,
  doc: VersionedDocument<T, L>,
): Promise<VersionedSave<T>> {
  const stale = async (tx: Db, id: string): Promise<VersionedSave<T>> => {
    const current = await doc.current(tx, id);
    const base = doc.baseVersion > 0 ? await findVersion<unknown>(tx, id, doc.baseVersion) : undefined;
    return {
      saved: false,
      stale: {
        id,
        currentVersion: current.version,
        savedByName: current.updatedByName,
        savedAt: current.updatedAt,
        current: current.content,
        base: doc.read(base?.content),
      },
    };
  };
  const outcome = await actor.db.transaction().execute(async (tx): Promise<VersionedSave<T>> => {
    const locked = await doc.lock(tx);
    if (!locked) {
      if (!doc.create) throw new NotFound(doc.missing);
      // Documents are never deleted, so a save based on a version of one that is not there is a bad form.
      if (doc.baseVersion !== 0)
        throw new Conflict('This record could not be found. Reload the page', 'record-missing');
      const created = await doc.create(tx);
      if (!created) {
        const raced = await doc.lock(tx);
        if (!raced) throw new Conflict();
        return stale(tx, raced.id);
      }
      await recordVersion(tx, actor, {
        subjectType: doc.subjectType,
        subjectId: created.id,
        patientId: doc.patientId,
        version: 1,
        content: doc.content,
        event: `${doc.subjectType}.created`,
        fromState: null,
        data: created.data,
        audit: { [auditKey[doc.subjectType]]: created.id },
      });
      return { saved: true, id: created.id, version: 1, unchanged: false };
    }
    const step = await doc.step(tx, locked);
    if (locked.version !== doc.baseVersion) return stale(tx, locked.id);
    if (step === 'unchanged') {
      await auditAction(tx, actor, doc.patientId, 'ok', {
        [auditKey[doc.subjectType]]: locked.id,
        version: locked.version,
        unchanged: true,
      });
      return { saved: true, id: locked.id, version: locked.version, unchanged: true };
    }
    // The row is held, so this can only fail if the lock above did not hold it: say so, never write half.
    if (!(await doc.write(tx, locked))) throw new Conflict();
    const version = doc.baseVersion + 1;
    await recordVersion(tx, actor, {
      subjectType: doc.subjectType,
      subjectId: locked.id,
      patientId: doc.patientId,
      version,
      content: doc.content,
      event: step.event,
      fromState: step.fromState,
      toState: step.toState,
      data: step.data,
      audit: { [auditKey[doc.subjectType]]: locked.id },
    });
    return { saved: true, id: locked.id, version, unchanged: false };
  });
  if (!outcome.saved) {
    await auditAction(actor.db, actor, doc.patientId, 'refused', {
      reason: 'stale-version',
      [auditKey[doc.subjectType]]: outcome.stale.id,
      baseVersion: doc.baseVersion,
      currentVersion: outcome.stale.currentVersion,
    });
  }
  return outcome;
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

/**
 * What a page says after a stale save, the same for every document: the merged values for the
 * form, a message on each field both people changed, and the summary line that leads the error list.
 */
export function staleRefusal<K extends string>(
  stale: StaleSave<Record<K, string>>,
  mine: Record<K, string>,
  o: { keys: readonly K[]; names: Record<K, string>; document: string; part: string },
): { values: Record<K, string>; errors: Partial<Record<K, string>>; summary: { text: string; href: string } } {
  const { merged, conflicts, broughtIn } = mergeFields(o.keys, stale.base, mine, stale.current);
  const errors: Partial<Record<K, string>> = {};
  for (const key of conflicts)
    errors[key] =
      `${stale.savedByName} also changed ${o.names[key]}. Their version is shown above yours: merge the two`;
  const named = (keys: readonly K[]) => new Intl.ListFormat('en-GB').format(keys.map((k) => o.names[k]));
  return {
    values: merged,
    errors,
    summary: {
      text: `${stale.savedByName} saved ${o.document} while you were working on it. Nothing you wrote has been saved yet.${broughtIn.length ? ` Their changes to ${named(broughtIn)} have been brought into the form.` : ''}${conflicts.length ? ` Where you both changed the same ${o.part}, merge the two.` : ''} Check, then save again.`,
      href: `#${conflicts[0] ?? broughtIn[0] ?? o.keys[0]}`,
    },
  };
}
