import type { Db } from '#platform/db/schema.ts';
import type { AppointmentState, ClinicSession, SessionMode } from './model.ts';

// The clinic's SQL: sessions, the slots taken in them, appointments and the day's clinic list.

export type StoredSession = ClinicSession & { id: string; teamId: string; clinicianName: string };

export async function insertSession(
  db: Db,
  s: ClinicSession & { teamId: string; by: string; at: Date },
): Promise<string> {
  const row = await db
    .insertInto('clinic_sessions')
    .values({
      team_id: s.teamId,
      starts_at: s.startsAt,
      ends_at: s.endsAt,
      slot_minutes: s.slotMinutes,
      mode: s.mode,
      place: s.place,
      clinician_id: s.clinicianId,
      created_by: s.by,
      created_at: s.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

function selectSessions(db: Db) {
  return db
    .selectFrom('clinic_sessions as s')
    .innerJoin('users as u', 'u.id', 's.clinician_id')
    .select([
      's.id',
      's.team_id',
      's.starts_at',
      's.ends_at',
      's.slot_minutes',
      's.mode',
      's.place',
      's.clinician_id',
      'u.display_name',
    ]);
}

type SessionRow = Awaited<ReturnType<ReturnType<typeof selectSessions>['executeTakeFirstOrThrow']>>;

const toSession = (r: SessionRow): StoredSession => ({
  id: r.id,
  teamId: r.team_id,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  slotMinutes: r.slot_minutes,
  mode: r.mode as SessionMode,
  place: r.place,
  clinicianId: r.clinician_id,
  clinicianName: r.display_name,
});

export async function findSession(db: Db, id: string): Promise<StoredSession | undefined> {
  const row = await selectSessions(db).where('s.id', '=', id).executeTakeFirst();
  return row && toSession(row);
}

/** A team's sessions ending after a moment, soonest first (a clinic's sessions are few: a bounded list). */
export async function sessionsOfTeam(db: Db, teamId: string, endingAfter: Date, limit: number) {
  const rows = await selectSessions(db)
    .where('s.team_id', '=', teamId)
    .where('s.ends_at', '>', endingAfter)
    .orderBy('s.starts_at')
    .orderBy('s.id')
    .limit(limit)
    .execute();
  return rows.map(toSession);
}

/** The starts of the slots taken (not cancelled) in these sessions, by session. */
export async function takenSlots(db: Db, sessionIds: readonly string[]): Promise<Map<string, Date[]>> {
  const taken = new Map<string, Date[]>(sessionIds.map((id) => [id, []]));
  if (sessionIds.length === 0) return taken;
  const rows = await db
    .selectFrom('clinic_appointments')
    .select(['session_id', 'starts_at'])
    .where('session_id', 'in', sessionIds)
    .where('state', '<>', 'cancelled')
    .execute();
  for (const r of rows) taken.get(r.session_id)?.push(r.starts_at);
  return taken;
}

/**
 * Take a slot: nothing is written when it is taken already (the unique index on live slots decides
 * between two people booking at once), and the caller is told by an undefined id.
 */
export async function takeSlot(
  db: Db,
  a: { sessionId: string; followUpId: string; patientId: string; startsAt: Date; by: string; at: Date },
): Promise<string | undefined> {
  const row = await db
    .insertInto('clinic_appointments')
    .values({
      session_id: a.sessionId,
      follow_up_id: a.followUpId,
      patient_id: a.patientId,
      starts_at: a.startsAt,
      booked_by: a.by,
      booked_at: a.at,
    })
    .onConflict((oc) => oc.columns(['session_id', 'starts_at']).where('state', '<>', 'cancelled').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export type Appointment = {
  id: string;
  sessionId: string;
  followUpId: string;
  patientId: string;
  startsAt: Date;
  state: AppointmentState;
  mode: SessionMode;
  place: string;
  clinicianName: string;
  bookedByName: string;
  bookedAt: Date;
  closedByName: string | null;
  closedAt: Date | null;
  cancelReason: string | null;
};

function selectAppointments(db: Db) {
  return db
    .selectFrom('clinic_appointments as a')
    .innerJoin('clinic_sessions as s', 's.id', 'a.session_id')
    .innerJoin('users as clinician', 'clinician.id', 's.clinician_id')
    .innerJoin('users as booker', 'booker.id', 'a.booked_by')
    .leftJoin('users as closer', 'closer.id', 'a.closed_by')
    .select([
      'a.id',
      'a.session_id',
      'a.follow_up_id',
      'a.patient_id',
      'a.starts_at',
      'a.state',
      's.mode',
      's.place',
      'clinician.display_name as clinician_name',
      'booker.display_name as booked_by_name',
      'a.booked_at',
      'closer.display_name as closed_by_name',
      'a.closed_at',
      'a.cancel_reason',
    ]);
}

type AppointmentRow = Awaited<ReturnType<ReturnType<typeof selectAppointments>['executeTakeFirstOrThrow']>>;

const toAppointment = (r: AppointmentRow): Appointment => ({
  id: r.id,
  sessionId: r.session_id,
  followUpId: r.follow_up_id,
  patientId: r.patient_id,
  startsAt: r.starts_at,
  state: r.state as AppointmentState,
  mode: r.mode as SessionMode,
  place: r.place,
  clinicianName: r.clinician_name,
  bookedByName: r.booked_by_name,
  bookedAt: r.booked_at,
  closedByName: r.closed_by_name,
  closedAt: r.closed_at,
  cancelReason: r.cancel_reason,
});

export async function findAppointment(db: Db, id: string): Promise<Appointment | undefined> {
  const row = await selectAppointments(db).where('a.id', '=', id).executeTakeFirst();
  return row && toAppointment(row);
}

/** A follow-up's appointments, latest booking first. */
export async function appointmentsOf(db: Db, followUpId: string): Promise<Appointment[]> {
  const rows = await selectAppointments(db)
    .where('a.follow_up_id', '=', followUpId)
    .orderBy('a.booked_at', 'desc')
    .limit(50)
    .execute();
  return rows.map(toAppointment);
}

/** The follow-up's appointment waiting to happen, held for the rest of the transaction. */
export async function lockBooked(db: Db, followUpId: string) {
  return db
    .selectFrom('clinic_appointments')
    .select(['id', 'starts_at'])
    .where('follow_up_id', '=', followUpId)
    .where('state', '=', 'booked')
    .forUpdate()
    .executeTakeFirst();
}

export async function lockAppointment(db: Db, id: string) {
  return db
    .selectFrom('clinic_appointments')
    .select(['id', 'session_id', 'follow_up_id', 'patient_id', 'starts_at', 'state'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function closeAppointment(
  db: Db,
  c: { id: string; to: Exclude<AppointmentState, 'booked'>; by: string; at: Date; cancelReason?: string },
): Promise<void> {
  await db
    .updateTable('clinic_appointments')
    .set((eb) => ({
      state: c.to,
      closed_by: c.by,
      closed_at: c.at,
      cancel_reason: c.to === 'cancelled' ? (c.cancelReason ?? null) : null,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', c.id)
    .where('state', '=', 'booked')
    .executeTakeFirstOrThrow();
}

export type ClinicListRow = {
  appointmentId: string;
  startsAt: Date;
  state: AppointmentState;
  patientId: string;
  followUpId: string;
  givenName: string;
  familyName: string;
  nhsNumber: string | null;
  dateOfBirth: string;
  followUpDueAt: Date;
};

/** The session's appointments (not cancelled), in slot order, with whom each is for. */
export async function clinicList(db: Db, sessionId: string): Promise<ClinicListRow[]> {
  const rows = await db
    .selectFrom('clinic_appointments as a')
    .innerJoin('patients as p', 'p.id', 'a.patient_id')
    .innerJoin('follow_ups as f', 'f.id', 'a.follow_up_id')
    .select([
      'a.id',
      'a.starts_at',
      'a.state',
      'a.patient_id',
      'a.follow_up_id',
      'p.given_name',
      'p.family_name',
      'p.nhs_number',
      'p.date_of_birth',
      'f.due_at',
    ])
    .where('a.session_id', '=', sessionId)
    .where('a.state', '<>', 'cancelled')
    .orderBy('a.starts_at')
    .execute();
  return rows.map((r) => ({
    appointmentId: r.id,
    startsAt: r.starts_at,
    state: r.state as AppointmentState,
    patientId: r.patient_id,
    followUpId: r.follow_up_id,
    givenName: r.given_name,
    familyName: r.family_name,
    nhsNumber: r.nhs_number,
    dateOfBirth: r.date_of_birth,
    followUpDueAt: r.due_at,
  }));
}

/** The clinicians a session can be with: the team's members who see patients. */
export async function teamClinicians(db: Db, teamId: string) {
  return db
    .selectFrom('team_memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.display_name'])
    .where('m.team_id', '=', teamId)
    .where('u.role', 'in', ['liaison-practitioner', 'senior-clinician'])
    .where('u.disabled_at', 'is', null)
    .orderBy('u.display_name')
    .limit(200)
    .execute();
}
