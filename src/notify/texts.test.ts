import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fill, neverSaid, type PersonKind, personalisationFor, plainValue, spokenWhen, templates } from './texts.ts';

// What a text or email to the person may say, whatever the record holds: never why they were in
// hospital, never the service unless they agreed, never markup or a link smuggled in a name.

const kinds = Object.keys(templates) as PersonKind[];

test('whatever the facts, a message names the service and its place only where the person agreed, and never says why', () => {
  fc.assert(
    fc.property(
      fc.record({
        // Never holding the marker itself: a name "Zq" is not the service named.
        givenName: fc.string({ maxLength: 80 }).filter((s) => !/zq/i.test(s)),
        // Marked (Zq…), so finding it in the words means it was put there, not that a template word matched.
        serviceName: fc.string({ maxLength: 60 }).map((s) => `Zq${s.replace(/[^A-Za-z ]/g, '')}Service`),
        nameServices: fc.boolean(),
        how: fc.constantFrom('in-person' as const, 'phone' as const, 'video' as const),
        place: fc.string({ maxLength: 80 }).map((s) => `Zq${s.replace(/[^A-Za-z0-9 ,]/g, '')}Place`),
        at: fc.date({ min: new Date('2026-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
        kind: fc.constantFrom(...kinds),
      }),
      (f) => {
        const p = personalisationFor({ ...f, appointment: { at: f.at, how: f.how, place: f.place } });
        const text = fill(templates[f.kind].body, p);
        const serviceWords = plainValue(f.serviceName, 120);
        const placeWords = plainValue(f.place, 200);
        if (!f.nameServices) {
          assert.ok(!text.includes(serviceWords), text);
          assert.ok(!text.includes(placeWords), text);
          assert.ok(!text.includes('Zq'), text);
        }
        // Nothing clinical, unless the person's own name or a service they agreed to name says it.
        const given = `${f.givenName} ${f.nameServices ? `${f.serviceName} ${f.place}` : ''}`.toLowerCase();
        for (const word of neverSaid) if (!given.includes(word)) assert.ok(!text.toLowerCase().includes(word), text);
        assert.doesNotMatch(text, /\(\([a-z_]+\)\)/, 'every placeholder filled');
        for (const value of Object.values(p))
          assert.doesNotMatch(value, /[<>[\]()\n]/, 'no markup, links or new lines');
      },
    ),
  );
});

test('the words as the person reads them', () => {
  const at = new Date('2026-12-08T14:30:00Z');
  assert.equal(spokenWhen(at), 'Tuesday 8 December at 2:30pm');
  assert.equal(spokenWhen(new Date('2026-07-08T08:05:00Z')), 'Wednesday 8 July at 9:05am', 'in UK time, summer too');
  const named = personalisationFor({
    givenName: 'Sam [click](http://x.test)',
    serviceName: 'Kestrel Talking Therapies',
    nameServices: true,
    appointment: { at, how: 'in-person', place: 'Kestrel House, 1 High St' },
  });
  assert.equal(
    fill(templates['appointment-booked'].body, named),
    'Hello Sam clickhttpxtest, Kestrel Talking Therapies has booked an appointment for you on Tuesday 8 December at 2:30pm. It is at Kestrel House, 1 High St. If you cannot go, please tell them. If you need help before then, call NHS 111 and choose option 2, or 999 in an emergency.',
  );
  const facts = { givenName: '', serviceName: 'Kestrel Talking Therapies', nameServices: false };
  const unnamed = personalisationFor({ ...facts, appointment: { at, how: 'phone', place: null } });
  assert.equal(unnamed.first_name, 'there');
  assert.equal(unnamed.service, 'the service you were referred to');
  assert.equal(unnamed.where, 'They will phone you.');
  assert.equal(personalisationFor(facts).when, '');
  assert.equal(
    personalisationFor({ ...facts, serviceName: 'see http://evil.test/x', nameServices: true }).service,
    'see evil.test/x',
  );
});

test('docs/notify-templates.md holds each template exactly as the code fills it', async () => {
  const { readFile } = await import('node:fs/promises');
  const doc = await readFile(new URL('../../docs/notify-templates.md', import.meta.url), 'utf8');
  for (const kind of kinds) {
    assert.ok(doc.includes(`> ${templates[kind].body}`), `${kind}'s words`);
    assert.ok(doc.includes(`**${templates[kind].subject}**`), `${kind}'s subject`);
  }
});
