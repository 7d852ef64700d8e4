// Small-number suppression (NHS disclosure control, docs/clinical-rules.md "Small numbers"): counts from 1 to
// 7 are shown as "*", others rounded to the nearest 5, so no figure can single a person out.

export type Suppressed = { shown: string; suppressed: boolean };

export function suppress(count: number): Suppressed {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`not a count: ${count}`);
  if (count === 0) return { shown: '0', suppressed: false };
  if (count <= 7) return { shown: '*', suppressed: true };
  return { shown: String(Math.round(count / 5) * 5), suppressed: false };
}

export const imdQuintileNames = ['1 (most deprived)', '2', '3', '4', '5 (least deprived)'] as const;

export function imdQuintile(decile: number): number {
  return Math.ceil(decile / 2);
}

// The 48-hour follow-up figures (NICE NG225). Each clock is counted in the week its assessment took
// place: followed up in time (contact made by the due time, whenever it was written up), late,
// not followed up (its 48 hours over and still due), stopped with a recorded reason (shown apart:
// a decision, not a follow-up), or still running (not yet judged). The proportion is those in time
// out of those judged and not stopped, so a stop can never count as a follow-up.

export type FollowUpCounts = { inTime: number; late: number; notFollowedUp: number; stopped: number; running: number };

export const noFollowUps: FollowUpCounts = { inTime: 0, late: 0, notFollowedUp: 0, stopped: 0, running: 0 };

export function addCounts(a: FollowUpCounts, b: FollowUpCounts): FollowUpCounts {
  return {
    inTime: a.inTime + b.inTime,
    late: a.late + b.late,
    notFollowedUp: a.notFollowedUp + b.notFollowedUp,
    stopped: a.stopped + b.stopped,
    running: a.running + b.running,
  };
}

/** Those whose 48 hours are over: what the proportion is out of, stops apart. */
export const judged = (c: FollowUpCounts) => c.inTime + c.late + c.notFollowedUp;

/**
 * The share followed up in time, as a whole percentage. For analysts (`suppressed`), it is shown
 * only when neither those in time nor the rest are a small number (1 to 7): otherwise the share
 * and the rounded total together would give the small number away.
 */
export function shareInTime(c: FollowUpCounts, suppressed: boolean): string {
  const total = judged(c);
  if (total === 0) return '–';
  const small = (n: number) => n >= 1 && n <= 7;
  if (suppressed && (small(c.inTime) || small(total - c.inTime))) return '*';
  return `${Math.round((100 * c.inTime) / total)}%`;
}

/** One count as shown: exact for a team's own manager, suppressed for analysts. */
export const shownCount = (n: number, suppressed: boolean): string => (suppressed ? suppress(n).shown : String(n));

const DAY_MS = 86_400_000;

/**
 * The Monday (YYYY-MM-DD) that starts the week `weeks - 1` weeks before the one holding `today`
 * (a UK calendar date): the first week the figures show.
 */
export function firstWeek(today: string, weeks: number): string {
  const d = new Date(`${today}T12:00:00Z`);
  const sinceMonday = (d.getUTCDay() + 6) % 7;
  return new Date(d.getTime() - (sinceMonday + 7 * (weeks - 1)) * DAY_MS).toISOString().slice(0, 10);
}
