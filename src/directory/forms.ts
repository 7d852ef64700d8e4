import { z } from 'zod';
import { type Parsed, parseVersion, proseText, text } from '#platform/forms.ts';
import {
  type Criterion,
  type CriterionCode,
  criteria,
  type ReferralRoute,
  referralRoutes,
  type Service,
  type ServiceKind,
  type ServiceStatus,
  serviceKinds,
  serviceStatuses,
} from './model.ts';

// The service form: every field of a service as an administrator types it, and each coded
// criterion as a choice (not used, takes only, excludes) with the service's own words beside it.

export type ServiceAnswers = Record<string, string>;

const plainFields = [
  'name',
  'providerOds',
  'kind',
  'status',
  'districts',
  'practices',
  'ageMin',
  'ageMax',
  'referralMustContain',
  'route',
  'phone',
  'secureEmail',
  'address',
  'openingTimes',
  'waitWeeks',
  'responseDays',
  'reason',
  'version',
] as const;

const criterionCodes = Object.keys(criteria) as CriterionCode[];

export function serviceAnswers(body: unknown): ServiceAnswers {
  const answers: ServiceAnswers = {};
  for (const f of plainFields) answers[f] = text(body, f);
  for (const code of criterionCodes) {
    answers[`use-${code}`] = text(body, `use-${code}`);
    answers[`words-${code}`] = text(body, `words-${code}`);
  }
  return answers;
}

/** The answers a stored service gives the form, to edit it. */
export function answersOf(s: Service & { version: number }): ServiceAnswers {
  const answers: ServiceAnswers = {
    name: s.name,
    providerOds: s.providerOds,
    kind: s.kind,
    status: s.status,
    districts: s.catchment.districts.join(' '),
    practices: s.catchment.practices.join(' '),
    ageMin: s.ages.min === null ? '' : String(s.ages.min),
    ageMax: s.ages.max === null ? '' : String(s.ages.max),
    referralMustContain: s.referralMustContain.join('\n'),
    route: s.route,
    phone: s.phone ?? '',
    secureEmail: s.secureEmail ?? '',
    address: s.address ?? '',
    openingTimes: s.openingTimes,
    waitWeeks: s.waitWeeks === null ? '' : String(s.waitWeeks),
    responseDays: s.responseDays === null ? '' : String(s.responseDays),
    reason: '',
    version: String(s.version),
  };
  for (const code of criterionCodes) {
    const c = s.criteria.find((x) => x.code === code);
    answers[`use-${code}`] = c?.kind ?? '';
    answers[`words-${code}`] = c?.text ?? '';
  }
  return answers;
}

const optionalWhole = (label: string, max: number) =>
  z
    .string()
    .trim()
    .refine((v) => v === '' || (/^[0-9]{1,3}$/.test(v) && Number(v) <= max), {
      message: `${label} must be a whole number from 0 to ${max}`,
    })
    .transform((v) => (v === '' ? null : Number(v)));

const optionalLine = (label: string, max: number) => proseText(label, max).transform((v) => (v === '' ? null : v));

const schema = z.object({
  name: z
    .string()
    .trim()
    .min(1, { message: 'Enter the service’s name' })
    .max(200, { message: 'The name must be 200 characters or fewer' }),
  providerOds: z.string().trim().toUpperCase(),
  kind: z.enum(serviceKinds as unknown as [ServiceKind, ...ServiceKind[]], { message: 'Select the kind of service' }),
  status: z.enum(Object.keys(serviceStatuses) as [ServiceStatus, ...ServiceStatus[]], {
    message: 'Select whether the service is taking referrals',
  }),
  districts: z
    .string()
    .max(2000, { message: 'List at most 2,000 characters of postcode districts' })
    .transform((v) =>
      v
        .toUpperCase()
        .split(/[\s,]+/)
        .filter(Boolean),
    ),
  practices: z
    .string()
    .max(2000, { message: 'List at most 2,000 characters of GP practices' })
    .transform((v) =>
      v
        .toUpperCase()
        .split(/[\s,]+/)
        .filter(Boolean),
    ),
  ageMin: optionalWhole('The youngest age', 120),
  ageMax: optionalWhole('The oldest age', 120),
  referralMustContain: proseText('What a referral must contain', 4000).transform((v) =>
    v
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  ),
  route: z.enum(Object.keys(referralRoutes) as [ReferralRoute, ...ReferralRoute[]], {
    message: 'Select how referrals are made',
  }),
  phone: optionalLine('The phone number', 30),
  secureEmail: z
    .string()
    .trim()
    .refine((v) => v === '' || z.email().safeParse(v).success, {
      message: 'Enter the secure email address in the right format, like team@nhs.net',
    })
    .transform((v) => (v === '' ? null : v.toLowerCase())),
  address: optionalLine('The address', 500),
  openingTimes: proseText('Opening times', 500),
  waitWeeks: optionalWhole('The waiting time', 520),
  responseDays: optionalWhole('The response target', 365),
});

const wordsMax = 500;

export function parseService(a: ServiceAnswers): Parsed<Service> {
  const parsed = schema.safeParse(a);
  const issues: Record<string, string> = {};
  if (!parsed.success) for (const i of parsed.error.issues) issues[String(i.path[0])] ??= i.message;
  const chosen: Criterion[] = [];
  for (const code of criterionCodes) {
    const use = a[`use-${code}`] ?? '';
    const words = proseText('The service’s words', wordsMax).safeParse(a[`words-${code}`] ?? '');
    if (!words.success)
      issues.criteria ??= `${criteria[code].text}: the service’s words must be ${wordsMax} characters or fewer`;
    if (use === '') continue;
    if (use !== 'eligibility' && use !== 'exclusion') {
      issues.criteria ??= `${criteria[code].text}: choose not used, takes only, or excludes`;
      continue;
    }
    chosen.push({ code, kind: use, text: words.success ? words.data : '' });
  }
  if (Object.keys(issues).length > 0 || !parsed.success) return { ok: false, issues };
  const v = parsed.data;
  return {
    ok: true,
    value: {
      name: v.name,
      providerOds: v.providerOds,
      kind: v.kind,
      status: v.status,
      catchment: { districts: v.districts, practices: v.practices },
      ages: { min: v.ageMin, max: v.ageMax },
      criteria: chosen,
      referralMustContain: v.referralMustContain,
      route: v.route,
      phone: v.phone,
      secureEmail: v.secureEmail,
      address: v.address,
      openingTimes: v.openingTimes,
      waitWeeks: v.waitWeeks,
      responseDays: v.responseDays,
    },
  };
}

/** A change to a service: the service as changed, the version the administrator opened, and why. */
export function parseServiceChange(a: ServiceAnswers): Parsed<{ service: Service; version: number; reason: string }> {
  const service = parseService(a);
  const issues: Record<string, string> = service.ok ? {} : { ...service.issues };
  const version = parseVersion(a.version ?? '');
  const reason = proseText('The reason', 2000).safeParse(a.reason ?? '');
  if (!reason.success) issues.reason ??= reason.error.issues[0]!.message;
  else if (reason.data === '') issues.reason ??= 'Say why you are changing this service';
  if (version === null) issues.reason ??= 'Open the service again and make your change there';
  if (!service.ok || !reason.success || version === null || Object.keys(issues).length > 0)
    return { ok: false, issues };
  return { ok: true, value: { service: service.value, version, reason: reason.data } };
}
