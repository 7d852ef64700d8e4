import { auditAction } from '../audit/store.ts';
import { idParam } from '../http/input.ts';
import { actor, definePage, type Page } from '../http/pages.ts';
import { alertKinds, urgent } from './model.ts';
import { type Alert, alertsOf, markSeen } from './store.ts';

// A person's alerts: the list (unseen first), each a link to what it is about, marked seen one at
// a time or all at once. The count of unseen ones is in the header of every page.

const SHOWN = 100;

/** An alert as the lists show it: what, about whom, when, and a red tag when it is urgent. */
export function alertView(a: Alert) {
  return {
    ...a,
    kindText: alertKinds[a.kind] ?? a.kind,
    colour: urgent.includes(a.kind) ? 'red' : 'blue',
  };
}

export const alertPages: Page[] = [
  definePage({
    method: 'GET',
    url: '/alerts',
    permission: 'signed-in',
    audit: 'alerts.read',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      const alerts = await alertsOf(deps.db, who.user.id, { limit: SHOWN });
      // The list names people: reading it is an audited read, like the home page's lists.
      if (alerts.some((a) => a.patientName))
        await auditAction(deps.db, who, null, 'ok', { alertsListed: alerts.length });
      return reply.page('platform/alerts/views/alerts.njk', {
        title: 'Alerts',
        alerts: alerts.map(alertView),
        unseen: alerts.filter((a) => !a.seenAt).length,
        backHref: '/',
      });
    },
  }),
  definePage({
    method: 'POST',
    url: '/alerts/seen',
    permission: 'signed-in',
    audit: 'alerts.seen',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      await markSeen(deps.db, who.user.id, deps.clock.now());
      return reply.redirect('/alerts', 303);
    },
  }),
  definePage({
    method: 'POST',
    url: '/alerts/:alertId/seen',
    permission: 'signed-in',
    audit: 'alerts.seen',
    handler: async (request, reply, deps) => {
      const who = actor(request, deps);
      // Another person's alert, or one already seen, changes nothing: the list is shown again either way.
      await markSeen(deps.db, who.user.id, deps.clock.now(), idParam(request.params, 'alertId'));
      return reply.redirect('/alerts', 303);
    },
  }),
];
