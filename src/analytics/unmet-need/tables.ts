import { barChart } from '#platform/views/chart.ts';
import { shownCount } from '../model.ts';
import { type Dimension, dimensions, valueName } from './model.ts';
import type { GapCounts, GapRow } from './store.ts';

// The register as the figures page shows it: the totals, a table for each way of cutting the gaps
// (most first; for analysts small numbers shown as * and listed after the rest, so their order
// gives nothing away), and a chart of the gaps by service and by reason beside their tables.

export function unmetNeedView(g: { counts: GapCounts; rows: readonly GapRow[] }, suppressed: boolean) {
  const shown = (n: number) => shownCount(n, suppressed);
  const tables = (Object.keys(dimensions) as Dimension[]).map((dimension) => {
    const rows = g.rows
      .filter((r) => r.dimension === dimension)
      .map((r) => ({ name: valueName(dimension, r.value), gaps: r.gaps, shown: shown(r.gaps) }))
      .sort((a, b) => {
        const small = (x: { shown: string }) => (x.shown === '*' ? 1 : 0);
        return small(a) - small(b) || (small(a) ? 0 : b.gaps - a.gaps) || a.name.localeCompare(b.name);
      });
    return {
      dimension,
      caption: `Gaps by ${dimensions[dimension].charAt(0).toLowerCase()}${dimensions[dimension].slice(1)}`,
      heading: dimensions[dimension],
      rows,
    };
  });
  const chartOf = (dimension: Dimension) => {
    const t = tables.find((x) => x.dimension === dimension)!;
    const bars = t.rows.filter((r) => r.shown !== '*').map((r) => ({ label: r.name, value: Number(r.shown) }));
    return bars.length ? barChart(bars, { label: 'Gaps', title: t.caption }) : null;
  };
  return {
    judged: shown(g.counts.gaps + g.counts.alternatives),
    gaps: shown(g.counts.gaps),
    alternatives: shown(g.counts.alternatives),
    waiting: shown(g.counts.waiting),
    tables: tables.map((t) => ({ ...t, rows: t.rows.map((r) => [r.name, r.shown]) })),
    charts: { service: chartOf('service'), reason: chartOf('reason') },
  };
}
