import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';

// The database as Kysely sees it. Column types here must match the migrations; the store of each
// part maps rows to its model types so these names stay in the store.

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;

export type OrganisationsTable = {
  id: Generated<string>;
  ods_code: string;
  name: string;
  kind: string;
  created_at: CreatedAt;
  secure_email: Generated<string | null>;
};

export type TeamsTable = {
  id: Generated<string>;
  organisation_id: string;
  name: string;
  kind: string;
  service_code: string | null;
  created_at: CreatedAt;
  address: Generated<string | null>;
  phone: Generated<string | null>;
  secure_email: Generated<string | null>;
};

export type UsersTable = {
  id: Generated<string>;
  username: string;
  display_name: string;
  role: string;
  discipline: string | null;
  password_hash: string | null;
  failed_sign_ins: Generated<number>;
  locked_until: Date | null;
  disabled_at: Date | null;
  created_at: CreatedAt;
  version: Generated<number>;
};

export type TeamMembershipsTable = { user_id: string; team_id: string };

export type PatientsTable = {
  id: Generated<string>;
  nhs_number: string | null;
  given_name: string;
  family_name: string;
  /** YYYY-MM-DD: the type parser is pinned so both engines return the same string. */
  date_of_birth: string;
  sex: string;
  ethnic_category: string;
  postcode: string | null;
  imd_decile: number | null;
  gp_practice_ods: string | null;
  created_at: CreatedAt;
  version: Generated<number>;
  identity: Generated<string>;
  registered_by: string | null;
  merged_into: string | null;
  phone: Generated<string | null>;
};

export type PopulationRegisterTable = {
  id: Generated<string>;
  nhs_number: string | null;
  given_name: string;
  family_name: string;
  date_of_birth: string;
  sex: string;
  postcode: string | null;
  gp_practice_ods: string | null;
  phone: Generated<string | null>;
};

export type PatientMergesTable = {
  id: Generated<string>;
  survivor_id: string;
  merged_id: string;
  merged_by: string;
  merged_at: Date;
  reason: string;
  moved: ColumnType<unknown, string, string>;
};

export type CareRelationshipsTable = {
  id: Generated<string>;
  patient_id: string;
  team_id: string;
  started_at: Date;
  ended_at: Date | null;
  ended_by: string | null;
  end_reason: string | null;
  end_reason_text: string | null;
  follow_up_reason: string | null;
  open_referrals_reason: string | null;
  started_by: string | null;
  start_reason: string | null;
  start_reason_text: string | null;
  found_by: string | null;
};

export type SessionsTable = {
  id: string;
  user_id: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  ended_at: Date | null;
  end_reason: string | null;
};

export type AuditLogTable = {
  /** The order entries were written in (not the chain's order). */
  id: Generated<number>;
  /** The transaction that wrote the entry: the sealer's horizon and the chain's order. */
  txid: Generated<number>;
  /** Place in the chain; null until sealed, as are prev_hash and hash. */
  seq: number | null;
  at: Date;
  user_id: string | null;
  role: string | null;
  action: string;
  patient_id: string | null;
  outcome: string;
  detail: string;
  prev_hash: string | null;
  hash: string | null;
};

export type RecordEventsTable = {
  id: Generated<number>;
  at: Date;
  user_id: string;
  patient_id: string;
  subject_type: string;
  subject_id: string;
  type: string;
  from_state: string | null;
  to_state: string | null;
  data: ColumnType<unknown, string, string>;
};

export type PresentationsTable = {
  id: Generated<string>;
  patient_id: string;
  team_id: string;
  arrived_at: Date;
  left_at: Date | null;
  outcome: string | null;
  methods: string[];
  recorded_by: string;
  recorded_at: Date;
  version: Generated<number>;
  entered_in_error_at: Date | null;
  entered_in_error_by: string | null;
  entered_in_error_reason: string | null;
};

export type AssessmentAddendaTable = {
  id: string;
  assessment_id: string;
  patient_id: string;
  text: string;
  written_by: string;
  written_at: Date;
};

export type RecordVersionsTable = {
  subject_id: string;
  version: number;
  subject_type: string;
  patient_id: string;
  content: ColumnType<unknown, string, string>;
  saved_by: string;
  saved_at: Date;
};

export type AssessmentsTable = {
  id: Generated<string>;
  patient_id: string;
  presentation_id: string;
  team_id: string;
  status: string;
  sections: ColumnType<unknown, string, string>;
  version: Generated<number>;
  started_by: string;
  started_at: Date;
  updated_by: string;
  updated_at: Date;
  finalised_by: string | null;
  finalised_at: Date | null;
  follow_up_due_at: Date | null;
  assessed_at: Date | null;
  entered_in_error_at: Date | null;
  entered_in_error_by: string | null;
  entered_in_error_reason: string | null;
};

export type CarePlansTable = {
  id: Generated<string>;
  patient_id: string;
  assessment_id: string | null;
  team_id: string;
  content: ColumnType<unknown, string, string>;
  version: Generated<number>;
  created_by: string;
  created_at: Date;
  updated_by: string;
  updated_at: Date;
  agreed_version: number | null;
  agreed_at: Date | null;
  agreed_by: string | null;
  agreed_how: string | null;
  gp_consent: boolean | null;
  shared_version: number | null;
  shared_at: Date | null;
  shared_by: string | null;
  entered_in_error_at: Date | null;
  entered_in_error_by: string | null;
  entered_in_error_reason: string | null;
};

export type InputRequestsTable = {
  id: Generated<string>;
  care_plan_id: string;
  patient_id: string;
  requested_by: string;
  requested_at: Date;
  discipline: string;
  colleague_id: string;
  question: string;
  answer: string | null;
  answered_by: string | null;
  answered_at: Date | null;
};

export type SafetyPlansTable = {
  id: Generated<string>;
  patient_id: string;
  team_id: string;
  content: ColumnType<unknown, string, string>;
  version: Generated<number>;
  created_by: string;
  created_at: Date;
  updated_by: string;
  updated_at: Date;
  entered_in_error_at: Date | null;
  entered_in_error_by: string | null;
  entered_in_error_reason: string | null;
};

export type FollowUpsTable = {
  id: Generated<string>;
  patient_id: string;
  team_id: string;
  assessment_id: string;
  assessed_at: Date;
  due_at: Date;
  state: Generated<string>;
  closed_at: Date | null;
  closed_by: string | null;
  stop_reason: string | null;
  stop_reason_text: string | null;
  other_team: string | null;
  other_team_saw_on: string | null;
  contacted_at: Date | null;
  version: Generated<number>;
};

export type FollowUpAttemptsTable = {
  id: Generated<string>;
  follow_up_id: string;
  patient_id: string;
  at: Date;
  method: string;
  result: string;
  note: Generated<string>;
  next_try_at: Date | null;
  recorded_by: string;
  recorded_at: Date;
};

export type ClinicSessionsTable = {
  id: Generated<string>;
  team_id: string;
  starts_at: Date;
  ends_at: Date;
  slot_minutes: number;
  mode: string;
  place: string;
  clinician_id: string;
  created_by: string;
  created_at: Date;
};

export type ClinicAppointmentsTable = {
  id: Generated<string>;
  session_id: string;
  follow_up_id: string;
  patient_id: string;
  starts_at: Date;
  state: Generated<string>;
  booked_by: string;
  booked_at: Date;
  closed_by: string | null;
  closed_at: Date | null;
  cancel_reason: string | null;
  version: Generated<number>;
};

export type HealthcareServicesTable = {
  id: Generated<string>;
  name: string;
  provider_ods: string;
  kind: string;
  status: string;
  catchment_districts: ColumnType<string[], string[] | undefined, string[]>;
  catchment_practices: ColumnType<string[], string[] | undefined, string[]>;
  age_min: number | null;
  age_max: number | null;
  criteria: ColumnType<unknown, string, string>;
  referral_must_contain: ColumnType<unknown, string, string>;
  route: string;
  phone: string | null;
  secure_email: string | null;
  address: string | null;
  opening_times: Generated<string>;
  wait_weeks: number | null;
  response_days: number | null;
  receiving_team_id: Generated<string | null>;
  version: Generated<number>;
  created_by: string;
  created_at: Date;
  updated_by: string;
  updated_at: Date;
};

export type HealthcareServiceVersionsTable = {
  service_id: string;
  version: number;
  content: ColumnType<unknown, string, string>;
  reason: string;
  saved_by: string;
  saved_at: Date;
};

export type AssessmentNeedsTable = {
  assessment_id: string;
  patient_id: string;
  needs: string[];
  wants: Generated<string>;
  version: Generated<number>;
  confirmed_by: string;
  confirmed_at: Date;
};

export type ConsentsTable = {
  id: Generated<string>;
  patient_id: string;
  service_id: string;
  shares: string[];
  way: string;
  given_on: string;
  recorded_by: string;
  recorded_at: Date;
  withdrawn_at: Date | null;
  withdrawn_by: string | null;
  withdrawn_reason: string | null;
};

export type ReferralsTable = {
  id: Generated<string>;
  patient_id: string;
  team_id: string;
  assessment_id: string;
  service_id: string;
  status: string;
  business_status: string | null;
  letter: ColumnType<unknown, string, string>;
  version: Generated<number>;
  created_by: string;
  created_at: Date;
  updated_by: string;
  updated_at: Date;
  sent_by: string | null;
  sent_at: Date | null;
  consent_id: string | null;
  shared: string[] | null;
  letterhead: ColumnType<unknown, string | null, string | null>;
  stage: Generated<string>;
  received_at: Date | null;
  cancellation_requested_at: Date | null;
  rejection_reason: string | null;
  rejection_text: string | null;
  appointment_at: Date | null;
  appointment_place: string | null;
  appointment_how: string | null;
  outcome: string | null;
  closed_at: Date | null;
  accepted_at: Date | null;
  rejected_at: Date | null;
  replaces_id: string | null;
};

export type ReferralMessagesTable = {
  id: Generated<string>;
  referral_id: string;
  patient_id: string;
  from_party: string;
  text: string;
  sent_by: string;
  sent_at: Date;
};

export type ReferralConversationsTable = {
  id: Generated<string>;
  referral_id: string;
  patient_id: string;
  with_whom: string;
  way: string;
  held_at: Date;
  agreed: string;
  recorded_by: string;
  recorded_at: Date;
};

export type EscalationsTable = {
  id: Generated<string>;
  referral_id: string;
  patient_id: string;
  team_id: string;
  owner_id: string;
  status: string;
  outcome: string | null;
  reason: string;
  due_on: string;
  opened_by: string | null;
  opened_by_rule: string | null;
  opened_at: Date;
  resolved_by: string | null;
  resolved_at: Date | null;
  resolution: string | null;
};

export type HardPlaceFlagsTable = {
  id: Generated<string>;
  patient_id: string;
  team_id: string;
  pattern: string;
  referral_ids: string[];
  escalation_id: string | null;
  raised_at: Date;
  cleared_at: Date | null;
  cleared_because: string | null;
};

export type OutboxMessagesTable = {
  id: Generated<string>;
  idempotency_key: string;
  kind: string;
  channel: string;
  recipient: string;
  recipient_name: string;
  patient_id: string | null;
  team_id: string;
  subject_type: string;
  subject_id: string;
  consent_id: string | null;
  payload: ColumnType<unknown, string, string>;
  payload_hash: string;
  state: string;
  attempts: Generated<number>;
  last_error: string | null;
  transport_id: string | null;
  queued_at: Date;
  queued_by: string | null;
  state_at: Date;
  sent_at: Date | null;
  job_id: string | null;
  send_after: Date | null;
  receipt: string | null;
  receipt_at: Date | null;
};

export type ContactPreferencesTable = {
  patient_id: string;
  mobile: string | null;
  email: string | null;
  name_services: boolean;
  way: string;
  given_on: string;
  recorded_by: string;
  recorded_at: Date;
  version: Generated<number>;
};

export type EscalationNotesTable = {
  id: Generated<string>;
  escalation_id: string;
  patient_id: string;
  with_whom: string;
  way: string;
  held_at: Date;
  agreed: string;
  recorded_by: string;
  recorded_at: Date;
};

export type Database = {
  organisations: OrganisationsTable;
  teams: TeamsTable;
  users: UsersTable;
  team_memberships: TeamMembershipsTable;
  patients: PatientsTable;
  population_register: PopulationRegisterTable;
  patient_merges: PatientMergesTable;
  care_relationships: CareRelationshipsTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
  record_events: RecordEventsTable;
  presentations: PresentationsTable;
  record_versions: RecordVersionsTable;
  assessment_addenda: AssessmentAddendaTable;
  assessments: AssessmentsTable;
  care_plans: CarePlansTable;
  input_requests: InputRequestsTable;
  safety_plans: SafetyPlansTable;
  follow_ups: FollowUpsTable;
  follow_up_attempts: FollowUpAttemptsTable;
  clinic_sessions: ClinicSessionsTable;
  clinic_appointments: ClinicAppointmentsTable;
  healthcare_services: HealthcareServicesTable;
  healthcare_service_versions: HealthcareServiceVersionsTable;
  assessment_needs: AssessmentNeedsTable;
  consents: ConsentsTable;
  referrals: ReferralsTable;
  referral_conversations: ReferralConversationsTable;
  referral_messages: ReferralMessagesTable;
  escalations: EscalationsTable;
  escalation_notes: EscalationNotesTable;
  hard_place_flags: HardPlaceFlagsTable;
  outbox_messages: OutboxMessagesTable;
  contact_preferences: ContactPreferencesTable;
  alerts: AlertsTable;
  schedule_windows: ScheduleWindowsTable;
};

export type AlertsTable = {
  id: Generated<string>;
  alert_key: string;
  user_id: string;
  kind: string;
  patient_id: string | null;
  href: string;
  text: string;
  created_at: Date;
  seen_at: Date | null;
};

export type ScheduleWindowsTable = { name: string; ran_to: Date };

/** The database or a transaction: store functions take either, so callers can compose them. */
export type Db = Kysely<Database> | Transaction<Database>;
