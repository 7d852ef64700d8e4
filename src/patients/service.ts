import { z } from 'zod';
import { type CareGate, gateThroughCare, type OpenedRecord, openThroughCare } from '#platform/access/record.ts';
import { auditAction, listPatientAccess, type PatientAccess } from '#platform/audit/store.ts';
import type { Db } from '#platform/db/schema.ts';
import type { Lists } from '#platform/db/together.ts';
import { NotFound } from '#platform/errors.ts';
import type { Actor } from '#platform/http/pages.ts';
import { decodeCursor, PAGE_SIZE, type Page, pageOf } from '#platform/worklist.ts';
import type { PatientQuery } from './forms.ts';
import type { Patient } from './model.ts';
import * as store from './store.ts';

// Every read of a patient's record is audited, and so is every refusal (DESIGN rules 2 and 3).

const SEARCH_LIMIT = 50;

export async function searchPatients(
  actor: Actor,
  query: PatientQuery,
): Promise<{ patients: Patient[]; limited: boolean }> {
  const found = await store.searchPatients(actor.db, actor.user.teamIds, query, SEARCH_LIMIT + 1);
  // The search terms are identifiers, so the audit row keeps how many were found, not what was typed.
  await auditAction(actor.db, actor, found.length === 1 ? found[0]!.id : null, 'ok', {
    by: query.by,
    results: Math.min(found.length, SEARCH_LIMIT),
  });
  return { patients: found.slice(0, SEARCH_LIMIT), limited: found.length > SEARCH_LIMIT };
}

/**
 * The care-relationship check every use of a patient's record goes through. Someone whose team
 * is not caring for the person gets the same "not found" as for a record that does not exist, so
 * an address cannot be used to learn who is a patient where; the refusal is still audited with
 * the patient it named. Pass a transaction to check inside a write.
 */
export async function requireCare(actor: Actor, patientId: string, db: Db = actor.db): Promise<OpenedRecord<Patient>> {
  return checkCare(actor, patientId, db);
}

async function checkCare(actor: Actor, patientId: string, db: Db): Promise<OpenedRecord<Patient>> {
  const found = await store.findPatientInCare(db, patientId, actor.user.teamIds);
  const patient = found && openThroughCare(found.patient, actor.user, found.caringTeamIds);
  if (patient) return patient;
  await auditAction(actor.db, actor, found ? patientId : null, 'refused', {
    reason: found ? 'no-care-relationship' : 'no-such-patient',
  });
  throw new NotFound('There is no patient at this address that your team is caring for.');
}

/** Open a patient's record to read it: checked, then audited, naming the document read if there is one. */
export async function openPatient(
  actor: Actor,
  patientId: string,
  reading?: Record<string, string | number>,
): Promise<OpenedRecord<Patient>> {
  const patient = await requireCare(actor, patientId);
  await auditAction(actor.db, actor, patientId, 'ok', reading);
  return patient;
}

/** A form about a patient that was refused for its content: nothing written, the refusal kept. */
export async function refuseInvalid(actor: Actor, patientId: string, fields: string[]): Promise<void> {
  await auditAction(actor.db, actor, patientId, 'refused', { reason: 'invalid', fields: fields.join(',') });
}

/**
 * The summary: the care check, its audit row and every timeline list in one statement
 * (store.readSummary). The lists are built on a gate, not an opened record, because the check
 * happens inside the statement that reads them; a refusal is audited as every other.
 */
export async function patientSummary<L extends Lists>(actor: Actor, patientId: string, listsOf: (gate: CareGate) => L) {
  const gate = gateThroughCare(patientId, actor.user);
  const found = await store.readSummary(
    actor.db,
    gate,
    {
      at: actor.clock.now(),
      userId: actor.user.id,
      role: actor.user.role,
      action: actor.action,
      patientId,
      outcome: 'ok',
    },
    listsOf(gate),
  );
  const patient = found && openThroughCare(found.patient, actor.user, found.caringTeamIds);
  if (!found || !patient) {
    await auditAction(actor.db, actor, found ? patientId : null, 'refused', {
      reason: found ? 'no-care-relationship' : 'no-such-patient',
    });
    throw new NotFound('There is no patient at this address that your team is caring for.');
  }
  return { patient, teams: found.teams, lists: found.lists };
}

/** Who opened this record: for team managers, for patients their own team cares for. */
export async function patientAccessLog(
  actor: Actor,
  patientId: string,
  after: string | undefined,
): Promise<{ patient: OpenedRecord<Patient>; entries: Page<PatientAccess> }> {
  const beforeId = decodeCursor(after, z.number().int().positive());
  const patient = await openPatient(actor, patientId);
  const rows = await listPatientAccess(actor.db, patientId, PAGE_SIZE + 1, beforeId);
  return { patient, entries: pageOf(rows, PAGE_SIZE, (r) => r.id) };
}
