import {
  type Criterion,
  type CriterionCode,
  criteria,
  type ReferralRoute,
  referralRoutes,
  type Service,
  serviceKinds,
} from '../directory/model.ts';
import { teamKindNames } from '../teams/model.ts';
import { seededRandom } from './random.ts';

// The demo ICS's directory of aftercare services: fourteen services with criteria as real ones are
// written, some of them in conflict with NICE NG225 as real ones are (a Talking Therapies service
// that excludes "active self-harm", a crisis team that takes only "severe and enduring mental
// illness", a CMHT with an upper age limit), so the conflicts show in the demo.

const north = ['M8', 'M9', 'M40', 'OL1', 'OL4', 'OL8', 'OL9'];
const south = ['M11', 'M12', 'M14', 'M18', 'M19', 'M22', 'M23', 'SK1', 'SK2', 'SK5', 'SK14'];
const west = ['BL1', 'BL2', 'BL3', 'WN1', 'WN2', 'WN5'];

const base = {
  status: 'active',
  catchment: { districts: [], practices: [] },
  ages: { min: 18, max: null },
  criteria: [],
  referralMustContain: [],
  phone: null,
  secureEmail: null,
  address: null,
  openingTimes: 'Monday to Friday, 9am to 5pm',
  waitWeeks: null,
  responseDays: 5,
} as const satisfies Partial<Service>;

export const demoServices: Service[] = [
  {
    ...base,
    name: 'Riverside NHS Talking Therapies',
    providerOds: 'ZM1',
    kind: 'talking-therapies',
    catchment: { districts: [...north, ...south, ...west], practices: [] },
    ages: { min: 16, max: null },
    criteria: [
      {
        code: 'anxiety-depression',
        kind: 'eligibility',
        text: 'Common mental health problems: anxiety and depression',
      },
      { code: 'registered-gp-in-area', kind: 'eligibility', text: 'Registered with a Riverside GP' },
      { code: 'self-harm-current', kind: 'exclusion', text: 'Active self-harm or current suicidal intent' },
      { code: 'risk-high', kind: 'exclusion', text: 'Presenting risk too high for a step 2 or 3 service' },
      { code: 'in-current-care', kind: 'exclusion', text: 'Open to secondary care mental health services' },
    ],
    referralMustContain: ['Reason for referral', 'Current medication', 'Consent to refer'],
    // Professionals refer by secure email (the outbox sends the letter there); people may self-refer online.
    route: 'secure-email',
    phone: '0161 496 0100',
    secureEmail: 'riverside.talkingtherapies@nhs.net',
    openingTimes: 'Monday to Friday, 8am to 8pm; Saturday 9am to 1pm',
    waitWeeks: 9,
    responseDays: 10,
  },
  {
    ...base,
    name: 'Crisis Resolution and Home Treatment Team',
    providerOds: 'ZM1',
    kind: 'crisis-home-treatment',
    catchment: { districts: [...north, ...south, ...west], practices: [] },
    criteria: [
      { code: 'severe-enduring-illness', kind: 'eligibility', text: 'Severe and enduring mental illness' },
      { code: 'alcohol-use', kind: 'exclusion', text: 'Primary alcohol or substance misuse' },
    ],
    referralMustContain: [
      'Reason for referral',
      'What has changed',
      'Current medication',
      'Who is supporting the person now',
    ],
    route: 'phone',
    phone: '0161 496 0200',
    secureEmail: 'riverside.crht@nhs.net',
    openingTimes: '24 hours, every day',
    waitWeeks: 0,
    responseDays: 1,
  },
  {
    ...base,
    name: 'Community Mental Health Team North',
    providerOds: 'ZM1',
    kind: 'community-mental-health',
    catchment: { districts: north, practices: [] },
    ages: { min: 18, max: 64 },
    criteria: [
      {
        code: 'personality-disorder',
        kind: 'exclusion',
        text: 'Personality disorder without another severe mental illness',
      },
      {
        code: 'learning-disability',
        kind: 'exclusion',
        text: 'Primary learning disability (refer to the learning disability team)',
      },
    ],
    referralMustContain: ['Reason for referral', 'Psychiatric history', 'Current medication', 'Physical health'],
    route: 'ers',
    phone: '0161 496 0300',
    secureEmail: 'cmht.north@nhs.net',
    waitWeeks: 12,
    responseDays: 10,
  },
  {
    ...base,
    name: 'Community Mental Health Team South',
    providerOds: 'ZM1',
    kind: 'community-mental-health',
    catchment: { districts: south, practices: [] },
    criteria: [{ code: 'in-current-care', kind: 'exclusion', text: 'Already under another CMHT' }],
    referralMustContain: ['Reason for referral', 'Psychiatric history', 'Current medication'],
    route: 'secure-email',
    phone: '0161 496 0350',
    secureEmail: 'cmht.south@nhs.net',
    waitWeeks: 8,
    responseDays: 10,
  },
  {
    ...base,
    name: 'Community Mental Health Team West',
    providerOds: 'ZM1',
    kind: 'community-mental-health',
    catchment: { districts: west, practices: [] },
    referralMustContain: ['Reason for referral', 'Current medication'],
    route: 'secure-email',
    phone: '01204 496 0400',
    secureEmail: 'cmht.west@nhs.net',
    waitWeeks: 10,
    responseDays: 10,
  },
  {
    ...base,
    name: 'Riverside Drug and Alcohol Service',
    providerOds: 'ZV1',
    kind: 'drug-alcohol',
    catchment: { districts: [...north, ...south, ...west], practices: [] },
    criteria: [
      { code: 'alcohol-use', kind: 'eligibility', text: 'Alcohol use the person wants help with' },
      { code: 'drug-use', kind: 'eligibility', text: 'Drug use the person wants help with' },
    ],
    referralMustContain: ['What the person uses and how much', 'Consent to refer'],
    route: 'phone',
    phone: '0161 496 0500',
    secureEmail: 'recovery.referrals@nhs.net',
    address: 'Riverside Recovery Hub, 12 Canal Street, M8 4AA',
    waitWeeks: 2,
    responseDays: 3,
  },
  {
    ...base,
    name: 'Riverside Safe Haven',
    providerOds: 'ZV2',
    kind: 'voluntary-sector',
    catchment: { districts: [...north, ...south], practices: [] },
    ages: { min: 16, max: null },
    criteria: [
      { code: 'self-harm-current', kind: 'eligibility', text: 'Anyone in distress, including after self-harm' },
    ],
    referralMustContain: ['How to contact the person'],
    route: 'phone',
    phone: '0161 496 0600',
    address: 'Riverside Mind, 40 Market Street, M9 2BB',
    openingTimes: 'Every evening, 6pm to midnight',
    waitWeeks: 0,
    responseDays: 1,
  },
  {
    ...base,
    name: 'Riverside Mind Befriending',
    providerOds: 'ZV2',
    kind: 'voluntary-sector',
    criteria: [{ code: 'loneliness', kind: 'eligibility', text: 'Feeling isolated or lonely' }],
    referralMustContain: ['How to contact the person', 'What they enjoy'],
    route: 'online-form',
    phone: '0161 496 0650',
    waitWeeks: 4,
    responseDays: 10,
  },
  {
    ...base,
    name: 'Citizens Advice Riverside: Debt and Benefits',
    providerOds: 'ZV3',
    kind: 'voluntary-sector',
    criteria: [{ code: 'money-problem', kind: 'eligibility', text: 'Debt, benefits or money worries' }],
    referralMustContain: ['How to contact the person', 'What the money problem is'],
    route: 'online-form',
    phone: '0161 496 0700',
    waitWeeks: 3,
    responseDays: 5,
  },
  {
    ...base,
    name: 'Riverside Housing Options',
    providerOds: 'ZV4',
    kind: 'voluntary-sector',
    ages: { min: 16, max: null },
    criteria: [{ code: 'housing-problem', kind: 'eligibility', text: 'Homeless or at risk of losing their home' }],
    referralMustContain: ['Current address or where they are staying', 'How to contact the person'],
    route: 'phone',
    phone: '0161 496 0750',
    waitWeeks: 1,
    responseDays: 2,
  },
  {
    ...base,
    name: 'Riverside Domestic Abuse Service',
    providerOds: 'ZV5',
    kind: 'voluntary-sector',
    ages: { min: 16, max: null },
    criteria: [{ code: 'domestic-abuse', kind: 'eligibility', text: 'Experiencing domestic abuse' }],
    referralMustContain: ['A safe way to contact the person'],
    route: 'phone',
    phone: '0161 496 0800',
    openingTimes: '24 hours, every day',
    waitWeeks: 0,
    responseDays: 1,
  },
  {
    ...base,
    name: 'Riverside Carers Centre',
    providerOds: 'ZV6',
    kind: 'voluntary-sector',
    criteria: [{ code: 'carer', kind: 'eligibility', text: 'Caring for someone' }],
    referralMustContain: ['How to contact the person'],
    route: 'online-form',
    phone: '0161 496 0850',
    waitWeeks: 2,
    responseDays: 5,
  },
  {
    ...base,
    name: 'Cruse Bereavement Support, Riverside',
    providerOds: 'ZV7',
    kind: 'voluntary-sector',
    criteria: [
      { code: 'bereavement', kind: 'eligibility', text: 'Bereaved' },
      { code: 'suicidal-thoughts', kind: 'exclusion', text: 'Current suicidal thoughts (we will signpost)' },
    ],
    referralMustContain: ['Who died and when', 'How to contact the person'],
    route: 'online-form',
    phone: '0161 496 0900',
    waitWeeks: 6,
    responseDays: 10,
  },
  {
    ...base,
    name: 'Northbridge Liaison Follow-up Clinic',
    providerOds: 'ZT1',
    kind: 'liaison-follow-up',
    ages: { min: 16, max: null },
    referralMustContain: ['The psychosocial assessment'],
    route: 'secure-email',
    secureEmail: 'northbridge.liaison@nhs.net',
    openingTimes: 'Monday to Friday, 9am to 5pm',
    waitWeeks: 0,
    responseDays: 1,
  },
];

const districts = [...north, ...south, ...west, 'M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7', 'M13', 'M15', 'M16', 'M20'];
const askedFor = [
  'Reason for referral',
  'Current medication',
  'Psychiatric history',
  'Physical health',
  'What has changed',
  'Who is supporting the person now',
  'How to contact the person',
  'Consent to refer',
  'What the person uses and how much',
];
const criterionCodes = Object.keys(criteria) as CriterionCode[];

/**
 * A directory of any size for the benchmarks, the same for the same seed: the demo's kinds of
 * service spread over the demo's postcode districts, each with up to four coded criteria (about a
 * third of services with a NICE conflict, as in the demo), up to three things a referral must
 * contain, and a route, wait and response target. Every one passes the directory's own checks.
 */
export function generateServices(count: number, seed = 1): Service[] {
  const random = seededRandom(seed);
  const services: Service[] = [];
  for (let i = 0; i < count; i++) {
    const kind = random.pick(serviceKinds);
    const chosen = new Map<CriterionCode, Criterion>();
    for (let c = random.int(0, 4); c > 0; c--) {
      const code = random.pick(criterionCodes);
      chosen.set(code, {
        code,
        kind: random.next() < 0.6 ? 'exclusion' : 'eligibility',
        text: `${criteria[code].text}, in the service’s words`,
      });
    }
    const area = new Set<string>();
    for (let d = random.int(0, 6); d > 0; d--) area.add(random.pick(districts));
    const must = new Set<string>();
    for (let m = random.int(1, 3); m > 0; m--) must.add(random.pick(askedFor));
    const route = random.pick(Object.keys(referralRoutes) as ReferralRoute[]);
    services.push({
      ...base,
      name: `${teamKindNames[kind]} ${i + 1}`,
      providerOds: `ZG${String(i % 10_000).padStart(4, '0')}`,
      kind,
      status: random.next() < 0.95 ? 'active' : 'temporarily-closed',
      catchment: { districts: [...area], practices: [] },
      ages: { min: random.pick([16, 18, 18, 18]), max: random.next() < 0.1 ? 64 : null },
      criteria: [...chosen.values()],
      referralMustContain: [...must],
      route,
      phone: `0161 496 ${String(i % 10_000).padStart(4, '0')}`,
      secureEmail: `service${i + 1}@nhs.net`,
      waitWeeks: random.int(0, 16),
      responseDays: random.int(1, 15),
    });
  }
  return services;
}
