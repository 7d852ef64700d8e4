import { sql } from 'kysely';
import type { Db } from '#platform/db/schema.ts';
import type { Criterion, ReferralRoute, Service, ServiceKind, ServiceStatus } from './model.ts';

// The directory's SQL: services with their coded criteria, a page of them by name, and every saved
// version with who saved it and why.

export type StoredService = Service & { id: string; version: number; updatedAt: Date };

const columns = [
  'id',
  'name',
  'provider_ods',
  'kind',
  'status',
  'catchment_districts',
  'catchment_practices',
  'age_min',
  'age_max',
  'criteria',
  'referral_must_contain',
  'route',
  'phone',
  'secure_email',
  'address',
  'opening_times',
  'wait_weeks',
  'response_days',
  'version',
  'updated_at',
] as const;

const parsed = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

type Row = {
  id: string;
  name: string;
  provider_ods: string;
  kind: string;
  status: string;
  catchment_districts: string[];
  catchment_practices: string[];
  age_min: number | null;
  age_max: number | null;
  criteria: unknown;
  referral_must_contain: unknown;
  route: string;
  phone: string | null;
  secure_email: string | null;
  address: string | null;
  opening_times: string;
  wait_weeks: number | null;
  response_days: number | null;
  version: number;
  updated_at: Date;
};

function toService(r: Row): StoredService {
  return {
    id: r.id,
    name: r.name,
    providerOds: r.provider_ods,
    kind: r.kind as ServiceKind,
    status: r.status as ServiceStatus,
    catchment: { districts: r.catchment_districts, practices: r.catchment_practices },
    ages: { min: r.age_min, max: r.age_max },
    criteria: parsed<Criterion[]>(r.criteria),
    referralMustContain: parsed<string[]>(r.referral_must_contain),
    route: r.route as ReferralRoute,
    phone: r.phone,
    secureEmail: r.secure_email,
    address: r.address,
    openingTimes: r.opening_times,
    waitWeeks: r.wait_weeks,
    responseDays: r.response_days,
    version: r.version,
    updatedAt: r.updated_at,
  };
}

const values = (s: Service) => ({
  name: s.name,
  provider_ods: s.providerOds,
  kind: s.kind,
  status: s.status,
  catchment_districts: s.catchment.districts,
  catchment_practices: s.catchment.practices,
  age_min: s.ages.min,
  age_max: s.ages.max,
  criteria: JSON.stringify(s.criteria),
  referral_must_contain: JSON.stringify(s.referralMustContain),
  route: s.route,
  phone: s.phone,
  secure_email: s.secureEmail,
  address: s.address,
  opening_times: s.openingTimes,
  wait_weeks: s.waitWeeks,
  response_days: s.responseDays,
});

export async function insertService(db: Db, s: Service, by: string, at: Date): Promise<string> {
  const row = await db
    .insertInto('healthcare_services')
    .values({ ...values(s), created_by: by, created_at: at, updated_by: by, updated_at: at })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findService(db: Db, id: string): Promise<StoredService | undefined> {
  const row = await db.selectFrom('healthcare_services').select(columns).where('id', '=', id).executeTakeFirst();
  return row && toService(row as Row);
}

/** Save over the version the editor opened: nothing is written, and false comes back, if it has moved on. */
export async function updateService(
  db: Db,
  id: string,
  openedVersion: number,
  s: Service,
  by: string,
  at: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('healthcare_services')
    .set((eb) => ({ ...values(s), updated_by: by, updated_at: at, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', openedVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function keepServiceVersion(
  db: Db,
  v: { serviceId: string; version: number; service: Service; reason: string; by: string; at: Date },
): Promise<void> {
  await db
    .insertInto('healthcare_service_versions')
    .values({
      service_id: v.serviceId,
      version: v.version,
      content: JSON.stringify(v.service),
      reason: v.reason,
      saved_by: v.by,
      saved_at: v.at,
    })
    .execute();
}

export async function versionsOfService(db: Db, serviceId: string) {
  const rows = await db
    .selectFrom('healthcare_service_versions as v')
    .innerJoin('users as u', 'u.id', 'v.saved_by')
    .select(['v.version', 'v.reason', 'v.saved_at', 'u.display_name'])
    .where('v.service_id', '=', serviceId)
    .orderBy('v.version', 'desc')
    .limit(100)
    .execute();
  return rows.map((r) => ({ version: r.version, reason: r.reason, savedAt: r.saved_at, byName: r.display_name }));
}

/** A page of the directory in name order, by keyset (lower-cased name, id): no OFFSET, no cap. */
export type DirectoryFilter = { kind?: ServiceKind; status?: ServiceStatus; name?: string };

export async function servicesByName(
  db: Db,
  limit: number,
  after: [string, string] | undefined,
  filter: DirectoryFilter = {},
) {
  let q = db
    .selectFrom('healthcare_services')
    .select([...columns, sql<string>`lower(name)`.as('name_key')])
    .orderBy(sql`lower(name)`)
    .orderBy('id')
    .limit(limit);
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  if (filter.status) q = q.where('status', '=', filter.status);
  // Words typed are matched as text anywhere in the name: LIKE's own wildcards are taken literally.
  if (filter.name) q = q.where(sql<boolean>`strpos(lower(name), ${filter.name.toLowerCase()}) > 0`);
  if (after) q = q.where(sql<boolean>`(lower(name), id) > (${after[0]}, ${after[1]}::uuid)`);
  const rows = await q.execute();
  return rows.map((r) => ({ ...toService(r as Row), nameKey: r.name_key }));
}

/**
 * Every service in name order — only those still running for matching, all of them for an export. A
 * directory is hundreds or a few thousand services, read whole; the limit is a guard.
 */
export async function allServices(db: Db, o: { running?: boolean } = {}): Promise<StoredService[]> {
  let q = db.selectFrom('healthcare_services').select(columns).orderBy('name').orderBy('id').limit(100_000);
  if (o.running) q = q.where('status', '<>', 'inactive');
  const rows = await q.execute();
  return rows.map((r) => toService(r as Row));
}

/** Organisations' names by ODS code, for those Onward holds. */
export async function organisationNames(db: Db, odsCodes: string[]): Promise<Map<string, string>> {
  if (odsCodes.length === 0) return new Map();
  const rows = await db
    .selectFrom('organisations')
    .select(['ods_code', 'name'])
    .where('ods_code', 'in', odsCodes)
    .execute();
  return new Map(rows.map((r) => [r.ods_code, r.name]));
}
