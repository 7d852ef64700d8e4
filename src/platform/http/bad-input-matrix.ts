import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sql } from 'kysely';
import { testApp } from '../../../test/support/app.ts';
import { Client } from '../../../test/support/client.ts';
import {
  makePatient,
  makePresentation,
  makeRegisterPerson,
  makeService,
  makeTeam,
  makeUser,
  PASSWORD,
} from '../../../test/support/factories.ts';
import {
  type FormValues,
  findForm,
  formDefaults,
  postValues,
  submitForm,
  withValue,
} from '../../../test/support/forms.ts';
import { makeMessage } from '../../../test/support/outbox.ts';
import { may, type Role, roles } from '../access/model.ts';
import { raiseAlerts } from '../alerts/store.ts';
import { sealAudit } from '../audit/store.ts';
import { verifyAuditChain } from '../audit/verify.ts';
import type { Db } from '../db/schema.ts';

// The bad-input matrix, beside the role × route matrix: every route in the server's own registry,
// as a role that may use it, gets a corpus of hostile strings in every path parameter, every
// declared query parameter and every field of its form (found on the page a person posts it from,
// so a new field is covered the moment it is rendered). No answer may be a 5xx, no answer may
// carry the markup unescaped, a refused request may write nothing, and the audit chain must still
// verify afterwards. A POST route with no form source below fails the test, as a new route must.

const corpus = [
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '\u0000',
  'a\u0000b',
  '\u0007\u001b[31mred\u001b[0m',
  'c1 \u0085\u009f controls',
  '\ud800',
  'x\udfffy',
  '\u202eevil\u202c right-to-left',
  'zero\u200b\u200dwidth\ufeff',
  'A'.repeat(5000),
  'B'.repeat(70_000),
  '{{ 7*7191*1013 }}',
  '{% for x in range(3) %}{{ x }}{% endfor %}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template placeholder is the hostile input
  '${7*7191*1013}',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  "'; DROP TABLE patients; --",
  '1 OR 1=1',
  '%_\\',
  '',
  ' ',
  '-1',
  '0',
  '99999999999999999999',
  'NaN',
  '1e309',
  'null',
  '[]',
  '../../etc/passwd',
  'ÁÉÍ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂',
];

/** What must never come back unescaped, whatever was sent. */
const dangerous = ['<script>alert(1)', '<img src=x', '<svg onload', '50991381'];

const seed = Number(process.env.BAD_INPUT_SEED ?? Date.now() % 1_000_000);
const generated = fc.sample(fc.string({ unit: 'binary', maxLength: 60 }), { numRuns: 4, seed });
const strings = [...corpus, ...generated];

/**
 * Where a form is posted from: a page got by GET, or (`via`) the answer to a POST, for forms that appear only there.
 * `onlyFields` names the fields worth sending hostile strings to when the rest are another route's, already tried.
 */
type Source = {
  role: Role | 'signed-out';
  source: string;
  action: string;
  via?: Record<string, string>;
  onlyFields?: string[];
};

/**
 * The matrix over one share of the routes: the routes in the registry's order, every `of`th from `share`.
 * The whole matrix is 13,000 requests, three minutes alone on a two-core machine and more than ten beside
 * the rest of the suite on a loaded one; in shares, each test file is its own process, so the shares run
 * side by side and each stays well inside its limit as routes are added (add a share when one nears it).
 * Each share's test is named in its own file, so the hazard log can cite it.
 */
export function badInputMatrix(share: number, of: number): () => Promise<void> {
  return async () => {
    const { app, db } = await testApp({ config: { signInRateLimit: 1_000_000 } });
    const team = await makeTeam(db);
    const patient = await makePatient(db, { teamId: team });
    const clients = new Map<Role | 'signed-out', Client>();
    const users = new Map<Role, string>();
    for (const role of roles) {
      const user = await makeUser(db, {
        role,
        teamIds: [team],
        discipline: role === 'mdt-contributor' ? 'pharmacist' : null,
      });
      users.set(role, user.id);
      const client = new Client(app);
      assert.equal((await client.signIn(user.username, PASSWORD)).status, 303, role);
      clients.set(role, client);
    }
    clients.set('signed-out', new Client(app));
    const nurse = clients.get('liaison-practitioner')!;
    const p = `/patients/${patient.id}`;
    for (let i = 0; i < 5; i++)
      await makePresentation(db, {
        patientId: patient.id,
        teamId: team,
        recordedBy: users.get('liaison-practitioner')!,
        arrivedAt: new Date(Date.UTC(2026, 10, 20 + i, 9)),
      });

    // The record in every state a form needs, made through the pages themselves.
    const location = (r: { headers: Record<string, unknown> }) => String(r.headers.location).split('#')[0]!;
    const assessments: string[] = [];
    for (let i = 0; i < 4; i++) {
      const started = await submitForm(nurse, p, `${p}/assessments`);
      assert.equal(started.status, 303, 'assessment started');
      assessments.push(location(started));
    }
    for (const a of [assessments[0]!, assessments[1]!, assessments[3]!]) {
      const done = await submitForm(nurse, a, a, { action: 'finalise' });
      assert.equal(done.status, 303, `finalised: ${done.body.slice(0, 200)}`);
    }
    const plans: string[] = [];
    for (const a of [assessments[0]!, assessments[1]!]) {
      const started = await submitForm(nurse, a, `${p}/care-plans`);
      assert.equal(started.status, 303, 'care plan started');
      const plan = location(started);
      const saved = await submitForm(nurse, `${plan}/edit`, plan, {
        'item-0-text': 'See the GP this week',
        'item-0-owner': 'The person',
      });
      assert.equal(saved.status, 303, `care plan saved: ${saved.body.slice(0, 300)}`);
      plans.push(plan);
    }
    const [agreedPlan, draftPlan] = plans as [string, string];
    assert.equal(
      (await submitForm(nurse, agreedPlan, `${agreedPlan}/agreement`, { confirmed: 'yes', gpConsent: 'yes' })).status,
      303,
    );
    const askForInput = async () => {
      const asked = await submitForm(nurse, draftPlan, `${draftPlan}/input-requests`, {
        question: 'Any interactions?',
      });
      assert.equal(asked.status, 303, 'input asked');
      const row = await db
        .selectFrom('input_requests')
        .select('id')
        .where('patient_id', '=', patient.id)
        .where('answered_at', 'is', null)
        .orderBy('requested_at', 'desc')
        .executeTakeFirstOrThrow();
      return `/input-requests/${row.id}`;
    };
    const request = await askForInput();
    const presentationId = (
      await db
        .selectFrom('presentations')
        .select('id')
        .where('patient_id', '=', patient.id)
        .orderBy('arrived_at')
        .executeTakeFirstOrThrow()
    ).id;
    /** A new assessment of a new presentation, finalised if asked: for answers that use one up. */
    const freshAssessment = async (finalised: boolean) => {
      const own = await makePresentation(db, {
        patientId: patient.id,
        teamId: team,
        recordedBy: users.get('liaison-practitioner')!,
      });
      await nurse.get(p);
      const started = await nurse.post(`${p}/assessments`, { presentationId: own });
      assert.equal(started.status, 303, 'assessment started');
      const a = location(started);
      if (finalised) assert.equal((await submitForm(nurse, a, a, { action: 'finalise' })).status, 303, 'finalised');
      return a;
    };
    // The patient's own safety plan, so a safety plan's address has a real id in it.
    assert.equal(
      (await submitForm(nurse, `${p}/safety-plan/edit`, `${p}/safety-plan`, { reasonsForLiving: 'My dog' })).status,
      303,
    );
    const safetyPlanId = (
      await db.selectFrom('safety_plans').select('id').where('patient_id', '=', patient.id).executeTakeFirstOrThrow()
    ).id;
    /** The follow-up page of a newly finalised assessment. */
    const freshFollowUp = async () => {
      const a = await freshAssessment(true);
      const clock = await db
        .selectFrom('follow_ups')
        .select('id')
        .where('assessment_id', '=', a.split('/').pop()!)
        .executeTakeFirstOrThrow();
      return `${p}/follow-ups/${clock.id}`;
    };
    const firstFollowUp = await freshFollowUp();
    // The clinic: a session under way now (so attendance can be recorded) with room for every booking
    // the matrix accepts, and appointments made straight in the table, one fresh per case that closes one.
    const nurseId = users.get('liaison-practitioner')!;
    const clinicNow = new Date('2026-11-25T10:00:00Z');
    const clinic = await db
      .insertInto('clinic_sessions')
      .values({
        team_id: team,
        starts_at: new Date(clinicNow.getTime() - 3_600_000),
        ends_at: new Date(clinicNow.getTime() + 11 * 3_600_000),
        slot_minutes: 15,
        mode: 'in-person',
        place: 'Room 2',
        clinician_id: nurseId,
        created_by: nurseId,
        created_at: clinicNow,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    let slotsUsed = 0;
    /** A fresh follow-up booked into the next slot of the session: begun if `begun`, else still ahead. */
    const bookedAppointment = async (begun: boolean) => {
      const f = await freshFollowUp();
      // Begun: the 10:00 slot, now (its last booking cancelled to free it); otherwise the next slot ahead.
      const at = new Date(clinicNow.getTime() + (begun ? 0 : ++slotsUsed * 15 * 60_000));
      if (begun)
        await db
          .updateTable('clinic_appointments')
          .set({
            state: 'cancelled',
            closed_at: clinicNow,
            closed_by: nurseId,
            cancel_reason: 'Freed for the next case',
          })
          .where('session_id', '=', clinic.id)
          .where('starts_at', '=', at)
          .where('state', '<>', 'cancelled')
          .execute();
      const row = await db
        .insertInto('clinic_appointments')
        .values({
          session_id: clinic.id,
          follow_up_id: f.split('/').pop()!,
          patient_id: patient.id,
          starts_at: at,
          booked_by: nurseId,
          booked_at: clinicNow,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { followUp: f, id: row.id };
    };
    const firstAppointment = await bookedAppointment(true);
    const service = { id: await makeService(db, { by: nurseId, at: clinicNow }) };

    /** A fresh consent in force with the service (any before it withdrawn), for a form that changes one. */
    const freshConsent = async () => {
      await db
        .updateTable('consents')
        .set({ withdrawn_at: clinicNow, withdrawn_by: nurseId, withdrawn_reason: 'Freed for the next case' })
        .where('patient_id', '=', patient.id)
        .where('withdrawn_at', 'is', null)
        .execute();
      const row = await db
        .insertInto('consents')
        .values({
          patient_id: patient.id,
          service_id: service.id,
          shares: ['letter'],
          way: 'in-person',
          given_on: '2026-11-25',
          recorded_by: nurseId,
          recorded_at: clinicNow,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    };
    const firstConsent = await freshConsent();
    /** A fresh draft referral, to a service of its own (one referral is open with a service at a time). */
    const freshReferral = async () => {
      const own = await makeService(db, { by: nurseId, at: clinicNow });
      await nurse.get(p);
      const started = await nurse.post(`${p}/referrals`, {
        assessmentId: assessments[0]!.split('/').pop()!,
        serviceId: own,
      });
      assert.equal(started.status, 303, `referral started: ${started.body.slice(0, 200)}`);
      return location(started);
    };
    const firstReferral = await freshReferral();
    /** A fresh referral, sent and at a stage of the loop, to a service this team answers (as the receiving clinician's). */
    const sentReferral = async (stage: 'requested' | 'on-hold') => {
      const url = await freshReferral();
      const id = url.split('/').pop()!;
      const r = await db.selectFrom('referrals').select('service_id').where('id', '=', id).executeTakeFirstOrThrow();
      await db
        .updateTable('healthcare_services')
        .set({ receiving_team_id: team })
        .where('id', '=', r.service_id)
        .execute();
      const consent = await db
        .insertInto('consents')
        .values({
          patient_id: patient.id,
          service_id: r.service_id,
          shares: ['letter'],
          way: 'in-person',
          given_on: '2026-11-25',
          recorded_by: nurseId,
          recorded_at: clinicNow,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .updateTable('referrals')
        .set({
          stage,
          status: stage,
          sent_at: clinicNow,
          sent_by: nurseId,
          consent_id: consent.id,
          shared: ['letter'],
          letterhead: JSON.stringify({
            organisation: 'T',
            team: 'T',
            address: null,
            phone: null,
            secureEmail: null,
            clinician: 'N',
            clinicianRole: 'N',
          }),
        })
        .where('id', '=', id)
        .execute();
      return { url, id };
    };
    /** A fresh referral the service did not accept, and (for the senior clinician's forms) its escalation. */
    const rejectedReferral = async () => {
      const r = await sentReferral('requested');
      await db
        .updateTable('referrals')
        .set({
          stage: 'rejected',
          status: 'rejected',
          rejection_reason: 'self-harm',
          rejected_at: clinicNow,
          closed_at: clinicNow,
        })
        .where('id', '=', r.id)
        .execute();
      return r;
    };
    const freshEscalation = async () => {
      const r = await rejectedReferral();
      const e = await db
        .insertInto('escalations')
        .values({
          referral_id: r.id,
          patient_id: patient.id,
          team_id: team,
          owner_id: users.get('senior-clinician')!,
          status: 'open',
          reason: 'Challenge the exclusion',
          due_on: '2026-12-31',
          opened_by: nurseId,
          opened_at: clinicNow,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return `${p}/escalations/${e.id}`;
    };
    const firstEscalation = await freshEscalation();
    /** A letter the outbox gave up on (each send-again case its own: sending again moves it on). */
    const deadMessage = () =>
      makeMessage(db, {
        teamId: team,
        patientId: patient.id,
        subjectId: firstReferral.split('/').pop()!,
        state: 'dead',
        at: clinicNow,
      });
    await raiseAlerts(db, [
      {
        kind: 'referral-rejected',
        key: `bad-input:${patient.id}`,
        userId: nurseId,
        patientId: patient.id,
        href: '/',
        text: 'Not accepted',
        at: clinicNow,
      },
    ]);
    const alert = await db
      .selectFrom('alerts')
      .select('id')
      .where('alert_key', '=', `bad-input:${patient.id}`)
      .executeTakeFirstOrThrow();
    const ids = {
      alertId: alert.id,
      messageId: await deadMessage(),
      referralId: firstReferral.split('/').pop()!,
      escalationId: firstEscalation.split('/').pop()!,
      consentId: firstConsent,
      sessionId: clinic.id,
      serviceId: service.id,
      appointmentId: firstAppointment.id,
      followUpId: firstFollowUp.split('/').pop()!,
      safetyPlanId,
      patientId: patient.id,
      presentationId,
      assessmentId: assessments[0]!.split('/').pop()!,
      carePlanId: agreedPlan.split('/').pop()!,
      requestId: request.split('/').pop()!,
      version: '1',
    };

    // Where each POST route is posted from, and as whom. A new POST route must be added here.
    const sources: Record<string, () => Promise<Source>> = {
      'POST /sign-in': async () => ({ role: 'signed-out', source: '/sign-in', action: '/sign-in' }),
      'POST /patients/search': async () => ({
        role: 'liaison-practitioner',
        source: '/patients',
        action: '/patients/search',
      }),
      'POST /patients/:patientId/presentations': async () => ({
        role: 'liaison-practitioner',
        source: `${p}/presentations/new`,
        action: `${p}/presentations`,
      }),
      'POST /patients/:patientId/assessments': async () => ({
        role: 'liaison-practitioner',
        source: p,
        action: `${p}/assessments`,
      }),
      'POST /patients/:patientId/assessments/:assessmentId': async () => ({
        role: 'liaison-practitioner',
        source: assessments[2]!,
        action: assessments[2]!,
      }),
      'POST /patients/:patientId/care-plans': async () => ({
        role: 'liaison-practitioner',
        source: assessments[3]!,
        action: `${p}/care-plans`,
      }),
      'POST /patients/:patientId/care-plans/:carePlanId': async () => ({
        role: 'liaison-practitioner',
        source: `${draftPlan}/edit`,
        action: draftPlan,
      }),
      'POST /patients/:patientId/care-plans/:carePlanId/agreement': async () => ({
        role: 'liaison-practitioner',
        source: draftPlan,
        action: `${draftPlan}/agreement`,
      }),
      'POST /patients/:patientId/care-plans/:carePlanId/sharing': async () => ({
        role: 'liaison-practitioner',
        source: agreedPlan,
        action: `${agreedPlan}/sharing`,
      }),
      'POST /patients/:patientId/care-plans/:carePlanId/input-requests': async () => ({
        role: 'liaison-practitioner',
        source: draftPlan,
        action: `${draftPlan}/input-requests`,
      }),
      // An input request is answered once: each case answers a fresh one.
      'POST /input-requests/:requestId': async () => {
        const r = await askForInput();
        return { role: 'mdt-contributor', source: r, action: r };
      },
      'POST /patients/:patientId/safety-plan': async () => ({
        role: 'liaison-practitioner',
        source: `${p}/safety-plan/edit`,
        action: `${p}/safety-plan`,
      }),
      'POST /patients/:patientId/assessments/:assessmentId/addenda': async () => ({
        role: 'liaison-practitioner',
        source: assessments[0]!,
        action: `${assessments[0]!}/addenda`,
      }),
      'POST /patients/:patientId/presentations/:presentationId': async () => ({
        role: 'liaison-practitioner',
        source: `${p}/presentations/${presentationId}/edit`,
        action: `${p}/presentations/${presentationId}`,
      }),
      // A withdrawal that is accepted is final: each case withdraws a presentation of its own.
      'POST /patients/:patientId/presentations/:presentationId/withdraw': async () => {
        const own = await makePresentation(db, {
          patientId: patient.id,
          teamId: team,
          recordedBy: users.get('liaison-practitioner')!,
        });
        return {
          role: 'liaison-practitioner',
          source: `${p}/presentations/${own}/withdraw`,
          action: `${p}/presentations/${own}/withdraw`,
        };
      },
      // A discharge that is accepted ends the care: each case discharges a person of its own.
      'POST /patients/:patientId/discharge': async () => {
        const own = `/patients/${(await makePatient(db, { teamId: team, at: new Date('2026-11-01T09:00:00Z') })).id}`;
        return { role: 'liaison-practitioner', source: `${own}/discharge`, action: `${own}/discharge` };
      },
      // Accepted withdrawals are final: each case withdraws a record of its own, made through the pages.
      'POST /patients/:patientId/assessments/:assessmentId/withdraw': async () => {
        const a = await freshAssessment(false);
        return { role: 'liaison-practitioner', source: `${a}/withdraw`, action: `${a}/withdraw` };
      },
      // A withdrawn safety plan leaves the person without one: each case withdraws the plan of a person of its own.
      'POST /patients/:patientId/safety-plans/:safetyPlanId/withdraw': async () => {
        const own = `/patients/${(await makePatient(db, { teamId: team })).id}`;
        const written = await submitForm(nurse, `${own}/safety-plan/edit`, `${own}/safety-plan`, {
          reasonsForLiving: 'My daughter',
        });
        assert.equal(written.status, 303, 'safety plan written');
        const plan = await db
          .selectFrom('safety_plans')
          .select('id')
          .where('patient_id', '=', own.split('/').pop()!)
          .executeTakeFirstOrThrow();
        const at = `${own}/safety-plans/${plan.id}/withdraw`;
        return { role: 'liaison-practitioner', source: at, action: at };
      },
      'POST /patients/:patientId/care-plans/:carePlanId/withdraw': async () => {
        const a = await freshAssessment(true);
        const started = await submitForm(nurse, a, `${p}/care-plans`);
        assert.equal(started.status, 303, 'care plan started');
        const plan = location(started);
        return { role: 'liaison-practitioner', source: `${plan}/withdraw`, action: `${plan}/withdraw` };
      },
      // An accepted attempt may close the follow-up, and a stop closes it: each case gets a clock of its own.
      'POST /patients/:patientId/follow-ups/:followUpId/attempts': async () => {
        const f = await freshFollowUp();
        return { role: 'liaison-practitioner', source: f, action: `${f}/attempts` };
      },
      'POST /patients/:patientId/follow-ups/:followUpId/stop': async () => {
        const f = await freshFollowUp();
        return { role: 'liaison-practitioner', source: f, action: `${f}/stop` };
      },
      'POST /clinics': async () => ({ role: 'liaison-practitioner', source: '/clinics/new', action: '/clinics' }),
      // Confirmed needs move their version on: each case confirms those of a fresh assessment.
      'POST /patients/:patientId/assessments/:assessmentId/needs': async () => {
        const a = await freshAssessment(true);
        return { role: 'liaison-practitioner', source: `${a}/needs`, action: `${a}/needs` };
      },
      // A referral starts from the services matched to an assessment's confirmed needs.
      'POST /patients/:patientId/referrals': async () => {
        const a = await freshAssessment(true);
        assert.equal((await submitForm(nurse, `${a}/needs`, `${a}/needs`, { needs: 'mood' })).status, 303);
        return { role: 'liaison-practitioner', source: `${a}/services`, action: `${p}/referrals` };
      },
      // An accepted change moves the letter's version on: the form is read again with the new one.
      'POST /patients/:patientId/referrals/:referralId': async () => ({
        role: 'liaison-practitioner',
        source: `${firstReferral}/edit`,
        action: firstReferral,
      }),
      // A sent referral is sent for good: each case sends a fresh draft.
      'POST /patients/:patientId/referrals/:referralId/send': async () => {
        const r = await freshReferral();
        return { role: 'liaison-practitioner', source: r, action: `${r}/send` };
      },
      'POST /patients/:patientId/referrals/:referralId/conversations': async () => ({
        role: 'liaison-practitioner',
        source: `${firstReferral}/conversations/new`,
        action: `${firstReferral}/conversations`,
      }),
      // The closed loop: a step by the receiving service on a fresh sent referral (a step moves it on).
      'POST /inbox/referrals/:referralId': async () => {
        const { id } = await sentReferral('requested');
        return { role: 'receiving-clinician', source: `/inbox/referrals/${id}`, action: `/inbox/referrals/${id}` };
      },
      'POST /patients/:patientId/referrals/:referralId/answer': async () => {
        const { url } = await sentReferral('on-hold');
        return { role: 'liaison-practitioner', source: url, action: `${url}/answer` };
      },
      // Answering a rejection: sent back to the service to think again (a fresh rejection each case).
      'POST /patients/:patientId/referrals/:referralId/reconsider': async () => {
        const { url } = await rejectedReferral();
        return { role: 'liaison-practitioner', source: url, action: `${url}/reconsider` };
      },
      // Escalation: from a referral not accepted; then the senior clinician's conversation and resolution.
      'POST /patients/:patientId/referrals/:referralId/escalate': async () => {
        const { url } = await rejectedReferral();
        return { role: 'liaison-practitioner', source: url, action: `${url}/escalate` };
      },
      'POST /patients/:patientId/escalations/:escalationId/notes': async () => {
        const e = await freshEscalation();
        return { role: 'senior-clinician', source: e, action: `${e}/notes` };
      },
      'POST /patients/:patientId/escalations/:escalationId/resolve': async () => {
        const e = await freshEscalation();
        return { role: 'senior-clinician', source: e, action: `${e}/resolve` };
      },
      // The outbox: a message given up on is sent again from its own page (each case a fresh one).
      'POST /outbox/:messageId/send-again': async () => {
        const id = await deadMessage();
        return { role: 'liaison-practitioner', source: `/outbox/${id}`, action: `/outbox/${id}/send-again` };
      },
      // A draft's page offers discarding it: each case a fresh draft.
      'POST /patients/:patientId/referrals/:referralId/cancel': async () => {
        const r = await freshReferral();
        return { role: 'liaison-practitioner', source: r, action: `${r}/cancel` };
      },
      // Consent is one in force per service: each case starts from none (recording) or a fresh one (withdrawing).
      'POST /patients/:patientId/contact': async () => ({
        role: 'liaison-practitioner',
        source: `${p}/contact`,
        action: `${p}/contact`,
      }),
      'POST /patients/:patientId/consents': async () => {
        await freshConsent();
        await db
          .updateTable('consents')
          .set({ withdrawn_at: clinicNow, withdrawn_by: nurseId, withdrawn_reason: 'Freed for the next case' })
          .where('patient_id', '=', patient.id)
          .where('withdrawn_at', 'is', null)
          .execute();
        return {
          role: 'liaison-practitioner',
          source: `${p}/consents/new?service=${service.id}`,
          action: `${p}/consents`,
        };
      },
      'POST /patients/:patientId/consents/:consentId/withdraw': async () => {
        const id = await freshConsent();
        return { role: 'liaison-practitioner', source: `${p}/consents`, action: `${p}/consents/${id}/withdraw` };
      },
      'POST /directory': async () => ({ role: 'administrator', source: '/directory/new', action: '/directory' }),
      // The import's file, sent here as a field's text (the page sends it as a file: same parser after).
      'POST /directory/import': async () => ({
        role: 'administrator',
        source: '/directory/import',
        action: '/directory/import',
      }),
      // An accepted change moves the version on: the form is read again each time, with the new one. The
      // service's own fields are the create form's, parsed by the same schema and tried there; the change's
      // version and reason are this route's alone.
      'POST /directory/:serviceId': async () => ({
        role: 'administrator',
        source: `/directory/${service.id}/edit`,
        action: `/directory/${service.id}`,
        onlyFields: ['version', 'reason'],
      }),
      // A booking takes a slot of a fresh follow-up; a recorded outcome or a cancellation closes an appointment.
      'POST /patients/:patientId/follow-ups/:followUpId/appointments': async () => {
        const f = await freshFollowUp();
        return { role: 'liaison-practitioner', source: `${f}/book`, action: `${f}/appointments` };
      },
      'POST /patients/:patientId/follow-ups/:followUpId/appointments/:appointmentId/cancel': async () => {
        const a = await bookedAppointment(false);
        return {
          role: 'liaison-practitioner',
          source: `${a.followUp}/book`,
          action: `${a.followUp}/appointments/${a.id}/cancel`,
        };
      },
      'POST /clinics/:sessionId/appointments/:appointmentId/outcome': async () => {
        const a = await bookedAppointment(true);
        const at = `/clinics/${clinic.id}/appointments/${a.id}`;
        return { role: 'liaison-practitioner', source: at, action: `${at}/outcome` };
      },
      // An accepted merge uses up the record merged: each case makes a fresh duplicate of the patient.
      'POST /patients/:patientId/merge': async () => {
        await makePatient(db, {
          teamId: team,
          nhsNumber: null,
          familyName: patient.familyName,
          givenName: patient.givenName,
          dateOfBirth: patient.dateOfBirth,
        });
        return { role: 'senior-clinician', source: `${p}/merge`, action: `${p}/merge` };
      },
      'POST /ed-referrals/trace': async () => ({
        role: 'liaison-practitioner',
        source: '/ed-referrals/new',
        // The answer opens at its results.
        action: '/ed-referrals/trace#results',
      }),
      // The front door's later steps are forms on the answers to POSTs (identifiers never in an
      // address); an accepted start takes someone into care, so each case traces someone new.
      'POST /ed-referrals/confirm': async () => ({
        role: 'liaison-practitioner',
        source: '/ed-referrals/trace',
        via: { by: 'nhs-number', nhsNumber: (await makeRegisterPerson(db)).nhsNumber },
        action: '/ed-referrals/confirm',
      }),
      'POST /ed-referrals/start': async () => ({
        role: 'liaison-practitioner',
        source: '/ed-referrals/confirm',
        via: { nhsNumber: (await makeRegisterPerson(db)).nhsNumber },
        action: '/ed-referrals/start',
      }),
      'POST /ed-referrals/untraced': async () => ({
        role: 'liaison-practitioner',
        source: '/ed-referrals/untraced',
        via: {
          step: 'start',
          familyName: `Untraced${Math.random()
            .toString(36)
            .replace(/[^a-z]/g, '')}`,
          givenName: 'Robin',
          'dateOfBirth[day]': '3',
          'dateOfBirth[month]': '4',
          'dateOfBirth[year]': '1985',
          sex: 'unknown',
          reason: 'ed-referral',
        },
        action: '/ed-referrals/untraced',
      }),
    };
    // Routes that take no answers at all: checked for their parameters only.
    // A delivery receipt is posted by GOV.UK Notify with its own token, never from a page: its bad
    // bodies and tokens are tested beside it (src/notify/person.test.ts); here, its parameters.
    const noForm = new Set([
      'POST /sign-out',
      'POST /notify/receipts',
      'POST /alerts/seen',
      'POST /alerts/:alertId/seen',
    ]);

    const failures: string[] = [];
    let cases = 0;
    const check = (what: string, response: { status: number; body: string }) => {
      cases++;
      if (response.status >= 500) failures.push(`${what}: ${response.status}`);
      for (const d of dangerous)
        if (response.body.includes(d)) failures.push(`${what}: answer contains ${d} unescaped`);
    };
    const clientFor = (route: { permission: string }): [Role | 'signed-out', Client] => {
      if (route.permission === 'public') return ['signed-out', clients.get('signed-out')!];
      const role = roles.find((r) => may(r, route.permission as never))!;
      return [role, clients.get(role)!];
    };
    const sourcePage = async (at: Source) => {
      const c = clients.get(at.role)!;
      if (!at.via) return c.get(at.source);
      await c.get('/accessibility'); // a fresh CSRF token
      return c.post(at.source, at.via);
    };
    const fill = (url: string, params: Record<string, string>) =>
      url.replace(/:([A-Za-z]+)/g, (_m, name: string) => params[name] ?? (ids as Record<string, string>)[name]!);

    const routes = app.routeRegistry.filter((r, i) => r.url !== '/sign-out' && i % of === share);
    for (const route of routes) {
      const key = `${route.method} ${route.url}`;

      const [, client] = clientFor(route);
      const params = [...route.url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
      // Path parameters: hostile values, and the real ids in capitals (the same record, the same trail).
      for (const name of params) {
        for (const value of [...strings.filter((s) => s.length < 3000), ids[name as keyof typeof ids].toUpperCase()]) {
          const url = fill(route.url, { [name]: percentEncode(value) });
          if (route.method === 'POST') await client.get('/accessibility'); // a fresh CSRF token
          const before = route.method === 'POST' ? await fingerprint(db, patient.id) : '';
          const response = route.method === 'GET' ? await client.get(url) : await postValues(client, app, url, []);
          check(`${key} with ${name}=${JSON.stringify(value.slice(0, 40))}`, response);
          if (route.method === 'POST' && response.status >= 400 && (await fingerprint(db, patient.id)) !== before)
            failures.push(
              `${key} with ${name}=${JSON.stringify(value.slice(0, 40))}: refused (${response.status}) but wrote`,
            );
        }
      }
      // Query parameters: every one the page declares, and one it does not.
      if (route.method === 'GET') {
        for (const name of [...route.query, 'undeclared']) {
          for (const value of strings.filter((s) => s.length < 3000)) {
            const response = await client.get(`${fill(route.url, {})}?${new URLSearchParams({ [name]: value })}`);
            check(`${key}?${name}=${JSON.stringify(value.slice(0, 40))}`, response);
          }
        }
        continue;
      }
      if (noForm.has(key)) continue;
      const open = sources[key];
      if (!open) {
        failures.push(`${key} has no form source in the bad-input matrix: add where it is posted from`);
        continue;
      }
      // Every field of the form, one at a time, the rest as a person would fill them.
      const first = await open();
      const firstPage = await sourcePage(first);
      const form = findForm(firstPage.html, first.action);
      if (!form) {
        failures.push(`${key}: ${first.source} has no form posting to it`);
        continue;
      }
      // Repeated rows of one form (item-0-text, item-1-text, …) go through the same parser: the
      // first of each shape stands for the rest.
      const shapes = new Set<string>();
      const fields = formDefaults(form).fields.filter((f) => {
        // The directory form's criterion rows (use-<code>, words-<code>) are one parser's too.
        const shape = f.name.replace(/\d+/g, 'N').replace(/^(use|words)-.*$/, '$1-*');
        if (shapes.has(shape)) return false;
        shapes.add(shape);
        return !first.onlyFields || first.onlyFields.includes(f.name);
      });
      // The form is read again only when the last answer was accepted: there is a new version to start
      // from, or (for answers that cannot be given twice: an input request answered, a discharge, a
      // withdrawal) `open` makes a fresh record to answer.
      let current: { at: Source; values: FormValues } | undefined;
      for (const field of fields) {
        for (const value of strings) {
          if (!current) {
            const at = await open();
            const page = await sourcePage(at);
            const currentForm = findForm(page.html, at.action);
            if (!currentForm) {
              failures.push(`${key}: ${at.source} no longer has its form`);
              break;
            }
            current = { at, values: formDefaults(currentForm).values };
          }
          const c = clients.get(current.at.role)!;
          c.remoteAddress = `10.${cases % 200}.${(cases >> 8) % 200}.${cases % 250}`;
          const before = await fingerprint(db, patient.id);
          const response = await postValues(c, app, current.at.action, withValue(current.values, field.name, value));
          const what = `${key} field ${field.name}=${JSON.stringify(value.slice(0, 40))}`;
          check(what, response);
          if (response.status >= 400 && (await fingerprint(db, patient.id)) !== before)
            failures.push(`${what}: refused (${response.status}) but wrote`);
          if (response.status < 400) current = undefined;
          // Accepted markup is shown again where the answer led: it must be text there too.
          if (response.status === 303 && /[<{]/.test(value) && typeof response.headers.location === 'string')
            check(`${what}, then the page it led to`, await c.get(response.headers.location));
        }
      }
    }
    assert.deepEqual(
      failures.slice(0, 40),
      [],
      `${failures.length} failures in ${cases} cases (fast-check seed ${seed})`,
    );
    await sealAudit(db);
    assert.deepEqual((await verifyAuditChain(db)).breaks, [], 'the audit chain verifies after every hostile request');
    assert.ok(cases > 2000, `the matrix sent ${cases} cases`);
    process.stdout.write(
      `bad-input matrix, share ${share + 1} of ${of}: ${cases} cases (fast-check seed ${seed}, BAD_INPUT_SEED repeats it)\n`,
    );
  };
}

/** Everything written about the patient: counts and row versions of each clinical table. */
async function fingerprint(db: Db, patientId: string): Promise<string> {
  const tables = [
    'presentations',
    'assessments',
    'care_plans',
    'input_requests',
    'safety_plans',
    'record_versions',
    'record_events',
    'care_relationships',
    'follow_ups',
    'follow_up_attempts',
    'clinic_appointments',
    'referrals',
    'referral_conversations',
    'referral_messages',
    'escalations',
    'escalation_notes',
    'outbox_messages',
    'contact_preferences',
    'alerts',
  ];
  // One statement: a row added or changed anywhere moves its table's count or sum of row versions.
  const parts = tables.map(
    (t) =>
      sql`(SELECT count(*)::text || ':' || coalesce(sum(xmin::text::bigint), 0)::text FROM ${sql.table(t)} WHERE patient_id = ${patientId})`,
  );
  const r = await sql<{ f: string }>`SELECT concat_ws('|', ${sql.join(parts)}) AS f`.execute(db);
  return r.rows[0]!.f;
}

/** Percent-encoding that also sends a lone surrogate, as the invalid UTF-8 bytes a crafted URL can carry. */
function percentEncode(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff)
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    else out += encodeURIComponent(ch);
  }
  return out;
}
