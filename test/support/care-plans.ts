import assert from 'node:assert/strict';
import { sectionKeys } from '../../src/assessments/model.ts';
import type { Queue } from '../../src/notify/queue.ts';
import { testApp } from './app.ts';
import { Client } from './client.ts';
import { makePatient, makePresentation, makeTeam, makeUser, PASSWORD } from './factories.ts';
import { assessedAt } from './forms.ts';

// A care plan's test world: a person with a finalised assessment and its care plan started, as a
// practitioner gets there through the pages; and a plan's worth of goals and actions.

const full = Object.fromEntries(sectionKeys.map((k) => [k, `${k} written with the person`]));

/** A patient with a finalised assessment and its care plan started, as a practitioner would get there. */
export async function world(o: { queue?: Queue; gpPracticeOds?: string } = {}) {
  const t = await testApp({ queue: o.queue });
  const team = await makeTeam(t.db);
  const practitioner = await makeUser(t.db, { role: 'liaison-practitioner', teamIds: [team] });
  const pharmacist = await makeUser(t.db, { role: 'mdt-contributor', discipline: 'pharmacist', teamIds: [team] });
  const patient = await makePatient(t.db, {
    teamId: team,
    givenName: 'Robin',
    ...(o.gpPracticeOds ? { gpPracticeOds: o.gpPracticeOds } : {}),
  });
  const presentation = await makePresentation(t.db, {
    patientId: patient.id,
    teamId: team,
    recordedBy: practitioner.id,
  });
  const client = new Client(t.app);
  await client.signIn(practitioner.username, PASSWORD);
  await client.get(`/patients/${patient.id}`);
  const assessment = (await client.post(`/patients/${patient.id}/assessments`, { presentationId: presentation }))
    .headers.location as string;
  await client.get(assessment);
  assert.equal(
    (await client.post(assessment, { version: '1', action: 'finalise', ...full, ...assessedAt() })).status,
    303,
  );
  await client.get(assessment);
  const started = await client.post(`/patients/${patient.id}/care-plans`, {
    assessmentId: assessment.split('/').pop()!,
  });
  assert.equal(started.status, 303);
  const plan = started.headers.location as string;
  return { ...t, team, practitioner, pharmacist, patient, client, plan, planId: plan.split('/').pop()! };
}
export type World = Awaited<ReturnType<typeof world>>;

export const item = (i: number, kind: string, text: string, owner: string, d: string, m: string, y: string) => ({
  [`item-${i}-kind`]: kind,
  [`item-${i}-text`]: text,
  [`item-${i}-owner`]: owner,
  [`item-${i}-due[day]`]: d,
  [`item-${i}-due[month]`]: m,
  [`item-${i}-due[year]`]: y,
});

export const goodPlan = (version: string) => ({
  version,
  rows: '3',
  summary: 'Robin wants to get back to work and to sleep better.',
  ...item(0, 'goal', 'Sleep through most nights', 'Robin', '20', '12', '2026'),
  ...item(1, 'action', 'Review medicines that affect sleep', 'Liaison pharmacist', '27', '11', '2026'),
  ...item(2, 'action', '', '', '', '', ''),
});
