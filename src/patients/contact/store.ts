import type { Db } from '#platform/db/schema.ts';
import type { ConsentWay } from '../../consent/model.ts';
import type { ContactPreferences, SavedContact } from './model.ts';

// How the person agreed to be contacted: one row, replaced against the version the clinician saw.

export async function contactOf(db: Db, patientId: string, o: { lock?: boolean } = {}): Promise<SavedContact | null> {
  let q = db
    .selectFrom('contact_preferences as c')
    .innerJoin('users as u', 'u.id', 'c.recorded_by')
    .select(['c.mobile', 'c.email', 'c.name_services', 'c.way', 'c.given_on', 'c.version', 'c.recorded_at'])
    .select('u.display_name')
    .where('c.patient_id', '=', patientId);
  if (o.lock) q = q.forUpdate('c');
  const r = await q.executeTakeFirst();
  if (!r) return null;
  return {
    mobile: r.mobile,
    email: r.email,
    nameServices: r.name_services,
    way: r.way as ConsentWay,
    givenOn: r.given_on,
    version: r.version,
    recordedAt: r.recorded_at,
    recordedByName: r.display_name,
  };
}

/** Write the preferences as version `version + 1`; false when the row is not at `version` (someone saved first). */
export async function writeContact(
  db: Db,
  patientId: string,
  version: number,
  p: ContactPreferences,
  by: { id: string; at: Date },
): Promise<boolean> {
  const values = {
    mobile: p.mobile,
    email: p.email,
    name_services: p.nameServices,
    way: p.way,
    given_on: p.givenOn,
    recorded_by: by.id,
    recorded_at: by.at,
  };
  if (version === 0) {
    const row = await db
      .insertInto('contact_preferences')
      .values({ patient_id: patientId, ...values, version: 1 })
      .onConflict((oc) => oc.column('patient_id').doNothing())
      .returning('version')
      .executeTakeFirst();
    return row !== undefined;
  }
  const row = await db
    .updateTable('contact_preferences')
    .set({ ...values, version: version + 1 })
    .where('patient_id', '=', patientId)
    .where('version', '=', version)
    .returning('version')
    .executeTakeFirst();
  return row !== undefined;
}
