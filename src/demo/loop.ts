import { londonWallTime } from '#platform/clock.ts';
import { type Criterion, niceConflicts, type Service, type ServiceKind } from '../directory/model.ts';
import type { Outcome } from '../referrals/escalation/model.ts';
import { type EscalationFacts, hardPlace, patterns, type ReferralFacts } from '../referrals/hard-place/model.ts';
import { type RejectionReason, rejectionReasons, type Stage, stageInfo } from '../referrals/loop/model.ts';
import type { BulkSession } from './bulk.ts';
import type { Random } from './random.ts';
import {
  type Assessed,
  event,
  insertReferral,
  letterFor,
  letterheadOf,
  parsedJson,
  recordConsent,
} from './referrals.ts';

// The closed loop in the demo, at the rates the research reports: about half of those assessed are
// referred on (published figures run from 11% to 64% between hospitals), and about a quarter of
// referrals are not accepted — Talking Therapies turning a share away for self-harm or risk, the
// crisis team and the CMHT some as not unwell enough. Some people are refused by both sides, so the
// rock-and-a-hard-place rule has someone to find; some rejections are escalated, and of those some
// are resolved and some not, so the unmet-need register counts real gaps. The same pure rule the
// product runs flags the people it finds.

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** How a referral to each kind of service ends up, by weight: the stage, and for a refusal its reason. */
type Fate = Stage | `rejected:${RejectionReason}`;
const fates: Partial<Record<ServiceKind, readonly (readonly [Fate, number])[]>> = {
  'talking-therapies': [
    ['rejected:self-harm', 11],
    ['rejected:risk-too-high', 9],
    ['rejected:incomplete', 3],
    ['rejected:out-of-area', 2],
    ['requested', 12],
    ['on-hold', 4],
    ['accepted', 9],
    ['booked', 15],
    ['attended', 17],
    ['did-not-attend', 6],
    ['completed', 12],
  ],
  'crisis-home-treatment': [
    ['rejected:not-severe-enough', 20],
    ['rejected:already-known', 4],
    ['requested', 8],
    ['accepted', 12],
    ['booked', 14],
    ['attended', 24],
    ['completed', 18],
  ],
  'community-mental-health': [
    ['rejected:not-severe-enough', 16],
    ['rejected:diagnosis', 5],
    ['rejected:out-of-area', 3],
    ['requested', 16],
    ['accepted', 14],
    ['booked', 20],
    ['attended', 16],
    ['completed', 10],
  ],
  'voluntary-sector': [
    ['rejected:no-capacity', 8],
    ['requested', 12],
    ['accepted', 20],
    ['attended', 35],
    ['completed', 25],
  ],
  'drug-alcohol': [
    ['rejected:out-of-area', 6],
    ['requested', 14],
    ['booked', 25],
    ['attended', 30],
    ['did-not-attend', 10],
    ['completed', 15],
  ],
};

const rejectionWords: Partial<Record<RejectionReason, string>> = {
  'self-harm': 'We do not take people with current self-harm: please refer to secondary care.',
  'risk-too-high': 'The level of risk is too high for a primary care service.',
  'not-severe-enough': 'Not in crisis and no severe mental illness: primary care is more suitable.',
  diagnosis: 'No diagnosed severe mental illness.',
  'no-capacity': 'Our waiting list is closed this month.',
};

type DemoService = {
  id: string;
  name: string;
  kind: ServiceKind;
  mustContain: string[];
  conflicts: ReturnType<typeof niceConflicts>;
};

export async function seedClosedLoop(
  session: BulkSession,
  teams: readonly string[],
  recorders: readonly string[],
  asOf: Date,
  random: Random,
): Promise<{ referrals: number; flagged: number }> {
  const rows = await session.query(
    `SELECT id, name, kind, criteria, age_min, age_max, referral_must_contain FROM healthcare_services
     WHERE name IN ('Riverside NHS Talking Therapies', 'Crisis Resolution and Home Treatment Team',
       'Community Mental Health Team North', 'Riverside Mind Befriending', 'Riverside Drug and Alcohol Service')`,
    [],
  );
  const services = new Map<string, DemoService>(
    rows.map((s) => [
      String(s.name),
      {
        id: String(s.id),
        name: String(s.name),
        kind: s.kind as ServiceKind,
        mustContain: parsedJson<string[]>(s.referral_must_contain),
        conflicts: niceConflicts({
          kind: s.kind as Service['kind'],
          ages: { min: s.age_min as number | null, max: s.age_max as number | null },
          criteria: parsedJson<Criterion[]>(s.criteria),
        }),
      },
    ]),
  );
  const tt = services.get('Riverside NHS Talking Therapies')!;
  const crisis = services.get('Crisis Resolution and Home Treatment Team')!;
  const firstChoice: [DemoService, number][] = [
    [tt, 50],
    [services.get('Community Mental Health Team North')!, 14],
    [crisis, 12],
    [services.get('Riverside Mind Befriending')!, 16],
    [services.get('Riverside Drug and Alcohol Service')!, 8],
  ];
  let referrals = 0;
  let flagged = 0;
  for (const [i, team] of teams.entries()) {
    const by = recorders[i]!;
    const letterhead = JSON.stringify(await letterheadOf(session, team, by));
    const [senior] = await session.query(
      `SELECT u.id, u.display_name FROM users u JOIN team_memberships m ON m.user_id = u.id
       WHERE m.team_id = $1 AND u.role = 'senior-clinician' ORDER BY u.display_name LIMIT 1`,
      [team],
    );
    // Adults assessed in the last six months, past the two the letters' demo already wrote for.
    const people = (await session.query(
      `SELECT * FROM (
         SELECT DISTINCT ON (a.patient_id) a.id, a.patient_id, p.given_name, p.phone, a.sections, a.finalised_at,
           pr.arrived_at, o.name AS hospital
         FROM assessments a
         JOIN patients p ON p.id = a.patient_id
         JOIN presentations pr ON pr.id = a.presentation_id
         JOIN teams t ON t.id = a.team_id
         JOIN organisations o ON o.id = t.organisation_id
         WHERE a.team_id = $1 AND a.status = 'final' AND a.finalised_at < $2::timestamptz - interval '2 days'
           AND a.finalised_at > $2::timestamptz - interval '182 days'
           AND p.date_of_birth <= ($2::timestamptz - interval '18 years')::date
           AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.patient_id = a.patient_id)
         ORDER BY a.patient_id, a.finalised_at DESC) latest
       ORDER BY finalised_at DESC LIMIT 150`,
      [team, asOf.toISOString()],
    )) as Assessed[];
    for (const [n, person] of people.entries()) {
      // Each team's first person assessed ten or more days ago is refused by both sides, so every
      // team's caseload and register show it; the rest at the rates above.
      const stuck = n === people.findIndex((p) => p.finalised_at.getTime() < asOf.getTime() - 10 * DAY);
      if (!stuck && random.next() >= 0.5) continue;
      const made: (ReferralFacts & { teamId: string })[] = [];
      const escalations: EscalationFacts[] = [];
      const first = stuck ? tt : random.weighted(firstChoice);
      const sentAt = new Date(person.finalised_at.getTime() + random.int(2, 6) * HOUR);
      const one = await referral(first, person, sentAt, stuck ? 'rejected:risk-too-high' : undefined);
      made.push(one);
      // Refused by Talking Therapies as too risky: often then referred to the crisis team, which may
      // find them not unwell enough — the rock and a hard place.
      if (
        one.serviceKind === 'talking-therapies' &&
        one.rejectionReason &&
        ['self-harm', 'risk-too-high'].includes(one.rejectionReason) &&
        (stuck || random.next() < 0.6)
      ) {
        const then = new Date(one.rejectedAt!.getTime() + random.int(4, 30) * HOUR);
        if (then < asOf)
          made.push(
            await referral(
              crisis,
              person,
              then,
              stuck || random.next() < 0.7 ? 'rejected:not-severe-enough' : undefined,
            ),
          );
      }
      referrals += made.length;
      // Some refusals taken up by the team's senior clinician with the service.
      if (senior)
        for (const r of made.filter((x) => x.stage === 'rejected' && !stuck && random.next() < 0.5))
          escalations.push(await escalate(r, person, String(senior.id), String(senior.display_name)));
      const found = hardPlace(made, escalations, asOf);
      if (found) {
        flagged++;
        await flag(found, made, person, senior ? { id: String(senior.id), name: String(senior.display_name) } : null);
      }
    }

    async function referral(service: DemoService, a: Assessed, sentAt: Date, forced?: Fate) {
      const fate = forced ?? random.weighted(fates[service.kind]!);
      const [stageOf, reason] = fate.startsWith('rejected:')
        ? (['rejected', fate.slice('rejected:'.length) as RejectionReason] as const)
        : ([fate as Stage, null] as const);
      let stage: Stage = stageOf;
      const answeredAt = new Date(sentAt.getTime() + random.int(18, 120) * HOUR);
      // Not answered yet if the answer would fall after today.
      if (answeredAt >= asOf && stage !== 'requested') stage = 'requested';
      let appointmentAt: Date | null = null;
      if (['attended', 'did-not-attend', 'completed'].includes(stage)) {
        appointmentAt = new Date(answeredAt.getTime() + random.int(2, 10) * DAY);
        if (appointmentAt >= asOf) stage = 'booked';
      }
      if (stage === 'booked')
        appointmentAt = new Date(Math.max(asOf.getTime(), answeredAt.getTime()) + random.int(1, 14) * DAY);
      const consent = await recordConsent(session, a, service.id, by, sentAt);
      const letter = letterFor(
        a,
        service,
        ['mood', 'talking-therapy'],
        'I want someone to talk to',
        'They agreed to this referral.',
      );
      const id = await insertReferral(session, {
        a,
        team,
        service: service.id,
        letter,
        by,
        at: new Date(sentAt.getTime() - HOUR),
      });
      const taken = stage !== 'requested' && stage !== 'on-hold' && stage !== 'rejected';
      await session.query(
        `UPDATE referrals SET stage = $2, status = $3, business_status = $4, sent_by = $5, sent_at = $6, consent_id = $7,
           shared = '{letter,assessment}', letterhead = $8, version = 2,
           received_at = CASE WHEN $2 <> 'requested' THEN $9::timestamptz END,
           accepted_at = CASE WHEN $10 THEN $9::timestamptz END,
           rejected_at = CASE WHEN $2 = 'rejected' THEN $9::timestamptz END,
           rejection_reason = $11, rejection_text = $12,
           appointment_at = $13, appointment_place = CASE WHEN $13::timestamptz IS NOT NULL THEN 'The service''s clinic' END,
           appointment_how = CASE WHEN $13::timestamptz IS NOT NULL THEN 'in-person' END,
           outcome = CASE WHEN $2 = 'completed' THEN 'Seen for six sessions; discharged to the GP with a plan.' END,
           closed_at = CASE WHEN $2 IN ('rejected', 'completed') THEN $9::timestamptz END
         WHERE id = $1`,
        [
          id,
          stage,
          stageInfo[stage].task,
          stageInfo[stage].business,
          by,
          sentAt,
          consent,
          letterhead,
          answeredAt,
          taken,
          stage === 'rejected' ? reason : null,
          stage === 'rejected' && reason ? (rejectionWords[reason] ?? '') : null,
          appointmentAt,
        ],
      );
      const at = (t: Date, type: string, from: string, to: string, data: Record<string, unknown> = {}) =>
        event(session, a.patient_id, id, by, t, type, from, to, { serviceName: service.name, ...data });
      await at(sentAt, 'referral.sent', 'draft', 'requested', { service: service.id });
      if (stage === 'rejected')
        await at(answeredAt, 'referral.rejected', 'requested', 'rejected', { party: 'service', reason });
      if (stage === 'on-hold')
        await at(answeredAt, 'referral.information-asked', 'requested', 'on-hold', { party: 'service' });
      if (taken) await at(answeredAt, 'referral.accepted', 'requested', 'accepted', { party: 'service' });
      if (appointmentAt && taken) await at(answeredAt, 'referral.booked', 'accepted', 'booked', { party: 'service' });
      if (['attended', 'did-not-attend', 'completed'].includes(stage) && appointmentAt)
        await at(
          appointmentAt,
          stage === 'did-not-attend' ? 'referral.did-not-attend' : 'referral.attended',
          'booked',
          stage === 'did-not-attend' ? 'did-not-attend' : 'attended',
          { party: 'service' },
        );
      if (stage === 'completed')
        await at(answeredAt, 'referral.discharged', 'attended', 'completed', { party: 'service' });
      return {
        id,
        teamId: team,
        serviceName: service.name,
        serviceKind: service.kind,
        stage,
        rejectionReason: stage === 'rejected' ? reason : null,
        sentAt,
        rejectedAt: stage === 'rejected' ? answeredAt : null,
      };
    }

    async function escalate(
      r: ReferralFacts,
      a: Assessed,
      seniorId: string,
      seniorName: string,
    ): Promise<EscalationFacts> {
      const openedAt = new Date(r.rejectedAt!.getTime() + random.int(1, 20) * HOUR);
      const status = random.weighted([
        ['open', 3],
        ['in-discussion', 2],
        ['resolved', 5],
      ] as const);
      const outcome: Outcome | null =
        status === 'resolved'
          ? random.weighted([
              ['accepted', 35],
              ['alternative-found', 35],
              ['not-resolved', 30],
            ] as const)
          : null;
      const resolvedAt = outcome
        ? new Date(Math.min(asOf.getTime() - HOUR, openedAt.getTime() + random.int(1, 6) * DAY))
        : null;
      const [row] = await session.query(
        `INSERT INTO escalations (referral_id, patient_id, team_id, owner_id, status, outcome, reason, due_on, opened_by, opened_at, resolved_by, resolved_at, resolution)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
        [
          r.id,
          a.patient_id,
          team,
          seniorId,
          status,
          outcome,
          `Not accepted: ${rejectionReasons[r.rejectionReason!].text.toLowerCase()}. Take it up with the service, citing NICE NG225.`,
          londonWallTime(new Date(openedAt.getTime() + 2 * DAY)).date,
          by,
          openedAt,
          outcome ? seniorId : null,
          resolvedAt,
          outcome
            ? {
                accepted: 'The service will see them after all.',
                'alternative-found': 'The voluntary sector crisis café will see them this week.',
                'not-resolved': 'The service would not change its decision; the GP is following up.',
              }[outcome]
            : null,
        ],
      );
      const id = String(row!.id);
      await event(session, a.patient_id, r.id, by, openedAt, 'referral.escalated', null, null, {
        escalation: id,
        owner: seniorName,
        serviceName: r.serviceName,
      });
      if (status !== 'open') {
        const heldAt = new Date(openedAt.getTime() + 3 * HOUR);
        await session.query(
          `INSERT INTO escalation_notes (escalation_id, patient_id, with_whom, way, held_at, agreed, recorded_by, recorded_at)
           VALUES ($1, $2, 'The service''s clinical lead', 'phone', $3, 'Talked through NG225: they will look at it again with their team.', $4, $3)`,
          [id, a.patient_id, heldAt, seniorId],
        );
        await event(session, a.patient_id, r.id, seniorId, heldAt, 'escalation.discussed', 'open', 'in-discussion', {
          escalation: id,
          serviceName: r.serviceName,
        });
      }
      if (outcome && resolvedAt) {
        await event(
          session,
          a.patient_id,
          r.id,
          seniorId,
          resolvedAt,
          'escalation.resolved',
          'in-discussion',
          'resolved',
          { escalation: id, outcome, serviceName: r.serviceName },
        );
        // The service thought again: the referral is accepted, its refusal kept in the history.
        if (outcome === 'accepted') {
          await session.query(
            `UPDATE referrals SET stage = 'accepted', status = 'accepted', business_status = 'accepted', accepted_at = $2,
               rejection_reason = NULL, rejection_text = NULL, rejected_at = NULL, closed_at = NULL WHERE id = $1`,
            [r.id, resolvedAt],
          );
          await event(session, a.patient_id, r.id, by, resolvedAt, 'referral.accepted', 'rejected', 'accepted', {
            party: 'service',
            serviceName: r.serviceName,
          });
          r.stage = 'accepted';
        }
      }
      return { outcome, resolvedAt };
    }

    async function flag(
      found: NonNullable<ReturnType<typeof hardPlace>>,
      made: readonly ReferralFacts[],
      a: Assessed,
      senior: { id: string; name: string } | null,
    ) {
      const last = made.filter((r) => found.referralIds.includes(r.id)).at(-1)!;
      const at = new Date(last.rejectedAt!.getTime() + 60_000);
      const [open] = await session.query(
        `SELECT id FROM escalations WHERE patient_id = $1 AND status <> 'resolved' LIMIT 1`,
        [a.patient_id],
      );
      let escalationId = open ? String(open.id) : null;
      if (!escalationId && senior) {
        const [row] = await session.query(
          `INSERT INTO escalations (referral_id, patient_id, team_id, owner_id, status, reason, due_on, opened_by, opened_by_rule, opened_at)
           VALUES ($1, $2, $3, $4, 'open', $5, $6, NULL, 'hard-place', $7) RETURNING id`,
          [
            last.id,
            a.patient_id,
            team,
            senior.id,
            `${patterns[found.pattern]}. ${found.words}. Take it up with the services.`,
            londonWallTime(new Date(at.getTime() + DAY)).date,
            at,
          ],
        );
        escalationId = String(row!.id);
        await event(session, a.patient_id, last.id, by, at, 'referral.escalated', null, null, {
          rule: 'hard-place',
          escalation: escalationId,
          owner: senior.name,
          serviceName: last.serviceName,
        });
      }
      await session.query(
        `INSERT INTO hard_place_flags (patient_id, team_id, pattern, referral_ids, escalation_id, raised_at) VALUES ($1, $2, $3, $4, $5, $6)`,
        [a.patient_id, team, found.pattern, found.referralIds, escalationId, at],
      );
      await event(session, a.patient_id, last.id, by, at, 'referral.hard-place-flagged', null, null, {
        rule: 'hard-place',
        pattern: found.pattern,
        words: found.words,
        serviceName: last.serviceName,
        escalation: escalationId,
      });
    }
  }
  return { referrals, flagged };
}
