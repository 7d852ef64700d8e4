import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadHazardLog } from './log.ts';
import { checkLog, type Hazard, riskOf, type SuiteIndex, testsInSource } from './model.ts';
import { safetyCaseReport } from './report.ts';

// CI's check of the clinical safety case: a control that no test proves is not a control.

test('the hazard log is well formed, every cited test exists and is not skipped, and no hazard is closed without a proven control', () => {
  const { hazards, problems } = loadHazardLog();
  assert.deepEqual(
    problems.map((p) => `${p.hazard}: ${p.message}`),
    [],
  );
  assert.ok(hazards.length >= 15, 'the hazards named at the start are all in the log');
  // The hazards whose controls are not built yet say so, rather than being closed.
  for (const id of ['H01', 'H02', 'H03', 'H06', 'H08'])
    assert.equal(hazards.find((h) => h.id === id)?.status, 'open', id);
});

const suite: SuiteIndex = new Map([
  [
    'src/a.test.ts',
    testsInSource(
      "test('it works', () => {});\ntest.skip('it is skipped', () => {});\ntest('off for now', { skip: true }, () => {});",
    ),
  ],
]);

const good = {
  id: 'H90',
  title: 'A test hazard',
  causes: ['a cause'],
  effect: 'an effect',
  harm: 'a harm',
  initial: { severity: 4, likelihood: 3, risk: 3 },
  controls: [{ kind: 'design', description: 'a control', tests: ['src/a.test.ts: it works'] }],
  residual: { severity: 4, likelihood: 1, risk: 2 },
  status: 'closed',
};

const problemsOf = (entry: Record<string, unknown>) =>
  checkLog([entry], suite).problems.map((p) => `${p.hazard}: ${p.message}`);

test('a well-formed closed hazard with a proven design control passes', () => {
  assert.deepEqual(problemsOf(good), []);
});

test('bad log entries: each problem is named with its entry', () => {
  assert.match(problemsOf({ ...good, severity: 5 }).join('\n'), /H90: entry: .*\(severity\)/);
  assert.match(
    problemsOf({ ...good, initial: { severity: 6, likelihood: 3, risk: 3 } }).join('\n'),
    /H90: initial\.severity/,
  );
  assert.match(
    problemsOf({ ...good, initial: { severity: 4, likelihood: 3, risk: 5 } }).join('\n'),
    /H90: initial risk is 5 but severity 4 × likelihood 3 is 3 in the matrix/,
  );
  assert.match(
    problemsOf({
      ...good,
      controls: [{ kind: 'design', description: 'c', tests: ['src/a.test.ts: it was renamed'] }],
    }).join('\n'),
    /H90: cites "it was renamed", which src\/a\.test\.ts does not have/,
  );
  assert.match(
    problemsOf({
      ...good,
      controls: [{ kind: 'design', description: 'c', tests: ['src/gone.test.ts: it works'] }],
    }).join('\n'),
    /H90: cites src\/gone\.test\.ts, which is not a test file/,
  );
  for (const skipped of ['it is skipped', 'off for now'])
    assert.match(
      problemsOf({
        ...good,
        controls: [{ kind: 'design', description: 'c', tests: [`src/a.test.ts: ${skipped}`] }],
      }).join('\n'),
      /which is skipped/,
    );
  assert.match(problemsOf({ ...good, controls: [] }).join('\n'), /H90: closed with no design control/);
  assert.match(
    problemsOf({ ...good, controls: [{ kind: 'design', description: 'unproven', tests: [] }] }).join('\n'),
    /H90: closed, but the design control "unproven" cites no test/,
  );
  assert.match(
    problemsOf({ ...good, status: 'open' }).join('\n'),
    /H90: open, but the note does not say what is missing/,
  );
  assert.match(problemsOf({ ...good, status: 'mitigated' }).join('\n'), /H90: status/);
  assert.match(problemsOf({ ...good, id: 'hazard one' }).join('\n'), /id: must be H followed by two or three digits/);
  const twice = checkLog([good, good], suite).problems.map((p) => p.message);
  assert.deepEqual(twice, ['the id is used by another hazard']);
  // An entry with no usable id is named by its place in the log.
  assert.match(
    checkLog([{ title: 'no id' }], suite)
      .problems.map((p) => p.hazard)
      .join(),
    /entry 1/,
  );
});

test('the risk matrix: catastrophic and very likely is 5, minor and very unlikely is 1, and risk never falls as either rises', () => {
  assert.equal(riskOf(5, 5), 5);
  assert.equal(riskOf(1, 1), 1);
  for (let s = 1; s <= 5; s++)
    for (let l = 1; l <= 5; l++) {
      if (s < 5) assert.ok(riskOf(s + 1, l) >= riskOf(s, l));
      if (l < 5) assert.ok(riskOf(s, l + 1) >= riskOf(s, l));
    }
});

test('the safety case report lists each hazard with its residual risk and which cited tests passed in the run', () => {
  const hazard = {
    ...good,
    controls: [{ kind: 'design', description: 'a control', tests: ['src/a.test.ts: it works'] }],
  } as Hazard;
  const passed = safetyCaseReport([hazard], new Map([['src/a.test.ts: it works', 'passed']]), {
    commit: 'abc1234',
    date: '2 December 2026',
  });
  assert.match(passed, /commit `abc1234`/);
  assert.match(passed, /\| H90 \| A test hazard \| 3 \| 2 \| closed \|/);
  assert.match(passed, /every one passed in this run\./);
  assert.match(passed, /✔ passed: “it works”/);
  const failed = safetyCaseReport([hazard], new Map([['src/a.test.ts: it works', 'failed']]), {
    commit: 'abc1234',
    date: 'today',
  });
  assert.match(failed, /1 did not pass in this run:\n- failed: `src\/a\.test\.ts: it works`/);
  assert.match(safetyCaseReport([hazard], undefined, { commit: 'x', date: 'today' }), /✖ not run/);
});
