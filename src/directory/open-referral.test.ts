import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fixedClock } from '#platform/clock.ts';
import { closeTestDatabase, testDatabase } from '../../test/support/database.ts';
import { makeTeam, makeUser } from '../../test/support/factories.ts';
import { demoServices, generateServices } from '../demo/directory.ts';
import {
  openReferralList,
  partId,
  serviceFromOpenReferral,
  servicesInFile,
  serviceToOpenReferral,
  VOCABULARY,
} from './open-referral.ts';
import { exportOpenReferral, importOpenReferral } from './service.ts';

// The directory in the Open Referral UK shape (HSDS 3.0 UK profile): what is exported reads back
// unchanged; a file in the profile's own shape that carries Onward's vocabularies imports; one
// without them, or with fields the profile does not have, wrong types or unknown codes, is refused
// with every reason; an import is all or nothing.

after(closeTestDatabase);

const withId = (i: number) => ({
  ...demoServices[i]!,
  id: `3f2b1c9e-8a4d-4e57-9b1a-0c2d3e4f5a${String(i).padStart(2, '0')}`,
});

test('every demo service, and a thousand generated ones, read back from the Open Referral shape unchanged', () => {
  for (const [i] of demoServices.entries()) {
    const s = withId(i);
    const read = serviceFromOpenReferral(JSON.parse(JSON.stringify(serviceToOpenReferral(s, 'Riverside Trust'))));
    assert.ok(read.ok, JSON.stringify(!read.ok && read.problems));
    const { id: _id, ...expected } = s;
    assert.deepEqual(read.service, expected, s.name);
  }
  for (const [i, s] of generateServices(1000, 3).entries()) {
    const read = serviceFromOpenReferral(serviceToOpenReferral({ ...s, id: partId('x', String(i)) }, null));
    assert.ok(read.ok, s.name);
    assert.deepEqual(read.service, s, s.name);
  }
});

test('the export is the profile’s shape: its required fields, its status words, uuid ids that stay the same', () => {
  const s = withId(5);
  const out = serviceToOpenReferral({ ...s, status: 'temporarily-closed' }, null);
  assert.equal(out.status, 'temporarily closed');
  assert.deepEqual(Object.keys(out.organization).sort(), ['description', 'id', 'name', 'organization_identifiers']);
  assert.equal(out.organization.name, `Provider ${s.providerOds}`);
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  for (const a of out.attributes) {
    assert.match(a.id, uuid);
    assert.ok(a.taxonomy_term.name && a.taxonomy_term.description, 'a term has its required name and description');
  }
  const address = out.service_at_locations![0]!.location.addresses[0]!;
  for (const required of ['id', 'address_1', 'city', 'state_province', 'postal_code', 'country', 'address_type'])
    assert.ok(required in address, required);
  assert.equal(address.postal_code, 'M8 4AA');
  assert.deepEqual(serviceToOpenReferral(s, null), serviceToOpenReferral(s, null), 'the same every time');
  const list = openReferralList([out]);
  assert.deepEqual(
    [list.total_items, list.total_pages, list.first_page, list.last_page, list.empty, list.contents.length],
    [1, 1, true, true, false, 1],
  );
  assert.deepEqual(servicesInFile(list), [out]);
  assert.deepEqual(servicesInFile([out]), [out]);
  assert.deepEqual(servicesInFile(out), [out]);
  assert.equal(servicesInFile('nonsense'), null);
});

/** A service as a publisher of the profile writes one (the profile's own example's fields), with Onward's vocabularies. */
const published = () => ({
  id: 'ac148810-d857-441c-9679-408f346de14b',
  organization_id: 'd9d5e0f5-d3ce-4c73-9b2f-1ec2bca5c2c6',
  name: 'Community Counselling',
  description: 'Free counselling for adults.',
  url: 'https://example.org/counselling',
  email: 'counselling@example.org',
  status: 'active',
  fees: 'Free',
  accreditations: 'BACP',
  minimum_age: 18,
  assured_date: '2024-01-31',
  last_modified: '2024-02-01T09:30:00.000Z',
  organization: {
    id: 'd9d5e0f5-d3ce-4c73-9b2f-1ec2bca5c2c6',
    name: 'Example Charity',
    description: 'A local charity',
    website: 'https://example.org',
    organization_identifiers: [
      {
        id: 'b7e6d5c4-3b2a-4190-8f7e-6d5c4b3a2910',
        identifier_scheme: 'GB-CHC',
        identifier_type: 'Charity number',
        identifier: '1234567',
      },
      {
        id: 'b7e6d5c4-3b2a-4190-8f7e-6d5c4b3a2911',
        identifier_scheme: 'GB-NHS',
        identifier_type: 'ODS code',
        identifier: 'y02345',
      },
    ],
  },
  contacts: [{ id: 'c1', service_id: 'ac148810', name: 'Ann Persona', title: 'Reception Manager' }],
  schedules: [
    {
      id: 's1',
      freq: 'WEEKLY',
      byday: 'MO,TU,WE,TH,FR',
      opens_at: '09:00:00',
      closes_at: '17:00:00',
      description: 'Weekdays 9am to 5pm',
    },
  ],
  service_areas: [
    { id: 'a1', name: 'Postcode district M8', extent_type: 'postcode_district', service_area: 'm8' },
    { id: 'a2', name: 'Somewhere', extent_type: 'geojson', extent: '{}' },
  ],
  languages: [{ id: 'l1' }],
  funding: [{ id: 'f1', source: 'Local council grant' }],
  cost_options: [{ id: 'o1', option: 'Adults', amount: 0 }],
  service_at_locations: [
    {
      id: 'sl1',
      location: {
        id: 'loc1',
        location_type: 'physical',
        name: 'Civic Centre',
        addresses: [
          {
            id: 'ad1',
            address_1: '1 Main Street',
            city: 'Riverside',
            state_province: 'Greater Manchester',
            postal_code: 'M8 1AA',
            country: 'GB',
            address_type: 'physical',
          },
        ],
      },
    },
  ],
  attributes: [
    {
      id: 't1',
      taxonomy_term: {
        id: 'tt1',
        name: 'Counselling',
        description: 'Counselling services',
        taxonomy: 'esdServiceTypes',
        term_uri: 'http://id.esd.org.uk/service/1',
      },
    },
    {
      id: 't2',
      taxonomy_term: {
        id: 'tt2',
        name: 'voluntary-sector',
        description: 'Kind',
        taxonomy: VOCABULARY.kind,
        term: 'voluntary-sector',
      },
    },
    {
      id: 't3',
      taxonomy_term: {
        id: 'tt3',
        name: 'Phone',
        description: 'How to refer',
        taxonomy: VOCABULARY.route,
        term: 'online-form',
      },
    },
    {
      id: 't4',
      taxonomy_term: {
        id: 'tt4',
        name: 'Excludes: Drug use',
        description: 'Not while <b>using</b>',
        taxonomy: VOCABULARY.excludes,
        term: 'drug-use',
      },
    },
    {
      id: 't5',
      taxonomy_term: {
        id: 'tt5',
        name: 'How to contact the person',
        description: 'Asked for',
        taxonomy: VOCABULARY.mustContain,
        term: '1',
      },
    },
    {
      id: 't6',
      taxonomy_term: { id: 'tt6', name: '3 weeks', description: 'Wait', taxonomy: VOCABULARY.waitWeeks, term: '3' },
    },
  ],
});

test('a file in the profile’s published shape imports: known fields Onward does not use are left, markup kept as text', () => {
  const read = serviceFromOpenReferral(published());
  assert.ok(read.ok, JSON.stringify(!read.ok && read.problems));
  assert.deepEqual(read.service, {
    name: 'Community Counselling',
    providerOds: 'Y02345',
    kind: 'voluntary-sector',
    status: 'active',
    catchment: { districts: ['M8'], practices: [] },
    ages: { min: 18, max: null },
    criteria: [{ code: 'drug-use', kind: 'exclusion', text: 'Not while <b>using</b>' }],
    referralMustContain: ['How to contact the person'],
    route: 'online-form',
    phone: null,
    secureEmail: 'counselling@example.org',
    address: '1 Main Street, Riverside, Greater Manchester, M8 1AA',
    openingTimes: 'Weekdays 9am to 5pm',
    waitWeeks: 3,
    responseDays: null,
  });
});

test('a service that is not the profile’s, or lacks what a referral needs, is refused with every reason', () => {
  const p = published();
  const { attributes: _a, ...bare } = p;
  const withoutOurs = serviceFromOpenReferral({
    ...bare,
    organization: { ...p.organization, organization_identifiers: [] },
  });
  assert.deepEqual(!withoutOurs.ok && withoutOurs.problems, [
    `the kind of service is missing or unknown (an attribute in ${VOCABULARY.kind})`,
    `how to refer is missing or unknown (an attribute in ${VOCABULARY.route})`,
    'the provider has no ODS code (an organisation identifier of type "ODS code")',
  ]);
  const unknownFields = serviceFromOpenReferral({
    ...p,
    wait_time: '2 weeks',
    organization: { ...p.organization, tax_id: '1' },
  });
  assert.deepEqual(!unknownFields.ok && unknownFields.problems, [
    'organization has a field the profile does not: tax_id',
    'the service has a field the profile does not: wait_time',
  ]);
  const wrongTypes = serviceFromOpenReferral({
    ...p,
    name: 12,
    minimum_age: 'eighteen',
    status: 'open',
    email: 'nope',
  });
  assert.ok(!wrongTypes.ok);
  const problems = wrongTypes.problems.join('\n');
  for (const field of ['name', 'minimum_age', 'status must be active', 'email is not an email address'])
    assert.match(problems, new RegExp(field), field);
  const unknownCode = serviceFromOpenReferral({
    ...p,
    attributes: [
      ...p.attributes,
      {
        id: 'x',
        taxonomy_term: {
          id: 'x',
          name: 'Excludes: anger',
          description: '',
          taxonomy: VOCABULARY.excludes,
          term: 'anger',
        },
      },
      {
        id: 'y',
        taxonomy_term: { id: 'y', name: 'soon', description: '', taxonomy: VOCABULARY.waitWeeks, term: 'soon' },
      },
    ],
  });
  assert.ok(!unknownCode.ok);
  assert.match(unknownCode.problems.join('\n'), /“anger” is not one of Onward’s criteria/);
  for (const junk of [null, 'a service', 42, [], { name: 'x' }]) assert.equal(serviceFromOpenReferral(junk).ok, false);
});

test('an import is all or nothing: one bad service of four writes nothing and names every problem; the export reads back', async () => {
  const { db } = await testDatabase();
  const admin = await makeUser(db, { role: 'administrator', teamIds: [await makeTeam(db, 'administration')] });
  const by = { id: admin.id, role: 'administrator' };
  const deps = { db, clock: fixedClock('2026-12-02T10:00:00Z') };
  const mark = Math.random().toString(36).slice(2, 8);
  const good = [0, 1, 2].map((i) =>
    serviceToOpenReferral({ ...withId(i), name: `${demoServices[i]!.name} ${mark}` }, null),
  );
  const upsideDown = serviceToOpenReferral(
    {
      ...withId(3),
      name: `Upside down ${mark}`,
      ages: { min: 65, max: 18 },
      catchment: { districts: ['M8', 'M8', 'NOTAPOSTCODE'], practices: [] },
    },
    null,
  );
  const count = async () =>
    (await db.selectFrom('healthcare_services').select('id').where('name', 'like', `%${mark}%`).execute()).length;
  const refused = await importOpenReferral(deps, by, openReferralList([...good, upsideDown]));
  assert.equal(refused.ok, false);
  const problems = !refused.ok ? refused.problems : [];
  assert.ok(
    problems.every((p) => p.startsWith(`Service 4 (Upside down ${mark})`)),
    problems.join('\n'),
  );
  assert.match(problems.join('\n'), /oldest age must be the same as or more than the youngest/);
  assert.match(problems.join('\n'), /Each postcode district is listed once/);
  assert.match(problems.join('\n'), /“NOTAPOSTCODE” is not a postcode district/);
  assert.equal(await count(), 0, 'nothing half-imported');
  assert.deepEqual(await importOpenReferral(deps, by, { contents: [] }), {
    ok: false,
    problems: ['The file has no services in it'],
  });
  assert.equal((await importOpenReferral(deps, by, 'text')).ok, false);

  assert.deepEqual(await importOpenReferral(deps, by, openReferralList(good)), { ok: true, imported: 3 });
  assert.equal(await count(), 3);
  const exported = await exportOpenReferral(db);
  const mine = exported.contents.filter((s) => s.name.endsWith(mark));
  assert.equal(mine.length, 3);
  for (const s of mine) {
    const read = serviceFromOpenReferral(JSON.parse(JSON.stringify(s)));
    assert.ok(read.ok);
    const original = demoServices.find((d) => `${d.name} ${mark}` === s.name)!;
    assert.deepEqual(read.service, { ...original, name: s.name });
  }
});
