import { defineMachine } from '#platform/state.ts';
import type { Patient } from '../model.ts';

// Merging two records of one person: a named action by a senior clinician, with a reason. Every
// part of the merged record moves to the survivor; the merged record stays, pointing at it; and
// the merge keeps, table by table, what moved, so it can be shown afterwards what came from where.

export const MERGE_REASON_MAX = 2000;

/** What a merge moves, in the order it is shown: the tables that hold a person's record. */
export const mergedParts = {
  presentations: ['presentation', 'presentations'],
  assessments: ['assessment', 'assessments'],
  assessment_addenda: ['assessment addendum', 'assessment addenda'],
  care_plans: ['care plan', 'care plans'],
  input_requests: ['request for input', 'requests for input'],
  safety_plans: ['safety plan', 'safety plans'],
  care_relationships: ['care relationship', 'care relationships'],
  follow_ups: ['follow-up', 'follow-ups'],
  follow_up_attempts: ['follow-up attempt', 'follow-up attempts'],
  clinic_appointments: ['clinic appointment', 'clinic appointments'],
  assessment_needs: ['confirmed needs', 'confirmed needs'],
  consents: ['consent to share', 'consents to share'],
  referrals: ['referral', 'referrals'],
  referral_conversations: ['conversation with a service', 'conversations with a service'],
  referral_messages: ['message about a referral', 'messages about a referral'],
  escalations: ['escalation', 'escalations'],
  escalation_notes: ['escalation note', 'escalation notes'],
  record_versions: ['kept version', 'kept versions'],
  record_events: ['recorded step', 'recorded steps'],
} as const;
export type MergedPart = keyof typeof mergedParts;
export type Moved = Partial<Record<MergedPart, string[]>>;

export type MergeRefusal =
  | 'same-record'
  | 'already-merged'
  | 'two-nhs-numbers'
  | 'survivor-must-be-traced'
  | 'two-safety-plans';

export const mergeRefusals: Record<MergeRefusal, string> = {
  'same-record': 'A record cannot be merged into itself',
  'already-merged': 'One of these records has already been merged',
  'two-nhs-numbers':
    'These records have different NHS numbers: the national register holds them as two people. Check with the person and trace them again',
  'survivor-must-be-traced':
    'Keep the record with the NHS number: the traced record survives and the unverified one is merged into it',
  'two-safety-plans':
    'Both records have a safety plan, and a person has one. Mark the one that is not current as entered in error, then merge',
};

type MergeSide = Pick<Patient, 'id' | 'nhsNumber' | 'mergedInto'> & { hasSafetyPlan: boolean };

/** Whether `merged` may be merged into `survivor`, or the rule that refuses it. */
export function checkMerge(survivor: MergeSide, merged: MergeSide): MergeRefusal | null {
  if (survivor.id === merged.id) return 'same-record';
  if (survivor.mergedInto || merged.mergedInto) return 'already-merged';
  if (survivor.nhsNumber && merged.nhsNumber && survivor.nhsNumber !== merged.nhsNumber) return 'two-nhs-numbers';
  // The record that keeps the person's NHS number is the one everyone else will find.
  if (merged.nhsNumber && !survivor.nhsNumber) return 'survivor-must-be-traced';
  if (survivor.hasSafetyPlan && merged.hasSafetyPlan) return 'two-safety-plans';
  return null;
}

/** "2 presentations, 1 assessment …": what a merge moved, in words. */
export function movedSummary(moved: Moved): { part: string; count: number }[] {
  return (Object.keys(mergedParts) as MergedPart[])
    .filter((k) => (moved[k]?.length ?? 0) > 0)
    .map((k) => {
      const count = moved[k]!.length;
      return { part: mergedParts[k][count === 1 ? 0 : 1], count };
    });
}

/** A record is active until it is merged into another; a merge cannot be undone by another merge. */
export const recordStates = defineMachine({
  subject: 'This record',
  states: { active: 'is in use', merged: 'has already been merged into another record' },
  events: { 'record.merged': { from: ['active'], to: 'merged', code: 'merge-refused' } },
});
