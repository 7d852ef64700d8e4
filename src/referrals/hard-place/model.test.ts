import assert from 'node:assert/strict';
import test from 'node:test';
import { type EscalationFacts, hardPlace, type ReferralFacts, whyCleared } from './model.ts';

const now = new Date('2026-12-02T12:00:00Z');
const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);
let n = 0;
const referral = (o: Partial<ReferralFacts>): ReferralFacts => ({
  id: `r${++n}`,
  serviceName: 'Leeds Talking Therapies',
  serviceKind: 'talking-therapies',
  stage: 'requested',
  rejectionReason: null,
  sentAt: daysAgo(10),
  rejectedAt: null,
  ...o,
});
const refused = (o: Partial<ReferralFacts>) =>
  referral({ stage: 'rejected', rejectedAt: daysAgo(5), rejectionReason: 'risk-too-high', ...o });
const ttTooRisky = () => refused({ rejectionReason: 'risk-too-high' });
const ttSelfHarm = () => refused({ rejectionReason: 'self-harm' });
const crisisNotUnwell = () =>
  refused({ serviceName: 'Crisis team', serviceKind: 'crisis-home-treatment', rejectionReason: 'not-severe-enough' });
const cmhtNotUnwell = () =>
  refused({ serviceName: 'CMHT', serviceKind: 'community-mental-health', rejectionReason: 'not-severe-enough' });

test('too risky for primary care and not unwell enough for secondary care: the rock and a hard place', () => {
  for (const [primary, secondary] of [
    [ttTooRisky(), crisisNotUnwell()],
    [ttSelfHarm(), cmhtNotUnwell()],
    [refused({ serviceName: 'GP', serviceKind: 'general-practice', rejectionReason: 'self-harm' }), cmhtNotUnwell()],
  ] as const) {
    const found = hardPlace([primary, secondary], [], now);
    assert.equal(found?.pattern, 'between-services');
    assert.deepEqual(found?.referralIds, [primary.id, secondary.id]);
    assert.match(found!.words, /^Too risky for .+, not unwell enough for .+: no aftercare in place$/);
  }
  // Still the pattern while another referral waits: nobody has taken the person on yet.
  assert.equal(
    hardPlace([ttTooRisky(), crisisNotUnwell(), referral({ serviceKind: 'voluntary-sector' })], [], now)?.pattern,
    'between-services',
  );
});

test('every referral refused, two or more and none waiting: every service said no', () => {
  const both = [
    refused({ rejectionReason: 'out-of-area' }),
    refused({ serviceKind: 'voluntary-sector', rejectionReason: 'no-capacity' }),
  ];
  assert.equal(hardPlace(both, [], now)?.pattern, 'every-referral-rejected');
  assert.match(hardPlace(both, [], now)!.words, /^Refused by every service referred to/);
});

test('what should not fire', () => {
  const cases: [string, ReferralFacts[], EscalationFacts[]][] = [
    ['no referrals', [], []],
    ['one refusal alone', [ttTooRisky()], []],
    [
      'primary refused, secondary still waiting',
      [ttTooRisky(), referral({ serviceKind: 'crisis-home-treatment' })],
      [],
    ],
    [
      'the wrong reasons: primary out of area, secondary not unwell enough, one waiting',
      [refused({ rejectionReason: 'out-of-area' }), crisisNotUnwell(), referral({ serviceKind: 'voluntary-sector' })],
      [],
    ],
    [
      'secondary refused as too risky is not the pattern (and a third waits)',
      [ttTooRisky(), refused({ serviceKind: 'crisis-home-treatment', rejectionReason: 'risk-too-high' }), referral({})],
      [],
    ],
    ['a service took the person on', [ttTooRisky(), crisisNotUnwell(), referral({ stage: 'accepted' })], []],
    ['seen and discharged by a service', [ttTooRisky(), crisisNotUnwell(), referral({ stage: 'completed' })], []],
    [
      'refusals older than the window',
      [ttTooRisky(), refused({ ...crisisNotUnwell(), sentAt: daysAgo(120), rejectedAt: daysAgo(110) })],
      [],
    ],
    [
      'cancelled and withdrawn referrals are not refusals',
      [ttTooRisky(), referral({ stage: 'cancelled' }), referral({ stage: 'entered-in-error' })],
      [],
    ],
    [
      'an escalation since the last refusal found aftercare',
      [ttTooRisky(), crisisNotUnwell()],
      [{ outcome: 'alternative-found', resolvedAt: daysAgo(1) }],
    ],
  ];
  for (const [why, referrals, escalations] of cases) assert.equal(hardPlace(referrals, escalations, now), null, why);
  // An escalation resolved before the last refusal, or not resolved, does not count as care found.
  for (const e of [
    { outcome: 'accepted', resolvedAt: daysAgo(30) },
    { outcome: 'not-resolved', resolvedAt: daysAgo(1) },
    { outcome: null, resolvedAt: null },
  ] as EscalationFacts[])
    assert.equal(hardPlace([ttTooRisky(), crisisNotUnwell()], [e], now)?.pattern, 'between-services');
});

test('why a flag is cleared', () => {
  assert.equal(whyCleared([referral({ stage: 'booked' })], []), 'A service took the person on');
  assert.equal(whyCleared([], [{ outcome: 'accepted', resolvedAt: now }]), 'An escalation found aftercare');
  assert.equal(whyCleared([], []), 'The pattern no longer holds');
});
