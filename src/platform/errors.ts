// The one error catalogue. Services throw these; pages render them, the FHIR API (later) turns
// them into OperationOutcome. Anything else reaching the edge is a 500 whose details stay in the log.
export type FieldIssues = Record<string, string>;

export class OnwardError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export class NotFound extends OnwardError {
  constructor(message = 'Page not found') {
    super(404, 'not-found', message);
  }
}

export class Forbidden extends OnwardError {
  constructor(message = 'You do not have access to this page') {
    super(403, 'forbidden', message);
  }
}

export class Unauthenticated extends OnwardError {
  constructor(message = 'Sign in to continue') {
    super(401, 'unauthenticated', message);
  }
}

/** A save based on a version someone else has already changed. */
export class Conflict extends OnwardError {
  constructor(message = 'Someone else changed this record while you were editing it') {
    super(409, 'conflict', message);
  }
}

export class Invalid extends OnwardError {
  readonly issues: FieldIssues;
  constructor(issues: FieldIssues, message = 'There is a problem') {
    super(400, 'invalid', message);
    this.issues = issues;
  }
}

export class TooLarge extends OnwardError {
  constructor(message = 'What you sent is too large') {
    super(413, 'too-large', message);
  }
}

export class TooManyRequests extends OnwardError {
  constructor(message = 'Too many attempts. Wait a few minutes, then try again') {
    super(429, 'too-many-requests', message);
  }
}
