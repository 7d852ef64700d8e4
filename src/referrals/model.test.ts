import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { niceConflicts } from '../directory/model.ts';
import { checkComplete, draftLetter, type LetterFacts, niceSentence, toLetter, withText } from './model.ts';

const facts = (over: Partial<LetterFacts> = {}): LetterFacts => ({
  givenName: 'Sam',
  hospitalName: 'Salford Royal',
  arrivedOn: '24 November 2026',
  assessedOn: '25 November 2026',
  assessment: {
    whatHappened: 'An overdose after losing work.',
    wants: 'Someone to talk to.',
    mentalHealth: 'Low mood for a year; no previous care.',
    physicalHealth: 'Asthma.',
    alcoholDrugs: 'Drinks most nights.',
    social: 'Rent arrears; may lose the flat.',
    relationships: 'A sister nearby.',
    strengths: 'Loves football.',
    formulation: 'Money worries and drinking make things worse; his sister helps.',
  },
  needs: ['Low mood or anxiety', 'Money or debt'],
  wantsInTheirWords: 'I want to sort the money out and talk to someone',
  phone: '07700 900123',
  consentSentence: 'They agreed in person on 25 November 2026.',
  service: { name: 'Riverside Talking Therapies', mustContain: [], conflicts: [] },
  ...over,
});

test('a letter always says why and what the person wants, in their words; the reason names the needs', () => {
  const letter = draftLetter(facts());
  const [reason, wants] = letter.sections;
  assert.equal(reason!.heading, 'Why we are referring');
  assert.equal(
    reason!.text,
    'Sam came to Salford Royal on 24 November 2026 after self-harm. We assessed Sam on 25 November 2026. We are asking for your help with: low mood or anxiety and money or debt.',
  );
  assert.equal(wants!.text, 'I want to sort the money out and talk to someone');
  assert.ok(reason!.required && wants!.required);
  // Without the confirmed words, the assessment's own section.
  assert.equal(draftLetter(facts({ wantsInTheirWords: '' })).sections[1]!.text, 'Someone to talk to.');
  assert.equal(letter.nice, null);
});

test('each item the service asks for is a required section in its words, drafted only from what the record holds', () => {
  const mustContain = [
    'Reason for referral',
    'Psychiatric history',
    'Current medication',
    'What the person uses and how much',
    'Who is supporting the person now',
    'How to contact the person',
    'Consent to refer',
    'What they enjoy',
  ];
  const letter = draftLetter(facts({ service: { name: 'X', mustContain, conflicts: [] } }));
  const asked = letter.sections.filter((s) => s.key.startsWith('asked-'));
  // "Reason for referral" is the letter's first section already, not a second one.
  assert.deepEqual(
    asked.map((s) => [s.heading, s.text]),
    [
      ['Psychiatric history', 'Low mood for a year; no previous care.'],
      ['Current medication', ''],
      ['What the person uses and how much', 'Drinks most nights.'],
      ['Who is supporting the person now', 'A sister nearby.'],
      ['How to contact the person', 'Phone: 07700 900123'],
      ['Consent to refer', 'They agreed in person on 25 November 2026.'],
      ['What they enjoy', 'Loves football.'],
    ],
  );
  assert.ok(asked.every((s) => s.required));
  // No number on the record: the contact section starts empty and the check names it.
  const noPhone = draftLetter(facts({ phone: null, service: { name: 'X', mustContain, conflicts: [] } }));
  assert.deepEqual(
    checkComplete(noPhone, 'X').map((p) => p.message),
    [
      'Write “Current medication”: X asks for it in every referral',
      'Write “How to contact the person”: X asks for it in every referral',
    ],
  );
});

test('the completeness check names every empty required section and nothing else', () => {
  const letter = draftLetter(
    facts({ wantsInTheirWords: '', assessment: { ...facts().assessment, wants: '', whatHappened: '' } }),
  );
  const problems = checkComplete(letter, 'Riverside');
  assert.deepEqual(problems, [
    { field: 'section-1', message: 'Write “What Sam wants, in their own words”: every referral needs it' },
  ]);
  // Blank space is not writing.
  const blank = withText(
    letter,
    letter.sections.map((s, i) => (i === 1 ? ' \n ' : s.text)),
    true,
  );
  assert.equal(checkComplete(blank, 'Riverside').length, 1);
  const written = withText(
    letter,
    letter.sections.map((s, i) => (i === 1 ? 'To stay at home' : s.text)),
    true,
  );
  assert.deepEqual(checkComplete(written, 'Riverside'), []);
});

test('a change keeps the sections’ headings and whether they are required: only the words are the writer’s', () => {
  fc.assert(
    fc.property(fc.array(fc.string(), { maxLength: 12 }), fc.boolean(), (texts, keep) => {
      const letter = draftLetter(facts({ service: { name: 'X', mustContain: ['A', 'B'], conflicts: [] } }));
      const changed = withText(letter, texts, keep);
      assert.equal(changed.sections.length, letter.sections.length);
      changed.sections.forEach((s, i) => {
        assert.equal(s.heading, letter.sections[i]!.heading);
        assert.equal(s.required, letter.sections[i]!.required);
        assert.equal(s.text, texts[i] ?? letter.sections[i]!.text);
      });
      // Without a NICE sentence, there is nothing to keep.
      assert.equal(changed.keepNice, false);
    }),
  );
});

test('a service whose criteria conflict with NICE NG225 gets a sentence naming the guidance, which the writer may drop', () => {
  const conflicts = niceConflicts({
    kind: 'talking-therapies',
    ages: { min: 18, max: null },
    criteria: [
      { code: 'self-harm-current', kind: 'exclusion', text: 'Active self-harm' },
      { code: 'risk-high', kind: 'exclusion', text: 'High risk' },
    ],
  });
  const sentence = niceSentence('Sam', conflicts)!;
  assert.match(sentence, /^Your published criteria include self-harm now or recently and judged high risk\./);
  assert.match(sentence, /NICE guideline NG225/);
  assert.match(sentence, /We are referring Sam to you because your service meets their needs/);
  assert.equal(niceSentence('Sam', []), null);
  const letter = draftLetter(facts({ service: { name: 'X', mustContain: [], conflicts } }));
  assert.equal(letter.nice, sentence);
  assert.equal(letter.keepNice, true);
  assert.equal(withText(letter, [], false).keepNice, false);
});

test('a stored letter is read back with only well-formed sections', () => {
  const letter = draftLetter(facts());
  assert.deepEqual(toLetter(JSON.stringify(letter)), letter);
  assert.deepEqual(toLetter({ sections: [{ key: 1 }, null, 'x'], nice: 3, keepNice: 'yes' }), {
    sections: [],
    nice: null,
    keepNice: false,
  });
  assert.deepEqual(toLetter(null), { sections: [], nice: null, keepNice: false });
});
