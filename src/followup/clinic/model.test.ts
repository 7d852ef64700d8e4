import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { transition } from '#platform/state.ts';
import {
  appointmentStates,
  type ClinicSession,
  checkOutcome,
  checkSession,
  isSlotOf,
  offerSlots,
  type SessionWithTaken,
  slotsOf,
} from './model.ts';

const now = new Date('2026-12-01T09:00:00Z');
const session = (over: Partial<ClinicSession> = {}): ClinicSession => ({
  startsAt: new Date('2026-12-02T10:00:00Z'),
  endsAt: new Date('2026-12-02T12:00:00Z'),
  slotMinutes: 30,
  mode: 'in-person',
  place: 'Liaison clinic room 2',
  clinicianId: 'u1',
  ...over,
});
const withTaken = (id: string, s: ClinicSession, taken: Date[] = []): SessionWithTaken => ({
  ...s,
  id,
  clinicianName: 'Dr Ada',
  taken,
});

test('a session is cut into whole slots from its start', () => {
  assert.deepEqual(
    slotsOf(session({ endsAt: new Date('2026-12-02T11:45:00Z') })).map((d) => d.toISOString()),
    ['2026-12-02T10:00:00.000Z', '2026-12-02T10:30:00.000Z', '2026-12-02T11:00:00.000Z'],
  );
  assert.ok(isSlotOf(session(), new Date('2026-12-02T11:30:00Z')));
  assert.ok(!isSlotOf(session(), new Date('2026-12-02T10:15:00Z')), 'between two slots');
  assert.ok(!isSlotOf(session(), new Date('2026-12-02T12:00:00Z')), 'the end is not a slot');
  assert.ok(!isSlotOf(session(), new Date('2026-12-02T09:30:00Z')), 'before the session');
});

test('property: every slot lies inside its session, one slot length apart', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 720 }), fc.constantFrom(15, 20, 30, 45, 60), (minutes, length) => {
      const s = session({ endsAt: new Date(session().startsAt.getTime() + minutes * 60_000), slotMinutes: length });
      const slots = slotsOf(s);
      assert.equal(slots.length, Math.floor(minutes / length));
      for (const slot of slots) {
        assert.ok(slot >= s.startsAt && slot.getTime() + length * 60_000 <= s.endsAt.getTime());
        assert.ok(isSlotOf(s, slot));
      }
    }),
  );
});

test('a session ends after it starts, fits a slot, is at most 12 hours and is not over', () => {
  assert.deepEqual(checkSession(session(), now), []);
  assert.equal(checkSession(session({ endsAt: session().startsAt }), now)[0]?.field, 'endTime');
  assert.equal(checkSession(session({ endsAt: new Date('2026-12-02T23:00:00Z') }), now)[0]?.field, 'endTime');
  assert.equal(checkSession(session({ endsAt: new Date('2026-12-02T10:20:00Z') }), now)[0]?.field, 'slotMinutes');
  assert.deepEqual(
    checkSession(session(), new Date('2026-12-02T12:00:00Z')).map((p) => p.field),
    ['on'],
  );
});

test('slots inside the 48 hours are offered first; taken and past slots are not offered', () => {
  const dueAt = new Date('2026-12-02T11:00:00Z');
  const offered = offerSlots(
    [
      withTaken(
        'later',
        session({ startsAt: new Date('2026-12-03T10:00:00Z'), endsAt: new Date('2026-12-03T11:00:00Z') }),
      ),
      withTaken('soon', session(), [new Date('2026-12-02T10:30:00Z')]),
      withTaken(
        'past',
        session({ startsAt: new Date('2026-12-01T08:00:00Z'), endsAt: new Date('2026-12-01T09:30:00Z') }),
      ),
    ],
    dueAt,
    now,
  );
  assert.deepEqual(
    offered.inTime.map((s) => s.startsAt.toISOString()),
    ['2026-12-02T10:00:00.000Z', '2026-12-02T11:00:00.000Z'],
  );
  assert.deepEqual(
    offered.late.map((s) => s.startsAt.toISOString()),
    ['2026-12-02T11:30:00.000Z', '2026-12-03T10:00:00.000Z', '2026-12-03T10:30:00.000Z'],
  );
});

test('an appointment is closed once: attended, not attended or cancelled, never after', () => {
  assert.equal(transition(appointmentStates, 'booked', 'appointment.attended').to, 'attended');
  for (const closed of ['attended', 'did-not-attend', 'cancelled'] as const)
    for (const event of ['appointment.attended', 'appointment.did-not-attend', 'appointment.cancelled'] as const)
      assert.throws(() => transition(appointmentStates, closed, event), { code: 'appointment-closed' });
});

test('attendance is recorded once the appointment has begun, and attending needs the note', () => {
  const startsAt = new Date('2026-12-02T10:00:00Z');
  assert.equal(checkOutcome({ attended: false }, { startsAt, now })[0]?.field, 'attended');
  const after = new Date('2026-12-02T10:40:00Z');
  assert.equal(checkOutcome({ attended: true, note: '  ' }, { startsAt, now: after })[0]?.field, 'note');
  assert.deepEqual(
    checkOutcome({ attended: true, note: 'Better; plan used; GP Friday' }, { startsAt, now: after }),
    [],
  );
  assert.deepEqual(checkOutcome({ attended: false }, { startsAt, now: after }), []);
});
