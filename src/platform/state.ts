import { Conflict, type RefusalCode } from './errors.ts';

// One way to say how a record moves between states. A part declares its states and, for each
// event, the states it may happen from and the state it leads to, as `as const` data in its
// model.ts; every change asks `transition` first, so an illegal one is refused the same way
// everywhere: a Conflict that names the state the record is in now. Pure, so a part's model.ts can
// declare its machine; `changeState` (events.ts) makes the change, its event row (who, when, from,
// to, why) and its audit row in the caller's transaction.

export type Machine<S extends string, E extends string> = {
  /** What the record is called in messages: "This assessment". */
  subject: string;
  /** How each state reads in a sentence: "has been finalised". */
  states: Record<S, string>;
  /**
   * For each event: the states it may happen from, the state it leads to, and when refused, the
   * rule's code and (optionally) its own words; the refusal always names the state the record is in.
   */
  events: Record<E, { from: readonly S[]; to: S; code?: RefusalCode; refused?: string }>;
};

export function defineMachine<S extends string, E extends string>(m: Machine<S, E>): Machine<S, E> {
  return m;
}

export type Transition<S extends string> = { from: S; to: S };

/** The state an event leads to from the current one, or a Conflict naming where the record stands. */
export function transition<S extends string, E extends string>(
  machine: Machine<S, E>,
  current: S,
  event: E,
): Transition<S> {
  const rule = machine.events[event];
  if (!rule.from.includes(current)) {
    const state = `${machine.subject} ${machine.states[current]}`;
    throw new Conflict(
      rule.refused
        ? `${rule.refused} (${state.charAt(0).toLowerCase()}${state.slice(1)})`
        : `${state}, so this cannot be done now`,
      rule.code ?? 'illegal-transition',
    );
  }
  return { from: current, to: rule.to };
}

/** The events that may happen from a state: what a page may offer. */
export function eventsFrom<S extends string, E extends string>(machine: Machine<S, E>, current: S): E[] {
  return (Object.keys(machine.events) as E[]).filter((e) => machine.events[e].from.includes(current));
}
