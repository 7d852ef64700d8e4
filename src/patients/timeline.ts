// The patient's timeline: everything that happened in their care, newest first, on the summary.
// Pure: each part hands over its own entries and this only orders them.

export type TimelineEntry = { at: Date; kind: string; [detail: string]: unknown };

export function timeline(...groups: readonly TimelineEntry[][]): TimelineEntry[] {
  // Newest first; entries at the same moment keep the order their groups were given in.
  return groups.flat().sort((a, b) => b.at.getTime() - a.at.getTime());
}
