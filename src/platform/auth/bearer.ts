import { timingSafeEqual } from 'node:crypto';

// A caller that is not a person (Prometheus, GOV.UK Notify's receipts) proves itself with a bearer
// token it was given. Compared in constant time, so the token cannot be found out a character at a time.
export function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
