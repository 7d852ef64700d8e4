import { defineMachine } from '#platform/state.ts';

// A presentation: one attendance at hospital after self-harm (docs/clinical-rules.md step 1).

/**
 * How the person harmed themselves, as the ICD-10 codes for intentional self-harm (X60–X84,
 * WHO ICD-10 2019, chapter XX). Self-poisoning is grouped by substance, self-injury by means;
 * the labels are the words clinicians use, the codes are what the figures and FHIR carry.
 */
export const methods = {
  X60: { kind: 'self-poisoning', label: 'Paracetamol, aspirin, ibuprofen or other non-opioid painkillers' },
  X61: { kind: 'self-poisoning', label: 'Antidepressants, sedatives, anti-epileptics or other psychotropic medicines' },
  X62: { kind: 'self-poisoning', label: 'Opioids, cannabis, cocaine or hallucinogens' },
  X63: { kind: 'self-poisoning', label: 'Other medicines acting on the autonomic nervous system' },
  X64: { kind: 'self-poisoning', label: 'Other or unknown medicines' },
  X65: { kind: 'self-poisoning', label: 'Alcohol' },
  X66: { kind: 'self-poisoning', label: 'Solvents' },
  X67: { kind: 'self-poisoning', label: 'Gases, including carbon monoxide' },
  X68: { kind: 'self-poisoning', label: 'Pesticides' },
  X69: { kind: 'self-poisoning', label: 'Other or unknown chemicals' },
  X70: { kind: 'self-injury', label: 'Hanging, strangulation or suffocation' },
  X71: { kind: 'self-injury', label: 'Drowning' },
  X72: { kind: 'self-injury', label: 'Handgun' },
  X73: { kind: 'self-injury', label: 'Rifle, shotgun or larger firearm' },
  X74: { kind: 'self-injury', label: 'Other or unspecified firearm' },
  X75: { kind: 'self-injury', label: 'Explosives' },
  X76: { kind: 'self-injury', label: 'Smoke, fire or flames' },
  X77: { kind: 'self-injury', label: 'Steam, hot vapours or hot objects' },
  X78: { kind: 'self-injury', label: 'Cutting or stabbing with a sharp object' },
  X79: { kind: 'self-injury', label: 'Blunt object' },
  X80: { kind: 'self-injury', label: 'Jumping from a height' },
  X81: { kind: 'self-injury', label: 'Jumping or lying in front of a moving object' },
  X82: { kind: 'self-injury', label: 'Crashing a motor vehicle' },
  X83: { kind: 'self-injury', label: 'Other specified means' },
  X84: { kind: 'self-injury', label: 'Unspecified means' },
} as const;
export type MethodCode = keyof typeof methods;
export const methodCodes = Object.keys(methods) as MethodCode[];

export function isMethodCode(value: string): value is MethodCode {
  return Object.hasOwn(methods, value);
}

export const outcomes = {
  discharged: 'Discharged home',
  admitted: 'Admitted to a ward',
  transferred: 'Transferred to another hospital or unit',
  'left-before-assessment': 'Left before assessment',
} as const;
export type Outcome = keyof typeof outcomes;

export function isOutcome(value: string): value is Outcome {
  return Object.hasOwn(outcomes, value);
}

export type Presentation = {
  id: string;
  patientId: string;
  teamId: string;
  hospitalName: string;
  arrivedAt: Date;
  leftAt: Date | null;
  outcome: Outcome | null;
  methods: MethodCode[];
  recordedBy: string;
  recordedAt: Date;
  /** 1 as recorded; each completion or amendment adds one, the earlier kept in record_versions. */
  version: number;
  /** Withdrawn as entered in error: who, when and why. Still readable, out of the default views. */
  enteredInError: { at: Date; byName: string; reason: string } | null;
};

export type PresentationInput = {
  teamId: string;
  arrivedAt: Date;
  leftAt: Date | null;
  outcome: Outcome | null;
  methods: MethodCode[];
};

export type PresentationProblem = { field: 'arrivedAt' | 'leftAt' | 'outcome' | 'methods'; message: string };

/** The rules a presentation keeps, whichever way it arrives (page, FHIR, import). */
export function checkPresentation(p: PresentationInput, now: Date): PresentationProblem[] {
  const problems: PresentationProblem[] = [];
  if (p.arrivedAt.getTime() > now.getTime())
    problems.push({ field: 'arrivedAt', message: 'Arrival must be now or in the past' });
  if (p.leftAt) {
    if (p.leftAt.getTime() > now.getTime())
      problems.push({ field: 'leftAt', message: 'Time of leaving must be now or in the past' });
    else if (p.leftAt.getTime() < p.arrivedAt.getTime()) {
      problems.push({ field: 'leftAt', message: 'Time of leaving must be after arrival' });
    }
  }
  if (p.leftAt && !p.outcome) problems.push({ field: 'outcome', message: 'Select how the attendance ended' });
  if (p.outcome && !p.leftAt)
    problems.push({ field: 'leftAt', message: 'Enter when the person left the emergency department' });
  if (p.methods.length === 0) problems.push({ field: 'methods', message: 'Select at least one method of self-harm' });
  if (new Set(p.methods).size !== p.methods.length)
    problems.push({ field: 'methods', message: 'Select each method once' });
  return problems;
}

export function methodSummary(codes: readonly MethodCode[]): string {
  return codes.map((c) => `${methods[c].label} (${c})`).join('; ');
}

/** The words a change to a presentation needs beside it, at most this long. */
export const CHANGE_REASON_MAX = 2000;

/** Which fields of a presentation a change touches, in the order the page shows them. */
export function changedFields(before: PresentationInput, after: PresentationInput): (keyof PresentationInput)[] {
  const same = {
    teamId: before.teamId === after.teamId,
    arrivedAt: before.arrivedAt.getTime() === after.arrivedAt.getTime(),
    methods: [...before.methods].sort().join() === [...after.methods].sort().join(),
    leftAt: (before.leftAt?.getTime() ?? null) === (after.leftAt?.getTime() ?? null),
    outcome: before.outcome === after.outcome,
  };
  return (Object.keys(same) as (keyof typeof same)[]).filter((k) => !same[k]);
}

/**
 * Completing a presentation recorded while the person was still in the department — adding when
 * they left and how, nothing else — is the record catching up, and needs no reason. Any other
 * change corrects what was written, so it is an amendment and says why; the earlier version is kept.
 */
export function kindOfChange(before: PresentationInput, after: PresentationInput): 'none' | 'completed' | 'amended' {
  const changed = changedFields(before, after);
  if (changed.length === 0) return 'none';
  const completing = before.leftAt === null && before.outcome === null;
  return completing && changed.every((f) => f === 'leftAt' || f === 'outcome') ? 'completed' : 'amended';
}

/** A presentation as a kept version holds it: times as ISO text. */
export function presentationContent(p: PresentationInput) {
  return {
    teamId: p.teamId,
    arrivedAt: p.arrivedAt.toISOString(),
    leftAt: p.leftAt?.toISOString() ?? null,
    outcome: p.outcome,
    methods: [...p.methods],
  };
}
export type PresentationContent = ReturnType<typeof presentationContent>;

/** A presentation is current until it is withdrawn as entered in error; nothing moves it back. */
export const presentationStates = defineMachine<'current' | 'entered-in-error', 'presentation.changed'>({
  subject: 'This presentation',
  states: { current: 'is current', 'entered-in-error': 'has been withdrawn as entered in error' },
  events: {
    'presentation.changed': { from: ['current'], to: 'current', code: 'entered-in-error' },
  },
});
export type PresentationState = keyof typeof presentationStates.states;

export const stateOf = (p: Pick<Presentation, 'enteredInError'>): PresentationState =>
  p.enteredInError ? 'entered-in-error' : 'current';
