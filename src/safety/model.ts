import { z } from 'zod';

// The hazard log's rules (DCB0129 clinical risk management): its shape, the risk matrix, and the
// checks CI runs on it. Pure: the files are read in log.ts, the report is drawn in report.ts.

export const severities = {
  1: 'Minor',
  2: 'Significant',
  3: 'Considerable',
  4: 'Major',
  5: 'Catastrophic',
} as const;

export const likelihoods = {
  1: 'Very low',
  2: 'Low',
  3: 'Medium',
  4: 'High',
  5: 'Very high',
} as const;

/** Risk (1–5) for likelihood (row) × severity (column), in the common form of NHS clinical risk matrices. */
const matrix: Record<number, readonly number[]> = {
  5: [3, 4, 4, 5, 5],
  4: [2, 3, 3, 4, 5],
  3: [2, 2, 3, 3, 4],
  2: [1, 2, 2, 3, 4],
  1: [1, 1, 2, 2, 3],
};

export const riskMeanings = {
  1: 'Acceptable: no further action needed.',
  2: 'Acceptable where further reduction is impractical; keep under review.',
  3: 'Undesirable: accepted only when further reduction is impractical and the benefit outweighs it, with the clinical safety officer’s sign-off.',
  4: 'Unacceptable: must be reduced before release.',
  5: 'Unacceptable: must be reduced before release.',
} as const;

export function riskOf(severity: number, likelihood: number): number {
  return matrix[likelihood]![severity - 1]!;
}

const grade = z.number().int().min(1).max(5);
const rating = z.strictObject({ severity: grade, likelihood: grade, risk: grade });

export const controlKinds = ['design', 'test', 'training', 'business-process'] as const;

const control = z.strictObject({
  kind: z.enum(controlKinds),
  description: z.string().min(1),
  /** For design and test controls: the automated tests that prove them, as `file: test name`. */
  tests: z
    .array(z.string().regex(/^[^:]+\.test\.ts: .+$/, 'must be written "path/to/file.test.ts: test name"'))
    .default([]),
});

export const hazardStatuses = ['open', 'transferred', 'closed'] as const;

const hazard = z.strictObject({
  id: z.string().regex(/^H\d{2,3}$/, 'must be H followed by two or three digits'),
  title: z.string().min(1),
  causes: z.array(z.string().min(1)).min(1),
  effect: z.string().min(1),
  harm: z.string().min(1),
  initial: rating,
  controls: z.array(control),
  residual: rating,
  status: z.enum(hazardStatuses),
  /** What is still missing (for open hazards), or who it was transferred to and why. */
  note: z.string().optional(),
});

export type Hazard = z.infer<typeof hazard>;
export type Control = Hazard['controls'][number];
export const hazardLog = z.array(z.unknown());

/** A test as the suite names it: the file it is in and the name it was given. */
export type TestCitation = { file: string; name: string };

export function parseCitation(text: string): TestCitation {
  const at = text.indexOf(': ');
  return { file: text.slice(0, at), name: text.slice(at + 2) };
}

/** What the suite holds, for each test file: the names of its tests, and which of them are skipped. */
export type SuiteIndex = Map<string, { tests: Set<string>; skipped: Set<string> }>;

export type LogProblem = { hazard: string; message: string };

/**
 * Every entry checked, every problem named by its entry: unknown fields, risks outside the
 * matrix or not matching it, cited tests that do not exist or are skipped, duplicate ids, and
 * hazards closed without a proven control.
 */
export function checkLog(
  entries: readonly unknown[],
  suite: SuiteIndex,
): { hazards: Hazard[]; problems: LogProblem[] } {
  const hazards: Hazard[] = [];
  const problems: LogProblem[] = [];
  const ids = new Set<string>();
  entries.forEach((raw, i) => {
    const name = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : `entry ${i + 1}`;
    const parsed = hazard.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const where = issue.path.join('.') || 'entry';
        const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
        problems.push({ hazard: name, message: `${where}: ${issue.message}${keys}` });
      }
      return;
    }
    const h = parsed.data;
    if (ids.has(h.id)) problems.push({ hazard: h.id, message: 'the id is used by another hazard' });
    ids.add(h.id);
    for (const [which, r] of [
      ['initial', h.initial],
      ['residual', h.residual],
    ] as const) {
      const expected = riskOf(r.severity, r.likelihood);
      if (r.risk !== expected)
        problems.push({
          hazard: h.id,
          message: `${which} risk is ${r.risk} but severity ${r.severity} × likelihood ${r.likelihood} is ${expected} in the matrix`,
        });
    }
    if (h.residual.risk > h.initial.risk)
      problems.push({ hazard: h.id, message: 'the residual risk is higher than the initial risk' });
    for (const c of h.controls) {
      for (const citation of c.tests) {
        const { file, name: testName } = parseCitation(citation);
        const tests = suite.get(file);
        if (!tests) problems.push({ hazard: h.id, message: `cites ${file}, which is not a test file in the suite` });
        else if (!tests.tests.has(testName))
          problems.push({
            hazard: h.id,
            message: `cites "${testName}", which ${file} does not have (renamed or removed?)`,
          });
        else if (tests.skipped.has(testName))
          problems.push({ hazard: h.id, message: `cites "${testName}" in ${file}, which is skipped` });
      }
      if (c.kind === 'test' && c.tests.length === 0)
        problems.push({ hazard: h.id, message: `a test control cites no test: "${c.description}"` });
    }
    if (h.status === 'closed') {
      const design = h.controls.filter((c) => c.kind === 'design');
      if (design.length === 0) problems.push({ hazard: h.id, message: 'closed with no design control' });
      for (const c of design)
        if (c.tests.length === 0)
          problems.push({ hazard: h.id, message: `closed, but the design control "${c.description}" cites no test` });
      if (h.residual.risk >= 4)
        problems.push({ hazard: h.id, message: `closed with an unacceptable residual risk (${h.residual.risk})` });
    }
    if (h.status !== 'closed' && !h.note)
      problems.push({
        hazard: h.id,
        message: `${h.status}, but the note does not say what is missing or who holds it`,
      });
    hazards.push(h);
  });
  return { hazards, problems };
}

/**
 * The tests a test file declares: `test('name', …)` calls with a plain string for a name, and
 * which of them are skipped (`test.skip`, `test.todo`, or a `skip`/`todo` option).
 */
export function testsInSource(source: string): { tests: Set<string>; skipped: Set<string> } {
  const tests = new Set<string>();
  const skipped = new Set<string>();
  const call = /(?:^|[^\w.])(?:test|it)(\.skip|\.todo|\.only)?\(\s*(['"`])((?:\\.|(?!\2).)*)\2\s*(,\s*\{[^}]*\})?/gms;
  for (const m of source.matchAll(call)) {
    const name = m[3]!.replace(/\\(.)/g, '$1');
    tests.add(name);
    if (m[1] === '.skip' || m[1] === '.todo' || /\b(skip|todo)\s*:/.test(m[4] ?? '')) skipped.add(name);
  }
  return { tests, skipped };
}
