import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { auditAction } from '#platform/audit/store.ts';
import { Conflict, Invalid, NotFound, OnwardError } from '#platform/errors.ts';
import { changeState } from '#platform/events.ts';
import type { Actor } from '#platform/http/pages.ts';
import { decodeCursor, PAGE_SIZE, type Page, pageOf } from '#platform/worklist.ts';
import { careStates } from '../care/model.ts';
import { MIN_SCORE, type TracedPerson, type TraceMatch, type TraceQuery } from '../patients/trace/model.ts';
import { demographicsService, trace } from '../patients/trace/service.ts';
import { myTeams } from '../teams/service.ts';
import { type CareStart, checkCareStart, type FoundBy, type NewPerson, possibleDuplicates } from './model.ts';
import * as store from './store.ts';

// The front door's use cases. A trace and a duplicate check read identifiers, so each is audited
// with what was found (counts, and the record when there is one), never with what was typed.

/** The liaison teams this person may take someone into: theirs. */
export async function teamsTakingReferrals(actor: Actor) {
  return myTeams(actor, 'liaison-psychiatry');
}

export type TracedMatch = TraceMatch & { local: store.LocalRecord | undefined };

export type TraceAnswer =
  | { ok: true; matches: TracedMatch[]; source: string }
  | { ok: false; problem: 'unavailable'; source: string };

/** Trace against the configured demographics service; each match says whether Onward has a record of them. */
export async function traceReferral(actor: Actor, query: TraceQuery): Promise<TraceAnswer> {
  const result = await trace(demographicsService(actor), query);
  if (!result.ok) {
    await auditAction(actor.db, actor, null, 'failed', { by: query.by, reason: 'demographics-unavailable' });
    return result;
  }
  const numbers = result.matches.flatMap((m) => (m.person.nhsNumber ? [m.person.nhsNumber] : []));
  const local = await store.localByNhsNumbers(actor.db, actor.user.teamIds, numbers);
  const byNumber = new Map(local.map((l) => [l.nhsNumber, l]));
  const matches = result.matches.map((m) => ({
    ...m,
    local: m.person.nhsNumber ? byNumber.get(m.person.nhsNumber) : undefined,
  }));
  await auditAction(actor.db, actor, matches.length === 1 ? (matches[0]!.local?.id ?? null) : null, 'ok', {
    by: query.by,
    results: matches.length,
    source: result.source,
  });
  return { ok: true, matches, source: result.source };
}

/** The person with this NHS number, as the demographics service has them now (never as a form carried them). */
async function tracedByNumber(actor: Actor, nhsNumber: string): Promise<TracedPerson & { nhsNumber: string }> {
  const result = await trace(demographicsService(actor), { by: 'nhs-number', nhsNumber });
  if (!result.ok)
    throw new OnwardError(
      503,
      'demographics-unavailable',
      `${result.source} did not answer. Try again in a moment, or register the person as untraced.`,
    );
  const person = result.matches[0]?.person;
  if (!person?.nhsNumber) throw new NotFound('Nobody with this NHS number was found. Trace the person again.');
  return person as TracedPerson & { nhsNumber: string };
}

export async function confirmTraced(actor: Actor, nhsNumber: string) {
  const person = await tracedByNumber(actor, nhsNumber);
  const [local] = await store.localByNhsNumbers(actor.db, actor.user.teamIds, [nhsNumber]);
  return { person, local };
}

export type Started = { patientId: string; alreadyInCare: boolean };

/**
 * Take a person into the team's care: the recorded decision (who, when, why, how they were found),
 * its event and its audit row in one transaction. A second practitioner doing the same at the same
 * moment is not refused: they are told the person is already in the team's care, and go to the
 * same record.
 */
async function takeIntoCare(
  actor: Actor,
  start: CareStart,
  foundBy: FoundBy,
  record: (tx: Actor['db']) => Promise<string>,
  audit: Record<string, string | number>,
): Promise<Started> {
  const teams = (await teamsTakingReferrals(actor)).map((t) => t.id);
  const issues = checkCareStart(start, teams);
  if (Object.keys(issues).length > 0) throw new Invalid(issues);
  let patientId = '';
  try {
    await actor.db.transaction().execute(async (tx) => {
      patientId = await record(tx);
      const again = await store.caredForBefore(tx, patientId, start.teamId);
      const careId = randomUUID();
      await changeState(tx, actor, careStates, {
        subjectType: 'care',
        subjectId: careId,
        patientId,
        current: again ? 'discharged' : 'not-in-care',
        event: 'care.started',
        data: { teamId: start.teamId, reason: start.reason, foundBy },
        audit: { ...audit, team: start.teamId, reason: start.reason, foundBy },
        write: async () => {
          const started = await store.startCare(tx, {
            id: careId,
            patientId,
            teamId: start.teamId,
            at: actor.clock.now(),
            by: actor.user.id,
            reason: start.reason,
            reasonText: start.reasonText,
            foundBy,
          });
          if (!started) throw new Conflict('This person is already in your team’s care', 'already-in-care');
        },
      });
    });
  } catch (error) {
    if (error instanceof Conflict && error.code === 'already-in-care' && patientId) {
      await auditAction(actor.db, actor, patientId, 'ok', { ...audit, alreadyInCare: 'yes' });
      return { patientId, alreadyInCare: true };
    }
    throw error;
  }
  return { patientId, alreadyInCare: false };
}

export async function startCareFromTrace(actor: Actor, nhsNumber: string, start: CareStart): Promise<Started> {
  const person = await tracedByNumber(actor, nhsNumber);
  return takeIntoCare(actor, start, 'trace', (tx) => store.recordOfTraced(tx, person, actor.user.id), { via: 'trace' });
}

export type Candidate =
  | { kind: 'local'; key: string; record: store.LocalRecord; reasons: string[] }
  | { kind: 'register'; key: string; person: TracedPerson; score: number; reasons: string[] };

/**
 * Who this untraced person may already be: local records (same date of birth or postcode, then the
 * model's name rules) and the demographics service's fuzzy matches that Onward has no record of.
 */
export async function possibleRecordsOf(actor: Actor, person: NewPerson): Promise<Candidate[]> {
  const local = possibleDuplicates(person, await store.localCandidates(actor.db, actor.user.teamIds, person));
  const traced = await trace(demographicsService(actor), { by: 'demographics', ...person });
  const knownNumbers = new Set(local.flatMap((c) => (c.person.nhsNumber ? [c.person.nhsNumber] : [])));
  const register = traced.ok
    ? traced.matches.filter((m) => m.score >= MIN_SCORE && m.person.nhsNumber && !knownNumbers.has(m.person.nhsNumber))
    : [];
  // Someone on the register whom Onward already knows is offered once, as the local record.
  const localOnRegister = new Set(
    (
      await store.localByNhsNumbers(
        actor.db,
        actor.user.teamIds,
        register.map((m) => m.person.nhsNumber!),
      )
    ).map((l) => l.nhsNumber),
  );
  const candidates: Candidate[] = [
    ...local.map((c) => ({
      kind: 'local' as const,
      key: `local:${c.person.id}`,
      record: c.person,
      reasons: c.reasons,
    })),
    ...register
      .filter((m) => !localOnRegister.has(m.person.nhsNumber))
      .map((m) => ({
        kind: 'register' as const,
        key: `register:${m.person.nhsNumber}`,
        person: m.person,
        score: m.score,
        reasons: ['on-register'],
      })),
  ];
  // The check shows people's details: audited with how many, never with what was typed.
  await auditAction(actor.db, actor, null, 'ok', { duplicateCheck: candidates.length, source: traced.source });
  return candidates;
}

/**
 * Register an untraced person, after the duplicate check: the practitioner's choice (one of the
 * candidates, or "none of these") is taken only from the candidates the check finds now, and is
 * audited with how many there were.
 */
export async function registerUntraced(
  actor: Actor,
  person: NewPerson,
  start: CareStart,
  choice: string,
  /** The candidates were shown, so a choice is now required. */
  choosing = false,
): Promise<Started | { candidates: Candidate[] }> {
  const candidates = await possibleRecordsOf(actor, person);
  const audit = { via: 'untraced', candidates: candidates.length, choice: choice.split(':')[0] || 'none' };
  if (choice === 'new') {
    return takeIntoCare(
      actor,
      start,
      'registered-untraced',
      (tx) => store.insertUntraced(tx, person, actor.user.id),
      audit,
    );
  }
  const chosen = candidates.find((c) => c.key === choice);
  // Nothing chosen yet (and something to choose from), or a choice the check no longer offers.
  if (!chosen) {
    if (candidates.length === 0)
      return takeIntoCare(
        actor,
        start,
        'registered-untraced',
        (tx) => store.insertUntraced(tx, person, actor.user.id),
        audit,
      );
    if (choice !== '' || choosing) {
      await auditAction(actor.db, actor, null, 'refused', { reason: 'not-a-candidate' });
      throw new Invalid(
        { choice: 'Choose one of the records below, or say none of them is this person' },
        undefined,
        'not-a-candidate',
      );
    }
    return { candidates };
  }
  if (chosen.kind === 'local')
    return takeIntoCare(actor, start, 'existing-record', async () => chosen.record.id, audit);
  const traced = await tracedByNumber(actor, chosen.person.nhsNumber!);
  return takeIntoCare(actor, start, 'trace', (tx) => store.recordOfTraced(tx, traced, actor.user.id), audit);
}

const careStartCursor = z.object({ at: z.iso.datetime(), id: z.uuid() });

/** For the team manager: every care relationship a colleague started in their teams, newest first. */
export async function careStartsToReview(actor: Actor, after: string | undefined): Promise<Page<store.CareStartRow>> {
  const key = decodeCursor(after, careStartCursor);
  const rows = await store.careStarts(
    actor.db,
    actor.user.teamIds,
    PAGE_SIZE + 1,
    key && { at: new Date(key.at), id: key.id },
  );
  await auditAction(actor.db, actor, null, 'ok', { shown: Math.min(rows.length, PAGE_SIZE) });
  return pageOf(rows, PAGE_SIZE, (r) => ({ at: r.startedAt.toISOString(), id: r.id }));
}
