import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { openMemory, openPostgres } from '#platform/db/connect.ts';
import { migrateToLatest } from '#platform/db/migrate.ts';
import { isValidNhsNumber } from '../patients/model.ts';
import { AlreadySeeded, seedDemo } from './service.ts';

// Seeding needs an empty database, so this test makes its own on whichever engine is under test.
async function emptyDatabase() {
  const url = process.env.DATABASE_URL;
  if (!url) return { connection: await openMemory(), drop: async () => {} };
  const name = `onward_seed_test_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const connection = await openPostgres(target.toString(), 2);
  return {
    connection,
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.end();
    },
  };
}

test('the demo ICS: three hospitals with liaison teams, receiving services, a user for every role, patients in care', async () => {
  const { connection, drop } = await emptyDatabase();
  try {
    await migrateToLatest(connection);
    const report = await seedDemo(connection, {
      seed: 9,
      patients: 1200,
      population: 800,
      asOf: new Date('2026-06-01T12:00:00Z'),
      passwordHashCost: 10,
    });
    assert.equal(report.patients, 1200);
    // The register holds everyone: the patients and the people in nobody's care.
    assert.equal(report.register, 2000);
    const register = await sql<{ n: number; patients: number }>`SELECT count(*)::int AS n,
      count(*) FILTER (WHERE nhs_number IN (SELECT nhs_number FROM patients))::int AS patients
      FROM population_register`.execute(connection.db);
    assert.deepEqual(register.rows[0], { n: 2000, patients: 1200 });
    const db = connection.db;
    const liaison = await db.selectFrom('teams').select('name').where('kind', '=', 'liaison-psychiatry').execute();
    assert.equal(liaison.length, 3);
    const kinds = new Set((await db.selectFrom('teams').select('kind').execute()).map((t) => t.kind));
    for (const k of [
      'talking-therapies',
      'crisis-home-treatment',
      'community-mental-health',
      'drug-alcohol',
      'voluntary-sector',
    ]) {
      assert.ok(kinds.has(k), k);
    }
    const roles = new Set((await db.selectFrom('users').select('role').execute()).map((u) => u.role));
    assert.equal(roles.size, 7);
    const patients = await db
      .selectFrom('patients')
      .select(['nhs_number', 'date_of_birth', 'identity'])
      .where('identity', '=', 'traced')
      .execute();
    assert.equal(patients.length, 1200);
    assert.ok(patients.every((p) => p.nhs_number && isValidNhsNumber(p.nhs_number)));
    assert.equal(typeof patients[0]!.date_of_birth, 'string');
    // The front door's examples: three people a team also registered untraced, for the merge to find.
    const unverified = await sql<{ n: number; twins: number }>`SELECT count(*)::int AS n,
      count(*) FILTER (WHERE EXISTS (SELECT 1 FROM patients t WHERE t.identity = 'traced'
        AND t.family_name = u.family_name AND t.date_of_birth = u.date_of_birth))::int AS twins
      FROM patients u WHERE identity = 'unverified'`.execute(db);
    assert.deepEqual(unverified.rows[0], { n: 9, twins: 9 });
    const starts = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM care_relationships WHERE started_by IS NOT NULL`.execute(db);
    assert.ok(starts.rows[0]!.n > 9, 'recent care starts are shown as decisions');
    const care = await sql<{
      n: number;
    }>`SELECT count(DISTINCT patient_id)::int AS n FROM care_relationships WHERE ended_at IS NULL`.execute(db);
    assert.equal(care.rows[0]!.n, 1209);
    // Everyone in care came through the emergency department; about one in five more than once.
    const visits = await sql<{ people: number; total: number; poisoning: number; bad: number }>`
      SELECT count(DISTINCT patient_id)::int AS people, count(*)::int AS total,
        count(*) FILTER (WHERE methods[1] < 'X70')::int AS poisoning,
        count(*) FILTER (WHERE left_at < arrived_at OR left_at > ${new Date('2026-06-01T12:00:00Z')})::int AS bad
      FROM presentations`.execute(db);
    const v = visits.rows[0]!;
    assert.equal(v.people, 1200);
    assert.equal(v.total, report.presentations);
    assert.ok(v.total > 1300 && v.total < 1600, `${v.total} presentations`);
    assert.ok(v.poisoning / v.total > 0.7 && v.poisoning / v.total < 0.9);
    assert.equal(v.bad, 0);

    // Assessments, care plans and safety plans at realistic rates, internally consistent.
    const rec = await sql<Record<string, number>>`
      SELECT
        (SELECT count(*)::int FROM presentations WHERE outcome <> 'left-before-assessment') AS seeable,
        (SELECT count(*)::int FROM assessments WHERE status = 'final') AS assessed,
        (SELECT count(*)::int FROM assessments a JOIN presentations p ON p.id = a.presentation_id
           WHERE p.outcome = 'left-before-assessment' OR a.finalised_at > p.left_at
              OR a.follow_up_due_at <> a.finalised_at + interval '48 hours') AS inconsistent,
        (SELECT count(*)::int FROM care_plans) AS plans,
        (SELECT count(*)::int FROM care_plans WHERE agreed_version IS NOT NULL) AS agreed,
        (SELECT count(*)::int FROM care_plans WHERE shared_at > ${new Date('2026-06-01T12:00:00Z')}
           OR agreed_at > ${new Date('2026-06-01T12:00:00Z')}) AS future,
        (SELECT count(*)::int FROM safety_plans) AS safety,
        (SELECT count(*)::int FROM input_requests) AS asked,
        (SELECT count(*)::int FROM record_versions) AS versions`.execute(db);
    const r = rec.rows[0]!;
    assert.equal(r.assessed, report.assessments);
    assert.ok(
      r.assessed! / r.seeable! > 0.5 && r.assessed! / r.seeable! < 0.75,
      `${r.assessed} of ${r.seeable} assessed`,
    );
    assert.equal(r.inconsistent, 0);
    assert.ok(r.plans! / r.assessed! > 0.75 && r.plans! / r.assessed! < 0.95);
    assert.ok(r.agreed! / r.plans! > 0.65 && r.agreed! / r.plans! < 0.9);
    assert.equal(r.future, 0);
    assert.ok(r.safety! > 0.4 * r.assessed! * (1200 / report.presentations) && r.safety! <= 1200);
    assert.ok(r.asked! > 0, 'some plans asked a colleague for input');
    assert.equal(r.versions, r.assessed! + r.plans! + r.safety!);
    // The directory: the demo's services, with the NICE conflicts real directories have.
    const services = await db
      .selectFrom('healthcare_services')
      .select(['name', 'criteria', 'kind', 'age_max'])
      .execute();
    assert.ok(services.length >= 12, `${services.length} services`);
    const versions = await db.selectFrom('healthcare_service_versions').select('version').execute();
    assert.equal(versions.length, services.length);
    // Each team's clinic: five sessions, two who did not attend yesterday, people booked ahead.
    const clinic = await sql<{ team_id: string; sessions: number; missed: number; booked: number; off: number }>`
      SELECT s.team_id, count(DISTINCT s.id)::int AS sessions,
        count(a.id) FILTER (WHERE a.state = 'did-not-attend')::int AS missed,
        count(a.id) FILTER (WHERE a.state = 'booked' AND a.starts_at > ${new Date('2026-06-01T12:00:00Z')})::int AS booked,
        count(a.id) FILTER (WHERE extract(epoch FROM a.starts_at - s.starts_at)::int % 1800 <> 0
          OR a.starts_at >= s.ends_at)::int AS off
      FROM clinic_sessions s LEFT JOIN clinic_appointments a ON a.session_id = s.id GROUP BY s.team_id`.execute(db);
    assert.equal(clinic.rows.length, 3);
    for (const c of clinic.rows) {
      assert.equal(c.sessions, 5);
      assert.ok(c.missed >= 1 && c.missed <= 2, `${c.missed} did not attend`);
      assert.ok(c.booked >= 1, `${c.booked} booked ahead`);
      assert.equal(c.off, 0, 'every appointment is in a slot');
    }
    // The closed loop at realistic rates: about a quarter not accepted, Talking Therapies refusing some
    // for self-harm or risk and the crisis team as not unwell enough; people stuck between services
    // flagged by the rule; escalations open and resolved; gaps for the register.
    const loop = await sql<Record<string, number>>`SELECT count(*)::int AS sent,
        count(*) FILTER (WHERE r.stage = 'rejected')::int AS rejected,
        count(*) FILTER (WHERE r.stage = 'rejected' AND s.kind = 'talking-therapies'
          AND r.rejection_reason IN ('self-harm', 'risk-too-high'))::int AS too_risky,
        count(*) FILTER (WHERE r.stage = 'rejected' AND s.kind = 'crisis-home-treatment'
          AND r.rejection_reason = 'not-severe-enough')::int AS not_unwell,
        count(*) FILTER (WHERE r.stage IN ('accepted', 'booked', 'attended', 'did-not-attend', 'completed'))::int AS taken_on,
        (SELECT count(*)::int FROM hard_place_flags WHERE cleared_at IS NULL) AS flagged,
        (SELECT count(*)::int FROM escalations WHERE status = 'resolved') AS resolved,
        (SELECT count(*)::int FROM escalations WHERE status <> 'resolved') AS open
      FROM referrals r JOIN healthcare_services s ON s.id = r.service_id WHERE r.sent_at IS NOT NULL`.execute(db);
    const l = loop.rows[0]!;
    assert.equal(report.referrals, l.sent! - 3, 'the loop demo’s, beside one sent letter per team');
    assert.ok(l.rejected! / l.sent! > 0.12 && l.rejected! / l.sent! < 0.4, JSON.stringify(l));
    assert.ok(l.too_risky! > 0 && l.not_unwell! > 0 && l.taken_on! > l.rejected!, JSON.stringify(l));
    assert.ok(l.flagged! > 0 && l.flagged === report.flagged, JSON.stringify(l));
    assert.ok(l.resolved! > 0 && l.open! > 0, JSON.stringify(l));
    // The outbox: the recent letters to services taking secure email, most sent, each kind of trouble once a team.
    const sent = await sql<{
      state: string;
      n: number;
    }>`SELECT state, count(*)::int AS n FROM outbox_messages GROUP BY state`.execute(db);
    const byState = Object.fromEntries(sent.rows.map((r) => [r.state, r.n]));
    assert.equal(
      report.messages,
      Object.values(byState).reduce((a, b) => a + b, 0),
    );
    assert.ok(
      byState.sent! > byState.failed! && byState.dead! >= 1 && byState.uncertain! >= 1,
      JSON.stringify(byState),
    );
    // Alerts: referrals refused, answers to questions, and the 48-hour clock, for the people who act on them.
    const alertKinds = await sql<{
      kind: string;
      n: number;
    }>`SELECT kind, count(*)::int AS n FROM alerts GROUP BY kind`.execute(db);
    const alertsByKind = Object.fromEntries(alertKinds.rows.map((r) => [r.kind, r.n]));
    assert.equal(
      report.alerts,
      Object.values(alertsByKind).reduce((a, b) => a + b, 0),
    );
    assert.ok(
      alertsByKind['referral-rejected']! > 0 && alertsByKind['follow-up-breached']! > 0,
      JSON.stringify(alertsByKind),
    );
    // Texts and emails to people whose referrals were accepted, as Notify's receipts left them.
    assert.ok(byState.delivered! > byState.undelivered! && byState.undelivered! >= 1, JSON.stringify(byState));
    await assert.rejects(
      seedDemo(connection, { seed: 9, patients: 1, asOf: new Date(), passwordHashCost: 10 }),
      AlreadySeeded,
    );
  } finally {
    await connection.close();
    await drop();
  }
});

test('a seed that fails part-way leaves nothing behind', async () => {
  const { connection, drop } = await emptyDatabase();
  try {
    await migrateToLatest(connection);
    // A constraint some generated patients break, after the organisations, teams and users are
    // in: the whole seed must roll back.
    await sql`ALTER TABLE patients ADD CONSTRAINT test_refuse CHECK (postcode NOT LIKE 'WN5 %')`.execute(connection.db);
    await assert.rejects(
      seedDemo(connection, { seed: 2, patients: 2000, asOf: new Date('2026-06-01T12:00:00Z'), passwordHashCost: 10 }),
    );
    const left = await sql<{
      o: number;
      p: number;
    }>`SELECT (SELECT count(*)::int FROM organisations) AS o, (SELECT count(*)::int FROM patients) AS p`.execute(
      connection.db,
    );
    assert.deepEqual(left.rows[0], { o: 0, p: 0 });
  } finally {
    await connection.close();
    await drop();
  }
});
