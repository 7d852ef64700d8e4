import * as Plot from '@observablehq/plot';
import { JSDOM } from 'jsdom';

// Charts drawn on the server as SVG with Observable Plot, so a page needs no script to show one;
// each sits beside a table of the same figures, which is what a screen reader reads. Plot writes
// a <style> element into its SVG; the page's content security policy allows no inline styles, so
// it is taken out and the same rules live in onward.css under the class given here.

const window = new JSDOM('').window;

export type Bar = { label: string; value: number };

/** A horizontal bar chart, one bar a row, longest first as given; `label` names the measure. */
export function barChart(bars: readonly Bar[], o: { label: string; title: string }): string {
  const longest = Math.max(0, ...bars.map((b) => b.label.length));
  const most = Math.max(1, ...bars.map((b) => b.value));
  const svg = Plot.plot({
    document: window.document,
    className: 'onward-chart',
    ariaLabel: o.title,
    // Sized for onward.css's 14px text: about 8px a character of label.
    marginLeft: Math.min(330, 16 + longest * 8),
    marginRight: 40,
    height: 50 + bars.length * 30,
    width: 720,
    // Whole numbers: these are counts of people.
    x: { label: o.label, grid: true, ticks: Math.min(most, 8), tickFormat: 'd' },
    y: { label: null, domain: bars.map((b) => b.label) },
    marks: [
      Plot.barX(bars, { x: 'value', y: 'label', fill: '#005eb8' }),
      Plot.text(bars, { x: 'value', y: 'label', text: (b: Bar) => String(b.value), dx: 4, textAnchor: 'start' }),
      Plot.ruleX([0]),
    ],
  }) as unknown as Element;
  // The chart is one image named by its title (role="img"); Plot's names for its inner groups are
  // not allowed inside an image, and a screen reader has the table beside it.
  for (const inner of svg.querySelectorAll('[aria-label], [aria-description]')) {
    inner.removeAttribute('aria-label');
    inner.removeAttribute('aria-description');
  }
  return svg.outerHTML.replace(/<style>[\s\S]*?<\/style>/g, '').replace('<svg ', '<svg role="img" ');
}
