import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  type Criterion,
  criteria,
  isCriterionCode,
  type ReferralRoute,
  referralRoutes,
  type Service,
  type ServiceKind,
  type ServiceStatus,
  serviceKinds,
} from './model.ts';

// A directory service in the Open Referral UK shape (HSDS 3.0, UK profile, "HSDS-UK-3.0"), and back:
// pure mappings and the schema an import is read with. No I/O.
//
// The profile has no home for most of what a referral needs: it removed eligibility descriptions
// and wait times, and keeps phone numbers only in its flat tables. So, and why:
// - Criteria, the kind, how to refer, what a referral must contain, the published wait and the
//   response target are `attributes`, each a taxonomy term in one of Onward's vocabularies (named in
//   `taxonomy`, the code in `term`, the service's words in `description`): a reader that knows none
//   of them still reads each term's name.
// - The area is `service_areas`: one per postcode district and one per GP practice, the code in the
//   profile's own `service_area` field and `extent_type` saying which.
// - The provider is `organization`, its ODS code an organisation identifier.
// - The phone is a `phones` entry as full HSDS 3.0 has it (the profile's validator accepts extra
//   fields, and a consumer would look for it there); the secure email is the service's `email`.
// - The address is one physical location's address; opening times a schedule's description.
// An import reads every field the profile defines (known fields Onward does not use are type-checked
// and left) and refuses fields the profile does not have, naming each.

export const OPEN_REFERRAL_PROFILE = 'HSDS-UK-3.0';
export const VOCABULARY = {
  kind: 'urn:onward:codesystem:service-kind',
  takesOnly: 'urn:onward:codesystem:service-criterion',
  excludes: 'urn:onward:codesystem:service-exclusion',
  route: 'urn:onward:codesystem:referral-route',
  mustContain: 'urn:onward:codesystem:referral-must-contain',
  waitWeeks: 'urn:onward:codesystem:published-wait-weeks',
  responseDays: 'urn:onward:codesystem:response-target-working-days',
} as const;

const statusOut: Record<ServiceStatus, string> = {
  active: 'active',
  'temporarily-closed': 'temporarily closed',
  inactive: 'inactive',
};
const statusIn: Record<string, ServiceStatus> = {
  active: 'active',
  'temporarily closed': 'temporarily-closed',
  inactive: 'inactive',
  defunct: 'inactive',
};

/** An id for a part of a service, the same every export: a name-based UUID from the service's id. */
export function partId(serviceId: string, part: string): string {
  const h = createHash('sha1').update(`${serviceId}/${part}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

const postcodeAtEnd = /,?\s*([A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})\s*$/i;

export function serviceToOpenReferral(s: Service & { id: string }, organisationName: string | null) {
  const id = s.id;
  const organisation = partId(id, `organisation/${s.providerOds}`);
  const term = (taxonomy: string, code: string, name: string, description: string) => {
    const termId = partId(id, `term/${taxonomy}/${code}`);
    return {
      id: partId(id, `attribute/${taxonomy}/${code}`),
      link_id: id,
      link_type: 'service',
      taxonomy_term_id: termId,
      taxonomy_term: { id: termId, name, description, taxonomy, term: code },
    };
  };
  const address = s.address?.replace(/\s*\n\s*/g, ', ') ?? null;
  const postcode = address ? (postcodeAtEnd.exec(address)?.[1]?.toUpperCase() ?? '') : '';
  const location = partId(id, 'location');
  return {
    id,
    organization_id: organisation,
    name: s.name,
    status: statusOut[s.status],
    ...(s.secureEmail ? { email: s.secureEmail } : {}),
    ...(s.ages.min !== null ? { minimum_age: s.ages.min } : {}),
    ...(s.ages.max !== null ? { maximum_age: s.ages.max } : {}),
    organization: {
      id: organisation,
      name: organisationName ?? `Provider ${s.providerOds}`,
      description: `NHS organisation ${s.providerOds}`,
      organization_identifiers: [
        {
          id: partId(id, 'ods'),
          organization_id: organisation,
          identifier_scheme: 'GB-NHS',
          identifier_type: 'ODS code',
          identifier: s.providerOds,
        },
      ],
    },
    ...(s.phone
      ? { phones: [{ id: partId(id, 'phone'), number: s.phone, description: 'Referrals and enquiries' }] }
      : {}),
    ...(s.openingTimes
      ? { schedules: [{ id: partId(id, 'schedule'), service_id: id, description: s.openingTimes }] }
      : {}),
    service_areas: [
      ...s.catchment.districts.map((d) => ({
        id: partId(id, `district/${d}`),
        service_id: id,
        name: `Postcode district ${d}`,
        extent_type: 'postcode_district',
        service_area: d,
      })),
      ...s.catchment.practices.map((p) => ({
        id: partId(id, `practice/${p}`),
        service_id: id,
        name: `GP practice ${p}`,
        extent_type: 'gp_practice',
        service_area: p,
      })),
    ],
    ...(address
      ? {
          service_at_locations: [
            {
              id: partId(id, 'service-at-location'),
              service_id: id,
              location_id: location,
              location: {
                id: location,
                location_type: 'physical',
                addresses: [
                  {
                    id: partId(id, 'address'),
                    location_id: location,
                    address_1: address.replace(postcodeAtEnd, ''),
                    city: '',
                    state_province: '',
                    postal_code: postcode,
                    country: 'GB',
                    address_type: 'physical',
                  },
                ],
              },
            },
          ],
        }
      : {}),
    attributes: [
      term(VOCABULARY.kind, s.kind, s.kind, 'The kind of service'),
      ...s.criteria.map((c) =>
        term(
          c.kind === 'eligibility' ? VOCABULARY.takesOnly : VOCABULARY.excludes,
          c.code,
          `${c.kind === 'eligibility' ? 'Takes only' : 'Excludes'}: ${criteria[c.code].text}`,
          c.text || criteria[c.code].text,
        ),
      ),
      term(VOCABULARY.route, s.route, referralRoutes[s.route], 'How to refer'),
      ...s.referralMustContain.map((item, i) =>
        term(VOCABULARY.mustContain, String(i + 1), item, 'A referral must contain this'),
      ),
      ...(s.waitWeeks !== null
        ? [term(VOCABULARY.waitWeeks, String(s.waitWeeks), `${s.waitWeeks} weeks`, 'Published waiting time')]
        : []),
      ...(s.responseDays !== null
        ? [
            term(
              VOCABULARY.responseDays,
              String(s.responseDays),
              `${s.responseDays} working days`,
              'Answers a referral within',
            ),
          ]
        : []),
    ],
  };
}

/** The whole directory as the profile's paginated list, on one page. */
export function openReferralList(services: ReturnType<typeof serviceToOpenReferral>[]) {
  return {
    total_items: services.length,
    total_pages: 1,
    page_number: 1,
    size: services.length,
    first_page: true,
    last_page: true,
    empty: services.length === 0,
    contents: services,
  };
}

// -- reading: the profile's service, every field it defines, nothing else.

const text = z.string();
const id = z.string().min(1);
const strict = <S extends z.ZodRawShape>(shape: S) => z.strictObject(shape);
const term = strict({
  id,
  name: text,
  description: text,
  parent_id: text.optional(),
  taxonomy: text.optional(),
  taxonomy_id: text.optional(),
  term_uri: text.optional(),
  term: text.optional(),
});
const attribute = strict({
  id,
  link_id: text.optional(),
  taxonomy_term_id: text.optional(),
  link_type: text.optional(),
  taxonomy_term: term.optional(),
});
const address = strict({
  id,
  location_id: text.optional(),
  attention: text.optional(),
  address_1: text,
  city: text,
  region: text.optional(),
  state_province: text,
  postal_code: text,
  country: text,
  address_type: z.enum(['physical', 'postal', 'virtual']),
  attributes: z.array(attribute).optional(),
});
const location = strict({
  id,
  location_type: z.enum(['physical', 'postal', 'virtual']),
  name: text.optional(),
  description: text.optional(),
  latitude: z.number().optional(),
  longitude: z.number().optional(),
  external_identifier: text.optional(),
  external_identifier_type: text.optional(),
  addresses: z.array(address).optional(),
  accessibility: z.array(z.record(z.string(), z.unknown())).optional(),
  attributes: z.array(attribute).optional(),
});
export const openReferralService = strict({
  id,
  organization_id: text.optional(),
  name: text.min(1, { message: 'has no name' }),
  description: text.optional(),
  url: text.optional(),
  email: z.email({ message: 'email is not an email address' }).optional(),
  status: z.enum(['active', 'inactive', 'defunct', 'temporarily closed'], {
    message: 'status must be active, inactive, defunct or temporarily closed',
  }),
  fees: text.optional(),
  accreditations: text.optional(),
  minimum_age: z.number().int().min(0).max(130).optional(),
  maximum_age: z.number().int().min(0).max(130).optional(),
  assured_date: text.optional(),
  assurer_email: text.optional(),
  alert: text.optional(),
  last_modified: text.optional(),
  organization: strict({
    id,
    name: text,
    description: text,
    email: text.optional(),
    website: text.optional(),
    logo: text.optional(),
    uri: text.optional(),
    parent_organization_id: text.optional(),
    organization_identifiers: z
      .array(
        strict({
          id,
          organization_id: text.optional(),
          identifier_scheme: text.optional(),
          identifier_type: text,
          identifier: text,
          attributes: z.array(attribute).optional(),
        }),
      )
      .optional(),
    attributes: z.array(attribute).optional(),
  }).optional(),
  // Full HSDS 3.0's phones on a service, which Onward writes (the profile keeps phones in its flat tables).
  phones: z.array(strict({ id, contact_id: text.optional(), number: text, description: text.optional() })).optional(),
  schedules: z
    .array(
      strict({
        id,
        service_id: text.optional(),
        service_at_location_id: text.optional(),
        valid_from: text.optional(),
        valid_to: text.optional(),
        dtstart: text.optional(),
        freq: z.enum(['WEEKLY', 'MONTHLY']).optional(),
        interval: z.number().optional(),
        byday: text.optional(),
        bymonthday: text.optional(),
        description: text.optional(),
        opens_at: text.optional(),
        closes_at: text.optional(),
        schedule_link: text.optional(),
        attending_type: text.optional(),
        notes: text.optional(),
      }),
    )
    .optional(),
  service_areas: z
    .array(
      strict({
        id,
        service_id: text.optional(),
        name: text.optional(),
        extent: text.optional(),
        extent_type: text.optional(),
        uri: text.optional(),
        service_area: text.optional(),
      }),
    )
    .optional(),
  service_at_locations: z
    .array(strict({ id, service_id: text.optional(), location_id: text.optional(), location: location.optional() }))
    .optional(),
  languages: z.array(strict({ id, service_id: text.optional(), phone_id: text.optional() })).optional(),
  funding: z.array(strict({ id, service_id: text.optional(), source: text.optional() })).optional(),
  cost_options: z
    .array(
      strict({
        id,
        service_id: text.optional(),
        valid_from: text.optional(),
        valid_to: text.optional(),
        option: text.optional(),
        amount: z.number().optional(),
        amount_description: text.optional(),
      }),
    )
    .optional(),
  contacts: z
    .array(
      strict({
        id,
        service_id: text.optional(),
        name: text.optional(),
        title: text.optional(),
        attributes: z.array(attribute).optional(),
      }),
    )
    .optional(),
  attributes: z.array(attribute).optional(),
});
type OpenReferralService = z.infer<typeof openReferralService>;

/** The services in a file: the profile's list response (`contents`), a bare array, or one service. */
export function servicesInFile(json: unknown): unknown[] | null {
  if (Array.isArray(json)) return json;
  if (typeof json !== 'object' || json === null) return null;
  const o = json as Record<string, unknown>;
  if (Array.isArray(o.contents)) return o.contents;
  if ('name' in o && 'status' in o) return [o];
  return null;
}

/** Where a zod issue is, in words: "organization.organization_identifiers[0].identifier". */
function where(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${String(p)}` : String(p)),
    '',
  );
}

/** One service of the profile's shape read into Onward's, or every problem with it. */
export function serviceFromOpenReferral(
  raw: unknown,
): { ok: true; service: Service } | { ok: false; problems: string[] } {
  const parsed = openReferralService.safeParse(raw);
  if (!parsed.success)
    return {
      ok: false,
      problems: parsed.error.issues.map((i) =>
        i.code === 'unrecognized_keys'
          ? `${where(i.path) || 'the service'} has ${i.keys.length === 1 ? 'a field' : 'fields'} the profile does not: ${i.keys.join(', ')}`
          : `${where(i.path) || 'the service'}: ${i.message}`,
      ),
    };
  return read(parsed.data);
}

function read(o: OpenReferralService): { ok: true; service: Service } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const terms = (o.attributes ?? []).flatMap((a) => (a.taxonomy_term ? [a.taxonomy_term] : []));
  const inVocabulary = (v: string) => terms.filter((t) => t.taxonomy === v);
  const kind = inVocabulary(VOCABULARY.kind)[0]?.term;
  if (!kind || !(serviceKinds as readonly string[]).includes(kind))
    problems.push(`the kind of service is missing or unknown (an attribute in ${VOCABULARY.kind})`);
  const route = inVocabulary(VOCABULARY.route)[0]?.term;
  if (!route || !Object.hasOwn(referralRoutes, route))
    problems.push(`how to refer is missing or unknown (an attribute in ${VOCABULARY.route})`);
  const ods = o.organization?.organization_identifiers?.find((i) => i.identifier_type === 'ODS code')?.identifier;
  if (!ods) problems.push('the provider has no ODS code (an organisation identifier of type "ODS code")');
  const crit: Criterion[] = [];
  // In the order written: a service's criteria read as the service listed them.
  for (const t of terms) {
    const kindOf =
      t.taxonomy === VOCABULARY.takesOnly ? 'eligibility' : t.taxonomy === VOCABULARY.excludes ? 'exclusion' : null;
    if (!kindOf) continue;
    if (!t.term || !isCriterionCode(t.term)) problems.push(`“${t.term ?? t.name}” is not one of Onward’s criteria`);
    else crit.push({ code: t.term, kind: kindOf, text: t.description });
  }
  const number = (v: string) => {
    const t = inVocabulary(v)[0]?.term;
    if (t === undefined) return null;
    const n = Number(t);
    if (!Number.isInteger(n) || n < 0 || n > 520) {
      problems.push(`“${t}” in ${v} is not a whole number`);
      return null;
    }
    return n;
  };
  const waitWeeks = number(VOCABULARY.waitWeeks);
  const responseDays = number(VOCABULARY.responseDays);
  const areas = o.service_areas ?? [];
  const addressOf = o.service_at_locations?.[0]?.location?.addresses?.[0];
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    service: {
      name: o.name,
      providerOds: ods!.trim().toUpperCase(),
      kind: kind as ServiceKind,
      status: statusIn[o.status]!,
      catchment: {
        districts: areas
          .filter((a) => a.extent_type === 'postcode_district')
          .map((a) => (a.service_area ?? '').trim().toUpperCase()),
        practices: areas
          .filter((a) => a.extent_type === 'gp_practice')
          .map((a) => (a.service_area ?? '').trim().toUpperCase()),
      },
      ages: { min: o.minimum_age ?? null, max: o.maximum_age ?? null },
      criteria: crit,
      referralMustContain: inVocabulary(VOCABULARY.mustContain)
        .sort((a, b) => Number(a.term) - Number(b.term))
        .map((t) => t.name),
      route: route as ReferralRoute,
      phone: o.phones?.[0]?.number ?? null,
      secureEmail: o.email ?? null,
      address: addressOf
        ? [addressOf.address_1, addressOf.city, addressOf.state_province, addressOf.postal_code]
            .map((p) => p.trim())
            .filter(Boolean)
            .join(', ')
        : null,
      openingTimes: o.schedules?.[0]?.description ?? '',
      waitWeeks,
      responseDays,
    },
  };
}
