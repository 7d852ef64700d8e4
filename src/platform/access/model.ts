// Roles and what each may do (docs/architecture.md, "The access model"). Permissions say which kind of page a
// role may reach; whether a given patient may be seen is the care relationship, checked again
// for every record (canSeePatient in the patients part).

export const roles = [
  'liaison-practitioner',
  'senior-clinician',
  'mdt-contributor',
  'receiving-clinician',
  'team-manager',
  'analyst',
  'administrator',
] as const;
export type Role = (typeof roles)[number];

export const roleNames: Record<Role, string> = {
  'liaison-practitioner': 'Liaison practitioner',
  'senior-clinician': 'Senior clinician',
  'mdt-contributor': 'Multidisciplinary team contributor',
  'receiving-clinician': 'Receiving-service clinician',
  'team-manager': 'Team manager',
  analyst: 'Analyst',
  administrator: 'Administrator',
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}

export const disciplines = [
  'mental-health-nurse',
  'psychiatrist',
  'social-worker',
  'occupational-therapist',
  'pharmacist',
  'psychologist',
  'community-mental-health-worker',
  'liaison-psychiatrist',
  'general-practitioner',
  'therapist',
  'support-worker',
] as const;
export type Discipline = (typeof disciplines)[number];

export const disciplineNames: Record<Discipline, string> = {
  'mental-health-nurse': 'Mental health nurse',
  psychiatrist: 'Psychiatrist',
  'social-worker': 'Social worker',
  'occupational-therapist': 'Occupational therapist',
  pharmacist: 'Pharmacist',
  psychologist: 'Psychologist',
  'community-mental-health-worker': 'Community mental health worker',
  'liaison-psychiatrist': 'Liaison psychiatrist',
  'general-practitioner': 'General practitioner',
  therapist: 'Therapist',
  'support-worker': 'Support worker',
};

export const permissions = [
  /** Anyone, signed in or not: sign-in page, health checks, assets. */
  'public',
  /** Any signed-in user: home page, sign-out. */
  'signed-in',
  'patient:search',
  'patient:read',
  /** Record presentations, assessments and plans: the liaison clinicians' own work. */
  'record:write',
  /** Answer a request for multidisciplinary input to a care plan, when named in it. */
  'input:answer',
  'audit:read-patient-access',
  /** Review the care relationships colleagues started (self-claimed legitimate relationships). */
  'care:review',
  /** Merge two records of one person: a senior clinician's named action. */
  'record:merge',
  /** Take up a rejected or stuck referral with the other service: a senior clinician's escalation. */
  'escalation:own',
  'referral:inbox',
  /** Read the directory of aftercare services: no patient in it. */
  'directory:read',
  /** Create and edit services in the directory: an administrator's job. */
  'directory:edit',
  'figures:read',
  /** The team's outbox: what Onward sent, or could not, for the team (no clinical content shown). */
  'outbox:read',
  'admin:accounts',
  /**
   * A service outside that calls in with its own bearer token (GOV.UK Notify's delivery receipts):
   * no role has it and no session or form token is asked for; the route checks the token itself.
   */
  'bearer',
] as const;
export type Permission = (typeof permissions)[number];

const clinical: Permission[] = ['signed-in', 'patient:search', 'patient:read', 'directory:read'];

export const rolePermissions: Record<Role, readonly Permission[]> = {
  'liaison-practitioner': [...clinical, 'record:write', 'input:answer', 'outbox:read'],
  'senior-clinician': [...clinical, 'record:write', 'record:merge', 'escalation:own', 'input:answer', 'outbox:read'],
  'mdt-contributor': [...clinical, 'input:answer'],
  // A receiving service sees what is referred to it, never a search over the hospital's patients.
  'receiving-clinician': ['signed-in', 'referral:inbox'],
  'team-manager': [...clinical, 'audit:read-patient-access', 'care:review', 'figures:read', 'outbox:read'],
  // De-identified aggregates only: no permission touches an identifiable record.
  analyst: ['signed-in', 'figures:read'],
  administrator: ['signed-in', 'admin:accounts', 'directory:read', 'directory:edit'],
};

export function may(role: string | undefined, permission: Permission): boolean {
  if (permission === 'public') return true;
  // A role the code does not know (say, one written into the database by hand) may do nothing.
  if (!isRole(role)) return false;
  return rolePermissions[role].includes(permission);
}
