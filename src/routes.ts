import { alertPages } from '#platform/alerts/routes.ts';
import { authPages } from '#platform/auth/routes.ts';
import type { Page } from '#platform/http/pages.ts';
import { analyticsPages } from './analytics/routes.ts';
import { assessmentPages } from './assessments/routes.ts';
import { carePages } from './care/routes.ts';
import { consentPages } from './consent/routes.ts';
import { directoryImportPages } from './directory/exchange/routes.ts';
import { matchingPages } from './directory/matching/routes.ts';
import { directoryPages } from './directory/routes.ts';
import { edReferralPages } from './ed-referrals/routes.ts';
import { clinicPages } from './followup/clinic/routes.ts';
import { followUpPages } from './followup/routes.ts';
import { homePages } from './home/routes.ts';
import { outboxPages } from './notify/routes.ts';
import { contactPages } from './patients/contact/routes.ts';
import { mergePages } from './patients/merge/routes.ts';
import { patientPages } from './patients/routes.ts';
import { inputRequestPages } from './plans/care/input/routes.ts';
import { carePlanPages } from './plans/care/routes.ts';
import { safetyPlanPages } from './plans/safety/routes.ts';
import { presentationPages } from './presentations/routes.ts';
import { escalationPages } from './referrals/escalation/routes.ts';
import { inboxPages } from './referrals/inbox/routes.ts';
import { referrerLoopPages } from './referrals/loop/routes.ts';
import { referralPages } from './referrals/routes.ts';
import { teamPages } from './teams/routes.ts';

// Every page of the product, from one explicit list: no autoloading, so what is served is what is
// reviewed, and the role × route test walks exactly this list.
export const pages: readonly Page[] = [
  ...authPages,
  ...homePages,
  ...alertPages,
  ...patientPages,
  ...mergePages,
  ...contactPages,
  ...carePages,
  ...edReferralPages,
  ...followUpPages,
  ...clinicPages,
  ...directoryImportPages,
  ...directoryPages,
  ...matchingPages,
  ...consentPages,
  ...referralPages,
  ...referrerLoopPages,
  ...inboxPages,
  ...escalationPages,
  ...outboxPages,
  ...presentationPages,
  ...assessmentPages,
  ...carePlanPages,
  ...inputRequestPages,
  ...safetyPlanPages,
  ...analyticsPages,
  ...teamPages,
];
