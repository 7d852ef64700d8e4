import type { Migration, MigrationProvider } from 'kysely/migration';
import * as foundation from './0001_foundation.ts';
import * as presentations from './0002_presentations.ts';
import * as clinicalRecord from './0003_clinical_record.ts';
import * as auditSealing from './0004_audit_sealing.ts';
import * as eventStates from './0005_event_states.ts';
import * as caseload from './0006_caseload.ts';
import * as careDecisions from './0007_care_decisions.ts';
import * as corrections from './0008_corrections.ts';
import * as enteredInError from './0009_entered_in_error.ts';
import * as frontDoor from './0010_front_door.ts';
import * as documentsInError from './0011_documents_in_error.ts';
import * as followUp from './0012_follow_up.ts';
import * as followUpClinic from './0013_follow_up_clinic.ts';
import * as followUpContact from './0014_follow_up_contact.ts';
import * as contactNumber from './0015_contact_number.ts';
import * as directory from './0016_directory.ts';
import * as assessmentNeeds from './0017_assessment_needs.ts';
import * as consent from './0018_consent.ts';
import * as figuresIndex from './0019_figures_index.ts';
import * as referrals from './0020_referrals.ts';
import * as closedLoop from './0021_closed_loop.ts';
import * as escalations from './0022_escalations.ts';
import * as betweenServices from './0023_between_services.ts';
import * as outbox from './0024_outbox.ts';
import * as contact from './0025_contact.ts';
import * as alerts from './0026_alerts.ts';
import * as practiceEmail from './0027_practice_email.ts';

// Listed explicitly, in order: no directory scan, so what runs is what is reviewed.
export const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_presentations': presentations,
  '0003_clinical_record': clinicalRecord,
  '0004_audit_sealing': auditSealing,
  '0005_event_states': eventStates,
  '0006_caseload': caseload,
  '0007_care_decisions': careDecisions,
  '0008_corrections': corrections,
  '0009_entered_in_error': enteredInError,
  '0010_front_door': frontDoor,
  '0011_documents_in_error': documentsInError,
  '0012_follow_up': followUp,
  '0013_follow_up_clinic': followUpClinic,
  '0014_follow_up_contact': followUpContact,
  '0015_contact_number': contactNumber,
  '0016_directory': directory,
  '0017_assessment_needs': assessmentNeeds,
  '0018_consent': consent,
  '0019_figures_index': figuresIndex,
  '0020_referrals': referrals,
  '0021_closed_loop': closedLoop,
  '0022_escalations': escalations,
  '0023_between_services': betweenServices,
  '0024_outbox': outbox,
  '0025_contact': contact,
  '0026_alerts': alerts,
  '0027_practice_email': practiceEmail,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
