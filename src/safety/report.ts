import { type Hazard, likelihoods, parseCitation, riskMeanings, severities } from './model.ts';

// The safety case report for one commit: each hazard with its residual risk and the tests that
// proved its controls in the run the results came from. Drawn as Markdown so it reads in review.

/** Test outcomes from a run, keyed `file: name` as the log cites them. */
export type RunResults = Map<string, 'passed' | 'failed' | 'skipped'>;

export function safetyCaseReport(
  hazards: readonly Hazard[],
  results: RunResults | undefined,
  about: { commit: string; date: string },
): string {
  const cited = hazards.flatMap((h) => h.controls.flatMap((c) => c.tests));
  const outcome = (t: string) => results?.get(t) ?? 'not run';
  const failing = [...new Set(cited)].filter((t) => outcome(t) !== 'passed');
  const count = (s: Hazard['status']) => hazards.filter((h) => h.status === s).length;
  const lines = [
    '# Onward clinical safety case report',
    '',
    `Generated from \`docs/safety/hazard-log.yaml\` at commit \`${about.commit}\` on ${about.date}, with the test results of ${results ? 'the run recorded in `test-results/results.jsonl`' : 'no recorded run (run `npm test` first)'}.`,
    'Regenerate with `npm run safety-case` after `npm test`. The method, the risk matrix and who may close a hazard are in `plan.md`.',
    '',
    '## Summary',
    '',
    `${hazards.length} hazards: ${count('closed')} closed, ${count('open')} open, ${count('transferred')} transferred to the deploying organisation.`,
    `${new Set(cited).size} tests are cited as evidence; ${failing.length === 0 ? 'every one passed in this run.' : `${failing.length} did not pass in this run:`}`,
    ...failing.map((t) => `- ${outcome(t)}: \`${t}\``),
    '',
    '| hazard | title | initial risk | residual risk | status |',
    '|---|---|---|---|---|',
    ...hazards.map((h) => `| ${h.id} | ${h.title} | ${h.initial.risk} | ${h.residual.risk} | ${h.status} |`),
    '',
  ];
  for (const h of hazards) {
    lines.push(
      `## ${h.id}: ${h.title}`,
      '',
      `**Status:** ${h.status}. **Residual risk:** ${h.residual.risk} (${severities[h.residual.severity as 1]} × ${likelihoods[h.residual.likelihood as 1]}): ${riskMeanings[h.residual.risk as 1]}`,
      `**Initial risk:** ${h.initial.risk} (${severities[h.initial.severity as 1]} × ${likelihoods[h.initial.likelihood as 1]}).`,
      '',
      `**Effect on care:** ${h.effect} **Harm:** ${h.harm}`,
      '',
      '**Causes:**',
      ...h.causes.map((c) => `- ${c}`),
      '',
    );
    if (h.controls.length === 0) lines.push('**Controls:** none yet.', '');
    else {
      lines.push('**Controls:**');
      for (const c of h.controls) {
        lines.push(`- *${c.kind}:* ${c.description}`);
        for (const t of c.tests) {
          const { file, name } = parseCitation(t);
          lines.push(`  - ${outcome(t) === 'passed' ? '✔ passed' : `✖ ${outcome(t)}`}: “${name}” (\`${file}\`)`);
        }
      }
      lines.push('');
    }
    if (h.note) lines.push(`**${h.status === 'transferred' ? 'Transferred' : 'Still to do'}:** ${h.note}`, '');
  }
  return lines.join('\n');
}

/** The results reporter's lines (one JSON object a test); a test run twice keeps its worst outcome. */
export function readResults(text: string): RunResults {
  const results: RunResults = new Map();
  const rank = { passed: 0, skipped: 1, failed: 2 } as const;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as { file: string; name: string; outcome: keyof typeof rank };
    const key = `${r.file}: ${r.name}`;
    const before = results.get(key);
    if (!before || rank[r.outcome] > rank[before]) results.set(key, r.outcome);
  }
  return results;
}
