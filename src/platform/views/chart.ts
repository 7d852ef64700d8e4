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
  const svg = Plot.plot({
    document: window.document,
    className: 'onward-chart',
    ariaLabel: o.title,
    marginLeft: Math.min(260, 12 + longest * 6.5),
    height: 40 + bars.length * 26,
    width: 640,
    x: { label: o.label, grid: true },
    y: { label: null, domain: bars.map((b) => b.label) },
    marks: [
      Plot.barX(bars, { x: 'value', y: 'label', fill: '#005eb8' }),
      Plot.text(bars, { x: 'value', y: 'label', text: (b: Bar) => String(b.value), dx: 4, textAnchor: 'start' }),
      Plot.ruleX([0]),
    ],
  }) as unknown as { outerHTML: string };
  return svg.outerHTML.replace(/<style>[\s\S]*?<\/style>/g, '').replace('<svg ', '<svg role="img" ');
}
