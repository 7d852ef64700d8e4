import { NotFound } from '../errors.ts';

// One boundary for everything a request carries. Every string in the body, the query string and
// the path parameters is made storable before any handler sees it: unpaired surrogates become
// U+FFFD and control characters other than tab, line feed and carriage return are dropped.
// PostgreSQL refuses NUL in text and JSON, PDF and XML writers refuse most C0 controls, and none
// of them is something a person meant to type. Objects are rebuilt without a prototype, so a
// field named "__proto__" or "constructor" is an ordinary own value and never an inherited one.

const unstorable = /(?![\t\n\r])\p{Cc}/gu;

export function storableText(value: string): string {
  return value.toWellFormed().replace(unstorable, '');
}

export function cleanInput(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return storableText(value);
  // Parsers already bound nesting; this bound keeps a crafted JSON body from recursing for ever.
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => cleanInput(v, depth + 1));
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(value)) out[storableText(k)] = cleanInput(v, depth + 1);
  return out;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && uuidPattern.test(value);
}

/**
 * A record's id from the path, in the one form the database stores and the audit trail hashes
 * (lower case): an id typed in capitals names the same record and must leave the same trail.
 * A malformed id is simply a page that does not exist: no query runs.
 */
export function idParam(params: unknown, name: string): string {
  const value = params && typeof params === 'object' ? Object.getOwnPropertyDescriptor(params, name)?.value : undefined;
  if (!isUuid(value)) throw new NotFound();
  return value.toLowerCase();
}

/** The same canonical form for an id that may be absent or malformed (a refusal's audit row). */
export function canonicalId(value: unknown): string | null {
  return isUuid(value) ? value.toLowerCase() : null;
}

/** A value of a fixed set looked up by a key someone typed: own properties only, never the prototype's. */
export function isKeyOf<T extends object>(set: T, key: unknown): key is keyof T & string {
  return typeof key === 'string' && Object.hasOwn(set, key);
}

/** The person a page is about, from `:patientId`. */
export const patientParam = (params: unknown): string => idParam(params, 'patientId');
