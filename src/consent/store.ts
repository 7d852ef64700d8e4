import type { Db } from '#platform/db/schema.ts';
import type { ConsentWay, Shareable } from './model.ts';

// Consent's SQL: a person's consents with the service's name, recording one, withdrawing one.

export type StoredConsent = {
  id: string;
  serviceId: string;
  serviceName: string;
  shares: Shareable[];
  way: ConsentWay;
  givenOn: string;
  recordedByName: string;
  recordedAt: Date;
  withdrawnAt: Date | null;
  withdrawnByName: string | null;
  withdrawnReason: string | null;
};

export async function consentsOf(db: Db, patientId: string): Promise<StoredConsent[]> {
  const rows = await db
    .selectFrom('consents as c')
    .innerJoin('healthcare_services as s', 's.id', 'c.service_id')
    .innerJoin('users as r', 'r.id', 'c.recorded_by')
    .leftJoin('users as w', 'w.id', 'c.withdrawn_by')
    .select([
      'c.id',
      'c.service_id',
      's.name',
      'c.shares',
      'c.way',
      'c.given_on',
      'r.display_name as recorded_by_name',
      'c.recorded_at',
      'c.withdrawn_at',
      'w.display_name as withdrawn_by_name',
      'c.withdrawn_reason',
    ])
    .where('c.patient_id', '=', patientId)
    .orderBy('c.recorded_at', 'desc')
    .limit(200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    serviceId: r.service_id,
    serviceName: r.name,
    shares: r.shares as Shareable[],
    way: r.way as ConsentWay,
    givenOn: r.given_on,
    recordedByName: r.recorded_by_name,
    recordedAt: r.recorded_at,
    withdrawnAt: r.withdrawn_at,
    withdrawnByName: r.withdrawn_by_name,
    withdrawnReason: r.withdrawn_reason,
  }));
}

/** Record consent; undefined when one is already in force for this service (two at once: one wins). */
export async function insertConsent(
  db: Db,
  c: {
    patientId: string;
    serviceId: string;
    shares: Shareable[];
    way: ConsentWay;
    givenOn: string;
    by: string;
    at: Date;
  },
): Promise<string | undefined> {
  const row = await db
    .insertInto('consents')
    .values({
      patient_id: c.patientId,
      service_id: c.serviceId,
      shares: c.shares,
      way: c.way,
      given_on: c.givenOn,
      recorded_by: c.by,
      recorded_at: c.at,
    })
    .onConflict((oc) => oc.columns(['patient_id', 'service_id']).where('withdrawn_at', 'is', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/** Withdraw a consent in force: the service it was for, or null when it was not in force (already withdrawn, or not this person's). */
export async function withdrawConsent(
  db: Db,
  w: { id: string; patientId: string; by: string; at: Date; reason: string },
): Promise<string | null> {
  const row = await db
    .updateTable('consents')
    .set({ withdrawn_at: w.at, withdrawn_by: w.by, withdrawn_reason: w.reason })
    .where('id', '=', w.id)
    .where('patient_id', '=', w.patientId)
    .where('withdrawn_at', 'is', null)
    .returning('service_id')
    .executeTakeFirst();
  return row?.service_id ?? null;
}
