// One clock, passed in (DESIGN rule 4), so deadlines and expiry can be tested without waiting.
export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };

/** A clock a test can move. */
export function fixedClock(start: Date | string): Clock & { advance(ms: number): void; set(d: Date | string): void } {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    advance(ms) {
      current = new Date(current.getTime() + ms);
    },
    set(d) {
      current = new Date(d);
    },
  };
}

const londonDateTime = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});
const londonDate = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

/** Times are stored in UTC and shown in Europe/London. */
export function showDateTime(d: Date): string {
  return londonDateTime.format(d).replace(',', ' at');
}

/** A calendar date held as YYYY-MM-DD (a date of birth has no time zone). */
export function showDate(isoDate: string): string {
  return londonDate.format(new Date(`${isoDate}T12:00:00Z`));
}

// Formatters are costly to build (tens of microseconds each): build each once.
const londonIsoDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' });

/** Whole years between a date of birth and a moment, as a clinician counts age. */
export function ageOn(dateOfBirth: string, at: Date): number {
  const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const parts = londonIsoDate.format(at).split('-').map(Number);
  const [ay, am, ad] = parts as [number, number, number];
  return ay - y - (am < m || (am === m && ad < d) ? 1 : 0);
}

const londonParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** Minutes Europe/London is ahead of UTC at a moment (0 in winter, 60 in summer). */
function londonOffsetMinutes(at: Date): number {
  const p = Object.fromEntries(londonParts.formatToParts(at).map((x) => [x.type, x.value]));
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute));
  return Math.round((asUtc - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
}

/**
 * The moment a clock on a wall in England showed this date and time. In the hour that does not
 * exist (clocks go forward) the time is read as summer time; in the hour that happens twice
 * (clocks go back) the first is taken.
 */
export function londonWallTimeToUtc(isoDate: string, hhmm: string): Date {
  const [y, mo, d] = isoDate.split('-').map(Number) as [number, number, number];
  const [h, mi] = hhmm.split(':').map(Number) as [number, number];
  const naive = Date.UTC(y, mo - 1, d, h, mi);
  // Try the offset either side of the change and keep the earliest reading that shows this time.
  const candidates = [60, 0].map((offset) => new Date(naive - offset * 60_000));
  for (const c of candidates) if (londonOffsetMinutes(c) * 60_000 === naive - c.getTime()) return c;
  return new Date(naive - 60 * 60_000);
}

/** The date (YYYY-MM-DD) and time (HH:MM) a moment shows in Europe/London, for refilling a form. */
export function londonWallTime(at: Date): { date: string; time: string } {
  const p = Object.fromEntries(londonParts.formatToParts(at).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}
