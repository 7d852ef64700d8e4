import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type PresentationAnswers, parsePresentation } from './forms.ts';

const now = new Date('2026-07-10T12:00:00Z'); // 13:00 in London (summer time)
const day = (d: string, m: string, y: string) => ({ day: d, month: m, year: y });
const answers = (over: Partial<PresentationAnswers> = {}): PresentationAnswers => ({
  teamId: 'team-1',
  arrivedDate: day('10', '7', '2026'),
  arrivedTime: '02:15',
  methods: ['X60', 'X65'],
  leftDate: day('', '', ''),
  leftTime: '',
  outcome: '',
  ...over,
});

test('a good presentation becomes UTC times and ICD-10 codes', () => {
  const r = parsePresentation(
    answers({ leftDate: day('10', '7', '2026'), leftTime: '9.40', outcome: 'discharged' }),
    ['team-1'],
    now,
  );
  assert.ok(r.ok);
  assert.equal(r.value.arrivedAt.toISOString(), '2026-07-10T01:15:00.000Z');
  assert.equal(r.value.leftAt?.toISOString(), '2026-07-10T08:40:00.000Z');
  assert.deepEqual(r.value.methods, ['X60', 'X65']);
});

test('leaving before arriving, a future arrival, unknown methods and another team are each refused', () => {
  const before = parsePresentation(
    answers({ leftDate: day('10', '7', '2026'), leftTime: '01:00', outcome: 'admitted' }),
    ['team-1'],
    now,
  );
  assert.deepEqual(!before.ok && before.issues, { leftTime: 'Time of leaving must be after arrival' });
  const future = parsePresentation(answers({ arrivedTime: '13:30' }), ['team-1'], now);
  assert.deepEqual(!future.ok && future.issues, { arrivedTime: 'Arrival must be now or in the past' });
  const tomorrow = parsePresentation(answers({ arrivedDate: day('11', '7', '2026') }), ['team-1'], now);
  assert.deepEqual(!tomorrow.ok && tomorrow.issues, { arrivedDate: 'Date of arrival must be today or in the past' });
  const unknown = parsePresentation(answers({ methods: ['X60', 'Z99'] }), ['team-1'], now);
  assert.deepEqual(!unknown.ok && unknown.issues, { methods: 'Select methods from the list' });
  const none = parsePresentation(answers({ methods: [] }), ['team-1'], now);
  assert.deepEqual(!none.ok && none.issues, { methods: 'Select at least one method of self-harm' });
  const team = parsePresentation(answers(), ['team-2'], now);
  assert.deepEqual(!team.ok && team.issues, { teamId: 'Select the hospital the person attended' });
  const time = parsePresentation(answers({ arrivedTime: '25:00' }), ['team-1'], now);
  assert.match(!time.ok ? time.issues.arrivedTime! : '', /real time/);
});

test('property: the parser never throws, and what it accepts keeps the rules', () => {
  const s = fc.string({ maxLength: 6 });
  fc.assert(
    fc.property(
      s,
      s,
      s,
      s,
      s,
      s,
      s,
      s,
      fc.array(fc.constantFrom('X60', 'X78', 'X84', 'X99', '', '<b>'), { maxLength: 4 }),
      fc.constantFrom('', 'discharged', 'admitted', 'nonsense'),
      (d1, m1, y1, t1, d2, m2, y2, t2, methods, outcome) => {
        const r = parsePresentation(
          {
            teamId: 'team-1',
            arrivedDate: day(d1, m1, y1),
            arrivedTime: t1,
            methods,
            leftDate: day(d2, m2, y2),
            leftTime: t2,
            outcome,
          },
          ['team-1'],
          now,
        );
        if (r.ok) {
          assert.ok(r.value.arrivedAt <= now);
          if (r.value.leftAt) assert.ok(r.value.leftAt >= r.value.arrivedAt);
          assert.ok(r.value.methods.length > 0);
        } else assert.ok(Object.values(r.issues).every((m) => m.length > 0));
      },
    ),
  );
});
