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

/** Whole years between a date of birth and a moment, as a clinician counts age. */
export function ageOn(dateOfBirth: string, at: Date): number {
  const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(at).split('-').map(Number);
  const [ay, am, ad] = parts as [number, number, number];
  return ay - y - (am < m || (am === m && ad < d) ? 1 : 0);
}
