import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type AuditEntry, chainEntry, startVerify, verifyPage } from './model.ts';

function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      chainEntry(out.at(-1), {
        at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
        userId: 'u1',
        role: 'liaison-practitioner',
        action: 'patient.read',
        patientId: `p${i}`,
        outcome: 'ok',
        detail: '{}',
      }),
    );
  }
  return out;
}

test('an untouched chain verifies, also page by page', () => {
  const entries = chain(10);
  assert.deepEqual(verifyPage(startVerify(), entries).breaks, []);
  const paged = verifyPage(verifyPage(startVerify(), entries.slice(0, 4)), entries.slice(4));
  assert.deepEqual(paged.breaks, []);
  assert.equal(paged.checked, 10);
});

test('property: changing, removing or inserting any entry is found', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 2, max: 20 }),
      fc.nat(),
      fc.constantFrom('change', 'remove', 'insert'),
      (n, k, how) => {
        const entries = chain(n);
        const i = k % n;
        const tampered = [...entries];
        if (how === 'change') tampered[i] = { ...entries[i]!, outcome: 'refused' };
        if (how === 'remove') tampered.splice(i, 1);
        if (how === 'insert') {
          const forged = chainEntry(entries[i], { ...entries[i]!, action: 'forged' });
          tampered.splice(i + 1, 0, forged);
        }
        const result = verifyPage(startVerify(), tampered);
        // Removing the very last entry leaves a valid shorter chain: that is why verify prints the
        // head hash to be kept elsewhere. Every other tampering breaks the chain.
        if (how === 'remove' && i === n - 1) assert.equal(result.hash, entries[n - 2]!.hash);
        else if (how === 'insert' && i === n - 1) assert.notEqual(result.hash, entries[n - 1]!.hash);
        else assert.ok(result.breaks.length > 0, `${how} at ${i} of ${n} not found`);
      },
    ),
  );
});
