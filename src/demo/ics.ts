import type { Discipline, Role } from '#platform/access/model.ts';
import type { OrganisationKind, TeamKind } from '../teams/model.ts';

// A fictional Integrated Care System. ODS codes start with Z, a letter no real NHS trust code
// uses, so demo data can never be mistaken for a real organisation's.

export type DemoOrganisation = { key: string; odsCode: string; name: string; kind: OrganisationKind };
export type DemoTeam = {
  key: string;
  organisation: string;
  name: string;
  kind: TeamKind;
  /** What its letters are written on. */
  letterhead?: { address: string; phone: string; secureEmail: string };
};
export type DemoUser = {
  username: string;
  displayName: string;
  role: Role;
  discipline: Discipline | null;
  teams: string[];
  description: string;
};

export const hospitals = [
  {
    key: 'northbridge',
    odsCode: 'ZT1',
    name: 'Northbridge Teaching Hospitals NHS Foundation Trust',
    share: 45,
  },
  { key: 'eastmoor', odsCode: 'ZT2', name: 'Eastmoor General Hospital NHS Trust', share: 35 },
  { key: 'westvale', odsCode: 'ZT3', name: 'Westvale and District Hospitals NHS Trust', share: 20 },
] as const;

export const organisations: DemoOrganisation[] = [
  { key: 'icb', odsCode: 'ZQ1', name: 'NHS Riverside Integrated Care Board', kind: 'integrated-care-board' },
  ...hospitals.map((h) => ({ key: h.key, odsCode: h.odsCode, name: h.name, kind: 'nhs-trust' as const })),
  {
    key: 'mental-health',
    odsCode: 'ZM1',
    name: 'Riverside Mental Health NHS Foundation Trust',
    kind: 'nhs-trust',
  },
  { key: 'recovery', odsCode: 'ZV1', name: 'Riverside Recovery Partnership', kind: 'voluntary-sector' },
  { key: 'haven', odsCode: 'ZV2', name: 'Riverside Mind', kind: 'voluntary-sector' },
];

export const teams: DemoTeam[] = [
  ...hospitals.flatMap((h, i) => [
    {
      key: `${h.key}-liaison`,
      organisation: h.key,
      name: `Liaison Psychiatry, ${h.name.split(' ')[0]}`,
      kind: 'liaison-psychiatry' as const,
      letterhead: {
        address: `Emergency Department, ${h.name.split(' ')[0]} Hospital\n${i + 1} Infirmary Road\nRiverside RV${i + 1} 4NH`,
        phone: `0161 496 09${i}0`,
        secureEmail: `liaison.${h.key}@nhs.net`,
      },
    },
    {
      key: `${h.key}-follow-up`,
      organisation: h.key,
      name: `Liaison Follow-up Clinic, ${h.name.split(' ')[0]}`,
      kind: 'liaison-follow-up' as const,
    },
  ]),
  {
    key: 'talking-therapies',
    organisation: 'mental-health',
    name: 'Riverside NHS Talking Therapies',
    kind: 'talking-therapies',
  },
  {
    key: 'crisis',
    organisation: 'mental-health',
    name: 'Crisis Resolution and Home Treatment Team',
    kind: 'crisis-home-treatment',
  },
  {
    key: 'cmht-north',
    organisation: 'mental-health',
    name: 'Community Mental Health Team North',
    kind: 'community-mental-health',
  },
  {
    key: 'cmht-south',
    organisation: 'mental-health',
    name: 'Community Mental Health Team South',
    kind: 'community-mental-health',
  },
  {
    key: 'drug-alcohol',
    organisation: 'recovery',
    name: 'Riverside Drug and Alcohol Service',
    kind: 'drug-alcohol',
  },
  { key: 'safe-haven', organisation: 'haven', name: 'Riverside Safe Haven', kind: 'voluntary-sector' },
  { key: 'analytics', organisation: 'icb', name: 'ICB Analytics', kind: 'analytics' },
  { key: 'administration', organisation: 'icb', name: 'Onward Administration', kind: 'administration' },
];

export const users: DemoUser[] = [
  {
    username: 'practitioner',
    displayName: 'Sam Okafor',
    role: 'liaison-practitioner',
    discipline: 'mental-health-nurse',
    teams: ['northbridge-liaison'],
    description: 'Liaison practitioner (nurse), Northbridge',
  },
  {
    username: 'consultant',
    displayName: 'Dr Priya Raman',
    role: 'senior-clinician',
    discipline: 'liaison-psychiatrist',
    teams: ['northbridge-liaison'],
    description: 'Senior clinician (consultant liaison psychiatrist), Northbridge',
  },
  {
    username: 'pharmacist',
    displayName: 'Tom Hughes',
    role: 'mdt-contributor',
    discipline: 'pharmacist',
    teams: ['northbridge-liaison'],
    description: 'MDT contributor (pharmacist), Northbridge',
  },
  {
    username: 'occupational.therapist',
    displayName: 'Aisha Begum',
    role: 'mdt-contributor',
    discipline: 'occupational-therapist',
    teams: ['northbridge-liaison'],
    description: 'MDT contributor (occupational therapist), Northbridge',
  },
  {
    username: 'manager',
    displayName: 'Helen Clarke',
    role: 'team-manager',
    discipline: 'mental-health-nurse',
    teams: ['northbridge-liaison', 'northbridge-follow-up'],
    description: 'Team manager, Northbridge liaison',
  },
  {
    username: 'practitioner.eastmoor',
    displayName: 'Jordan Price',
    role: 'liaison-practitioner',
    discipline: 'social-worker',
    teams: ['eastmoor-liaison'],
    description: 'Liaison practitioner (social worker), Eastmoor',
  },
  {
    username: 'practitioner.westvale',
    displayName: 'Megan Lloyd',
    role: 'liaison-practitioner',
    discipline: 'mental-health-nurse',
    teams: ['westvale-liaison'],
    description: 'Liaison practitioner (nurse), Westvale',
  },
  {
    username: 'talking.therapies',
    displayName: 'Chris Walker',
    role: 'receiving-clinician',
    discipline: 'therapist',
    teams: ['talking-therapies'],
    description: 'Receiving clinician, NHS Talking Therapies',
  },
  {
    username: 'crisis.team',
    displayName: 'Nadia Hussain',
    role: 'receiving-clinician',
    discipline: 'mental-health-nurse',
    teams: ['crisis'],
    description: 'Receiving clinician, crisis resolution and home treatment',
  },
  {
    username: 'analyst',
    displayName: 'Owen Bennett',
    role: 'analyst',
    discipline: null,
    teams: ['analytics'],
    description: 'Analyst, ICB (de-identified figures only)',
  },
  {
    username: 'admin',
    displayName: 'Grace Thompson',
    role: 'administrator',
    discipline: null,
    teams: ['administration'],
    description: 'Administrator (accounts, no patient records)',
  },
];

/** The password every demo account shares; printed at start, never used outside a demo. */
export const DEMO_PASSWORD = 'onward-demo-2026';

/** Postcode districts of the fictional ICS's area (real outcodes, made-up inward codes). */
export const outcodes = [
  'M8',
  'M9',
  'M11',
  'M12',
  'M14',
  'M18',
  'M19',
  'M22',
  'M23',
  'M40',
  'OL1',
  'OL4',
  'OL8',
  'OL9',
  'BL1',
  'BL2',
  'BL3',
  'SK1',
  'SK2',
  'SK5',
  'SK14',
  'WN1',
  'WN2',
  'WN5',
] as const;

/** GP practices: ODS codes Z + five digits, likewise never real. */
export const gpPracticeCount = 40;
export const gpPracticeOds = (i: number) => `Z${String(10001 + i).padStart(5, '0')}`;
