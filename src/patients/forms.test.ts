import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseNameSearch, parseNhsNumberSearch } from './forms.ts';

const today = '2026-11-25';
const dob = (day: string, month: string, year: string) => ({ day, month, year });

test('an NHS number search accepts spaces and refuses a wrong check digit with a clear message', () => {
  assert.deepEqual(parseNhsNumberSearch({ nhsNumber: ' 943 476 5919 ' }), {
    ok: true,
    value: { by: 'nhs-number', nhsNumber: '9434765919' },
  });
  const wrong = parseNhsNumberSearch({ nhsNumber: '9434765918' });
  assert.equal(wrong.ok, false);
  assert.match(!wrong.ok ? wrong.issues.nhsNumber! : '', /valid NHS number/);
  assert.deepEqual(parseNhsNumberSearch({ nhsNumber: '' }), {
    ok: false,
    issues: { nhsNumber: 'Enter an NHS number' },
  });
});

test('a name search needs a last name and a real date of birth in the past', () => {
  assert.deepEqual(
    parseNameSearch({ familyName: "O'Neill", givenName: 'Siân', dateOfBirth: dob('7', '3', '1990') }, today),
    {
      ok: true,
      value: { by: 'name', familyName: "O'Neill", givenName: 'Siân', dateOfBirth: '1990-03-07' },
    },
  );
  const problems = parseNameSearch({ familyName: '', givenName: '', dateOfBirth: dob('31', '2', '1990') }, today);
  assert.deepEqual(problems, {
    ok: false,
    issues: { familyName: 'Enter a last name', dateOfBirth: 'Date of birth must be a real date' },
  });
  const future = parseNameSearch({ familyName: 'Smith', givenName: '', dateOfBirth: dob('1', '1', '2027') }, today);
  assert.deepEqual(future, {
    ok: false,
    issues: { dateOfBirth: 'Date of birth must be today or in the past' },
  });
  const partial = parseNameSearch({ familyName: 'Smith', givenName: '', dateOfBirth: dob('1', '', '') }, today);
  assert.deepEqual(partial, {
    ok: false,
    issues: { dateOfBirth: 'Date of birth must include a month and a year' },
  });
});

test('markup and SQL metacharacters in a name are refused, not searched', () => {
  for (const bad of ['<script>alert(1)</script>', "Smith'; DROP TABLE patients;--", 'a%', '_']) {
    const r = parseNameSearch({ familyName: bad, givenName: '', dateOfBirth: dob('1', '1', '1990') }, today);
    assert.equal(r.ok, false, bad);
  }
});

test('property: the parsers never throw and always answer ok or field messages', () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), fc.string(), fc.string(), fc.string(), fc.string(), (n, f, g, d, m, y) => {
      const a = parseNhsNumberSearch({ nhsNumber: n });
      assert.ok(a.ok || Object.values(a.issues).every((s) => s.length > 0));
      const b = parseNameSearch({ familyName: f, givenName: g, dateOfBirth: dob(d, m, y) }, today);
      if (b.ok) assert.ok(b.value.by === 'name' && b.value.dateOfBirth <= today);
      else assert.ok(Object.keys(b.issues).length > 0);
    }),
  );
});
