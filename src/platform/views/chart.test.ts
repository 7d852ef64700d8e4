import assert from 'node:assert/strict';
import { test } from 'node:test';
import { barChart } from './chart.ts';

test('a chart is one image named by its title: no inline style, no names inside it', () => {
  const svg = barChart(
    [
      { label: 'Talking Therapies', value: 12 },
      { label: 'Crisis team', value: 7 },
    ],
    { label: 'Gaps', title: 'Gaps by service' },
  );
  assert.match(svg, /^<svg role="img"[^>]* aria-label="Gaps by service"/);
  assert.doesNotMatch(svg, /<style/);
  // axe refuses aria-label on the groups inside an image (aria-prohibited-attr).
  assert.equal(svg.match(/aria-label=/g)?.length, 1);
  assert.doesNotMatch(svg, /aria-description=/);
  assert.match(svg, /Talking Therapies/);
});
