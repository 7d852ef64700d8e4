import { patientParam } from '../../src/platform/http/input.ts';
import { definePage } from '../../src/platform/http/pages.ts';

// The ceiling page, GET /bench/ceiling/:patientId: the site layout with a summary list and a 60-row
// table from the shared partial, after the session and one primary-key read — the most a page of
// this product should cost. A page measured beside it in the same run is read as a multiple of it.
export const ceilingPage = definePage({
  method: 'GET',
  url: '/bench/ceiling/:patientId',
  permission: 'patient:read',
  audit: 'bench.ceiling',
  handler: async (request, reply, deps) => {
    const patient = await deps.db
      .selectFrom('patients')
      .select(['id', 'given_name', 'family_name', 'date_of_birth', 'nhs_number'])
      .where('id', '=', patientParam(request.params))
      .executeTakeFirstOrThrow();
    const rows = Array.from({ length: 60 }, (_, i) => [
      `2${i % 10} November 2026, 1${i % 10}:30`,
      `Entry ${i + 1} for ${patient.given_name}`,
      'A liaison practitioner',
      'Liaison psychiatry, Northbridge',
      i % 3 === 0 ? 'Done' : 'Due',
      { text: 'Open', href: `/patients/${patient.id}` },
    ]);
    return reply.page('platform/views/ceiling.njk', {
      title: `${patient.family_name}, ${patient.given_name}`,
      summary: [
        { key: { text: 'NHS number' }, value: { text: patient.nhs_number ?? 'Not known' } },
        { key: { text: 'Date of birth' }, value: { text: patient.date_of_birth } },
        { key: { text: 'Name' }, value: { text: `${patient.given_name} ${patient.family_name}` } },
      ],
      rows,
    });
  },
});
