// The one error catalogue. Services throw these; pages render them, the FHIR API (later) turns
// them into OperationOutcome. Every refusal carries a stable code — the kind of error, or the
// domain rule that refused — so a page or an API client can act on it without reading its words.
// Anything else reaching the edge is a 500 whose details stay in the log.
export type FieldIssues = Record<string, string>;

/** Every code a refusal can carry. Adding a rule that refuses means adding its code here. */
/** The kinds of error (each class's default) and the framework's refusals mapped into them. */
export const generalCodes = [
  'not-found',
  'forbidden',
  'unauthenticated',
  'stale-version',
  'illegal-transition',
  'invalid',
  'too-large',
  'too-many-requests',
  'csrf-invalid',
  'bad-request',
] as const;

/** The domain rules that refuse, each by name. */
export const ruleCodes = [
  'bad-page-link',
  'bad-query',
  'assessment-finalised',
  'assessment-not-final',
  'plan-empty',
  'plan-already-agreed',
  'plan-not-agreed',
  'input-already-given',
  'record-missing',
  'metrics-token',
  'receipt-token',
  'not-your-team',
  'already-discharged',
  'entered-in-error',
  'not-the-author',
  'already-in-care',
  'not-a-candidate',
  'demographics-unavailable',
  'merge-refused',
  'follow-up-closed',
  'appointment-closed',
  'slot-taken',
  'not-a-slot',
  'no-consent',
  'referral-incomplete',
  'service-not-running',
] as const;

export const refusalCodes = [...generalCodes, ...ruleCodes] as const;
export type RefusalCode = (typeof refusalCodes)[number];

export class OnwardError extends Error {
  readonly status: number;
  readonly code: RefusalCode;
  /** False when the message is the class's default, so a page may say more in its own words. */
  readonly specific: boolean;
  constructor(status: number, code: RefusalCode, message: string, specific = true) {
    super(message);
    this.status = status;
    this.code = code;
    this.specific = specific;
  }
}

export class NotFound extends OnwardError {
  constructor(message?: string, code: RefusalCode = 'not-found') {
    super(404, code, message ?? 'Page not found', message !== undefined);
  }
}

export class Forbidden extends OnwardError {
  constructor(message?: string, code: RefusalCode = 'forbidden') {
    super(403, code, message ?? 'You do not have access to this page', message !== undefined);
  }
}

export class Unauthenticated extends OnwardError {
  constructor(message?: string, code: RefusalCode = 'unauthenticated') {
    super(401, code, message ?? 'Sign in to continue', message !== undefined);
  }
}

/** A change that cannot be made from the state the record is in now (a stale version, a rule). */
export class Conflict extends OnwardError {
  constructor(message?: string, code: RefusalCode = 'stale-version') {
    super(409, code, message ?? 'Someone else changed this record while you were editing it', message !== undefined);
  }
}

export class Invalid extends OnwardError {
  readonly issues: FieldIssues;
  constructor(issues: FieldIssues, message?: string, code: RefusalCode = 'invalid') {
    super(400, code, message ?? 'There is a problem', message !== undefined);
    this.issues = issues;
  }
}

/**
 * A model's rule problems refused as one Invalid: the first message for each field (the GOV.UK way),
 * under the form's own name for the field where it differs (`formField`). Nothing when there are none.
 */
export function refuseProblems<F extends string>(
  problems: readonly { field: F; message: string }[],
  formField: Partial<Record<F, string>> = {},
): void {
  if (problems.length === 0) return;
  const issues: FieldIssues = {};
  for (const p of problems) issues[formField[p.field] ?? p.field] ??= p.message;
  throw new Invalid(issues);
}

export class TooLarge extends OnwardError {
  constructor(message?: string, code: RefusalCode = 'too-large') {
    super(413, code, message ?? 'What you sent is too large', message !== undefined);
  }
}

export class TooManyRequests extends OnwardError {
  constructor(message?: string, code: RefusalCode = 'too-many-requests') {
    super(429, code, message ?? 'Too many attempts. Wait a few minutes, then try again', message !== undefined);
  }
}

/**
 * Errors raised by the framework and its plugins (body limit, rate limit, CSRF, malformed bodies)
 * as the catalogue's classes, so they are rendered, audited and (later) answered as an
 * OperationOutcome like every other refusal. Anything not recognised stays as it is: a 500.
 */
export function asCatalogued(error: Error & { statusCode?: number; code?: string }): Error {
  if (error instanceof OnwardError) return error;
  if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET')
    return new Forbidden('This form has expired', 'csrf-invalid');
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) return new TooLarge();
  if (error.statusCode === 429) return new TooManyRequests();
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500)
    return new OnwardError(error.statusCode, 'bad-request', 'Sorry, there is a problem with what was sent');
  return error;
}
