import { londonWallTime, showDate } from '#platform/clock.ts';
import { toSections } from '../assessments/model.ts';
import { type Need, needs as needNames } from '../directory/matching/model.ts';
import { type Criterion, niceConflicts, type Service } from '../directory/model.ts';
import { type Letterhead, writerRole } from '../letters/referral-letter.ts';
import { draftLetter, type Letter, withText } from '../referrals/model.ts';
import type { BulkSession } from './bulk.ts';

// Referrals in the demo, so every step shows: in each liaison team, the person most recently
// assessed has needs confirmed, consent recorded, a letter to the Talking Therapies service (whose
// "active self-harm" exclusion is a NICE conflict, named in the letter) sent, and a call with the
// service before it; the next has a letter to the crisis team started, with no consent yet and the
// items the team asks for still to write, so the completeness check and the consent stop show.

export type Assessed = {
  id: string;
  patient_id: string;
  given_name: string;
  phone: string | null;
  sections: unknown;
  finalised_at: Date;
  arrived_at: Date;
  hospital: string;
};

const day = (d: Date) => showDate(londonWallTime(d).date);

export async function seedReferrals(
  session: BulkSession,
  teams: readonly string[],
  recorders: readonly string[],
  asOf: Date,
): Promise<void> {
  const services = await session.query(
    `SELECT id, name, kind, criteria, age_min, age_max, referral_must_contain FROM healthcare_services
     WHERE name IN ('Riverside NHS Talking Therapies', 'Crisis Resolution and Home Treatment Team')`,
    [],
  );
  const byName = (name: string) => {
    const s = services.find((r) => r.name === name)!;
    const criteria = parsedJson<Criterion[]>(s.criteria);
    const conflicts = niceConflicts({
      kind: s.kind as Service['kind'],
      ages: { min: s.age_min as number | null, max: s.age_max as number | null },
      criteria,
    });
    return {
      id: String(s.id),
      name: String(s.name),
      mustContain: parsedJson<string[]>(s.referral_must_contain),
      conflicts,
    };
  };
  const talking = byName('Riverside NHS Talking Therapies');
  const crisis = byName('Crisis Resolution and Home Treatment Team');
  for (const [i, team] of teams.entries()) {
    const by = recorders[i]!;
    const people = (await session.query(
      `SELECT a.id, a.patient_id, p.given_name, p.phone, a.sections, a.finalised_at, pr.arrived_at, o.name AS hospital
       FROM assessments a
       JOIN patients p ON p.id = a.patient_id
       JOIN presentations pr ON pr.id = a.presentation_id
       JOIN teams t ON t.id = a.team_id
       JOIN organisations o ON o.id = t.organisation_id
       -- Adults: the services written to are adult services.
       WHERE a.team_id = $1 AND a.status = 'final' AND a.finalised_at < $2::timestamptz - interval '2 days'
         AND p.date_of_birth <= ($2::timestamptz - interval '18 years')::date
       ORDER BY a.finalised_at DESC LIMIT 2`,
      [team, asOf.toISOString()],
    )) as Assessed[];
    const [sent, started] = people;
    const letterhead = await letterheadOf(session, team, by);
    if (sent) {
      const at = new Date(sent.finalised_at.getTime() + 2 * 3_600_000);
      await confirmNeeds(
        session,
        sent,
        ['mood', 'money', 'talking-therapy'],
        'I want to talk to someone about how I feel, and get help with the debts',
        by,
      );
      const consent = await recordConsent(session, sent, talking.id, by, at);
      const draft = letterFor(
        sent,
        talking,
        ['mood', 'money', 'talking-therapy'],
        'I want to talk to someone about how I feel, and get help with the debts',
        `They agreed in person on ${day(at)} to this referral, and to our sharing the referral letter and the psychosocial assessment.`,
      );
      // The items the record does not hold, written by the practitioner.
      const letter = withText(
        draft,
        draft.sections.map((s) => s.text || 'Sertraline 50 mg each morning, started by the GP in the spring.'),
        true,
      );
      const id = await insertReferral(session, { a: sent, team, service: talking.id, letter, by, at });
      await session.query(
        `UPDATE referrals SET stage = 'requested', status = 'requested', business_status = 'letter-sent', sent_by = $2, sent_at = $3,
           consent_id = $4, shared = '{letter,assessment}', letterhead = $5, version = 2 WHERE id = $1`,
        [id, by, new Date(at.getTime() + 3_600_000), consent, JSON.stringify(letterhead)],
      );
      await event(
        session,
        sent.patient_id,
        id,
        by,
        new Date(at.getTime() + 3_600_000),
        'referral.sent',
        'draft',
        'requested',
        {
          service: talking.id,
          serviceName: talking.name,
        },
      );
      // Where the service has got to: one waiting, one accepted with an appointment, one not accepted
      // for self-harm (a NICE conflict the referring team sees).
      const [tt] = await session.query("SELECT id FROM users WHERE username = 'talking.therapies'", []);
      const therapist = String(tt!.id);
      const answered = new Date(at.getTime() + 26 * 3_600_000);
      const step = (type: string, from: string, to: string, extra: Record<string, unknown> = {}) =>
        event(session, sent.patient_id, id, therapist, answered, type, from, to, {
          party: 'service',
          serviceName: talking.name,
          ...extra,
        });
      if (i === 1) {
        await session.query(
          `UPDATE referrals SET stage = 'booked', status = 'in-progress', business_status = 'appointment-booked',
             received_at = $2, accepted_at = $2, appointment_at = $3, appointment_place = 'Riverside Wellbeing Centre, room 2',
             appointment_how = 'in-person' WHERE id = $1`,
          [id, answered, new Date(asOf.getTime() + 3 * 86_400_000)],
        );
        await step('referral.accepted', 'requested', 'accepted');
        await step('referral.booked', 'accepted', 'booked');
      } else if (i === 2) {
        await session.query(
          `UPDATE referrals SET stage = 'rejected', status = 'rejected', business_status = 'declined', received_at = $2,
             rejection_reason = 'self-harm',
             rejection_text = 'We do not take people with current self-harm; please refer to the CMHT.',
             rejected_at = $2, closed_at = $2 WHERE id = $1`,
          [id, answered],
        );
        await step('referral.rejected', 'requested', 'rejected', { reason: 'self-harm' });
      }
      await session.query(
        `INSERT INTO referral_conversations (referral_id, patient_id, with_whom, way, held_at, agreed, recorded_by, recorded_at)
         VALUES ($1, $2, 'Jo Patel, duty clinician', 'phone', $3, $4, $5, $3)`,
        [
          id,
          sent.patient_id,
          new Date(at.getTime() + 1_800_000),
          'Explained that the self-harm is why we are referring, not a reason to decline; they will screen the referral this week rather than turn it away.',
          by,
        ],
      );
      await event(
        session,
        sent.patient_id,
        id,
        by,
        new Date(at.getTime() + 1_800_000),
        'referral.conversation',
        null,
        null,
        {
          withWhom: 'Jo Patel, duty clinician',
          way: 'phone',
          serviceName: talking.name,
        },
      );
    }
    if (started) {
      const at = new Date(started.finalised_at.getTime() + 3_600_000);
      const wants = 'I do not want to go back to how things were last week';
      await confirmNeeds(session, started, ['crisis-support', 'relationships'], wants, by);
      const letter = letterFor(started, crisis, ['crisis-support', 'relationships'], wants, null);
      await insertReferral(session, { a: started, team, service: crisis.id, letter, by, at });
    }
  }
}

export function letterFor(
  a: Assessed,
  service: { name: string; mustContain: string[]; conflicts: ReturnType<typeof niceConflicts> },
  needs: Need[],
  wants: string,
  consentSentence: string | null,
): Letter {
  return draftLetter({
    givenName: a.given_name,
    hospitalName: a.hospital,
    arrivedOn: day(a.arrived_at),
    assessedOn: day(a.finalised_at),
    assessment: toSections(parsedJson(a.sections)),
    needs: needs.map((n) => needNames[n].text),
    wantsInTheirWords: wants,
    phone: a.phone,
    consentSentence,
    service,
  });
}

export async function confirmNeeds(session: BulkSession, a: Assessed, needs: Need[], wants: string, by: string) {
  await session.query(
    `INSERT INTO assessment_needs (assessment_id, patient_id, needs, wants, confirmed_by, confirmed_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [a.id, a.patient_id, needs, wants, by, new Date(a.finalised_at.getTime() + 1_200_000)],
  );
}

export async function recordConsent(session: BulkSession, a: Assessed, serviceId: string, by: string, at: Date) {
  const [row] = await session.query(
    `INSERT INTO consents (patient_id, service_id, shares, way, given_on, recorded_by, recorded_at)
     VALUES ($1, $2, '{letter,assessment}', 'in-person', $3, $4, $5) RETURNING id`,
    [a.patient_id, serviceId, londonWallTime(at).date, by, at],
  );
  await event(
    session,
    a.patient_id,
    String(row!.id),
    by,
    at,
    'consent.given',
    null,
    'in-force',
    { service: serviceId },
    'consent',
  );
  return String(row!.id);
}

export async function insertReferral(
  session: BulkSession,
  r: { a: Assessed; team: string; service: string; letter: Letter; by: string; at: Date },
): Promise<string> {
  const [row] = await session.query(
    `INSERT INTO referrals (patient_id, team_id, assessment_id, service_id, status, letter, created_by, created_at, updated_by, updated_at)
     VALUES ($1, $2, $3, $4, 'draft', $5, $6, $7, $6, $7) RETURNING id`,
    [r.a.patient_id, r.team, r.a.id, r.service, JSON.stringify(r.letter), r.by, r.at],
  );
  const id = String(row!.id);
  const [service] = await session.query('SELECT name FROM healthcare_services WHERE id = $1', [r.service]);
  await event(session, r.a.patient_id, id, r.by, r.at, 'referral.drafted', null, 'draft', {
    service: r.service,
    serviceName: service!.name,
    assessment: r.a.id,
  });
  return id;
}

export async function event(
  session: BulkSession,
  patientId: string,
  subjectId: string,
  by: string,
  at: Date,
  type: string,
  from: string | null,
  to: string | null,
  data: Record<string, unknown>,
  subjectType = 'referral',
) {
  await session.query(
    `INSERT INTO record_events (at, user_id, patient_id, subject_type, subject_id, type, from_state, to_state, data)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [at, by, patientId, subjectType, subjectId, type, from, to, JSON.stringify(data)],
  );
}

export async function letterheadOf(session: BulkSession, team: string, by: string): Promise<Letterhead> {
  const [t] = await session.query(
    `SELECT t.name, t.address, t.phone, t.secure_email, o.name AS organisation
     FROM teams t JOIN organisations o ON o.id = t.organisation_id WHERE t.id = $1`,
    [team],
  );
  const [u] = await session.query('SELECT display_name, role, discipline FROM users WHERE id = $1', [by]);
  return {
    organisation: String(t!.organisation),
    team: String(t!.name),
    address: (t!.address as string | null) ?? null,
    phone: (t!.phone as string | null) ?? null,
    secureEmail: (t!.secure_email as string | null) ?? null,
    clinician: String(u!.display_name),
    clinicianRole: writerRole(u!.role, u!.discipline),
  };
}

export const parsedJson = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
