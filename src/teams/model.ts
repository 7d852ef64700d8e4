import type { Discipline, Role } from '#platform/access/model.ts';

// Organisations (by ODS code), their teams, and the people in them.

export const organisationKinds = [
  'integrated-care-board',
  'nhs-trust',
  'gp-practice',
  'voluntary-sector',
  'local-authority',
] as const;
export type OrganisationKind = (typeof organisationKinds)[number];

export const teamKinds = [
  'liaison-psychiatry',
  'talking-therapies',
  'crisis-home-treatment',
  'community-mental-health',
  'general-practice',
  'drug-alcohol',
  'voluntary-sector',
  'liaison-follow-up',
  'analytics',
  'administration',
] as const;
export type TeamKind = (typeof teamKinds)[number];

export const teamKindNames: Record<TeamKind, string> = {
  'liaison-psychiatry': 'Liaison psychiatry',
  'talking-therapies': 'NHS Talking Therapies',
  'crisis-home-treatment': 'Crisis resolution and home treatment',
  'community-mental-health': 'Community mental health team',
  'general-practice': 'General practice',
  'drug-alcohol': 'Drug and alcohol service',
  'voluntary-sector': 'Voluntary sector',
  'liaison-follow-up': 'Liaison follow-up clinic',
  analytics: 'Analytics',
  administration: 'Administration',
};

/**
 * SNOMED CT care-setting codes from the UK Core value set, as listed in docs/clinical-rules.md
 * (UKCore-CareSettingType). Kinds without a code in that set have none rather than a guess.
 */
export const teamServiceCodes: Partial<Record<TeamKind, string>> = {
  'liaison-psychiatry': '310119000', // Liaison psychiatry service
  'community-mental-health': '89301000000108', // Community mental health team
  'crisis-home-treatment': '92151000000102', // Mental health crisis resolution team
  'talking-therapies': '310123008', // Psychology service
};

export type Organisation = { id: string; odsCode: string; name: string; kind: OrganisationKind };
export type Team = { id: string; organisationId: string; name: string; kind: TeamKind };
export type User = {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  discipline: Discipline | null;
};

/** ODS codes: 3 to 6 capitals and digits (trusts RXX, sites RXX01, practices A12345). */
export function isOdsCode(value: string): boolean {
  return /^[A-Z0-9]{3,6}$/.test(value);
}

/** Usernames are case-insensitive: "J.Smith" and "j.smith" are one person. */
export function normaliseUsername(value: string): string {
  return value.trim().toLowerCase();
}
