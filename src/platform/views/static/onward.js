// Progressive enhancement only: every page works without this file.
import { initAll } from '/static/nhsuk-frontend.min.js';

initAll();

// A print button is offered only where printing from the page works: without this file the
// browser's own print menu still does.
for (const button of document.querySelectorAll('[data-onward-print]')) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}

// Drafts survive a browser closing: a form marked data-onward-autosave saves itself as a draft
// to the server every 30 seconds while it has unsaved changes, and when the tab is hidden or
// closed. Nothing is kept in the browser (shared NHS computers): the draft lives on the server,
// under the same version check as a save by hand, so an autosave never overwrites a colleague.
const AUTOSAVE_EVERY_MS = 30_000;

for (const form of document.querySelectorAll('form[data-onward-autosave]')) {
  const status = document.createElement('p');
  status.className = 'nhsuk-body-s onward-autosave';
  status.setAttribute('role', 'status');
  form.prepend(status);
  let changed = false;
  let stopped = false;
  let inFlight = null;
  form.addEventListener('input', () => {
    changed = true;
  });
  form.addEventListener('submit', (event) => {
    stopped = true; // a save by hand takes over
    // If an automatic save is on its way, wait for it and submit with the version it made, so the
    // person's own autosave is never reported back to them as a colleague's change.
    if (inFlight) {
      event.preventDefault();
      const submitter = event.submitter;
      inFlight.finally(() => {
        inFlight = null;
        form.requestSubmit(submitter);
      });
    }
  });

  const save = (hidden) => {
    if (!changed || stopped || inFlight) return;
    inFlight = send(hidden).finally(() => {
      inFlight = null;
    });
  };
  const send = async (hidden) => {
    changed = false;
    const body = new URLSearchParams(new FormData(form));
    body.set('action', 'save');
    // keepalive lets a save finish as the tab closes, but browsers refuse keepalive bodies over
    // 64 KB: a long assessment is sent as an ordinary request, which still usually completes.
    const keepalive = hidden && body.toString().length < 60_000;
    try {
      // getAttribute, not form.action: the form's own "action" buttons shadow that property.
      const response = await fetch(form.getAttribute('action'), {
        method: 'POST',
        body,
        credentials: 'same-origin',
        keepalive,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      if (response.ok && !response.redirected) throw new Error('unexpected answer');
      if (response.status === 409) {
        stopped = true;
        status.textContent =
          'Someone else has saved this since you opened it, so it was not saved automatically. Press "Save draft" to see their changes and merge them with yours.';
        return;
      }
      if (!response.ok) {
        changed = true;
        status.textContent = 'Your changes could not be saved automatically. Press "Save draft" to save them.';
        return;
      }
      // The draft's new version, so the next save is checked against it.
      const page = new DOMParser().parseFromString(await response.text(), 'text/html');
      const version = page.querySelector('input[name="version"]')?.getAttribute('value');
      const field = form.querySelector('input[name="version"]');
      if (version && field) field.value = version;
      const csrf = page.querySelector('input[name="_csrf"]')?.getAttribute('value');
      for (const input of document.querySelectorAll('input[name="_csrf"]')) if (csrf) input.value = csrf;
      status.textContent = `Draft saved automatically at ${new Date().toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}.`;
    } catch (error) {
      console.error('autosave', error);
      changed = true;
      status.textContent = 'Your changes could not be saved automatically. Press "Save draft" to save them.';
    }
  };
  setInterval(() => save(false), AUTOSAVE_EVERY_MS);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') save(true);
  });
}

// The follow-up worklist keeps time by itself: each "time left" ticks, and a follow-up turns
// overdue at the moment its 48 hours end (announced to screen readers), not at the next page load.
// The list is read again every minute while the page is in view, so people added, done or booked
// elsewhere appear without reloading. Without this file the page shows the time it was loaded.
const HOUR_MS = 3_600_000;
const SOON_MS = 12 * HOUR_MS;
const REFRESH_EVERY_MS = 60_000;

// The words of followup/model.ts timeLeftText, kept the same so a tick reads as the server would.
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
function timeLeftText(ms) {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const hours = Math.floor(minutes / 60);
  const span =
    hours >= 24
      ? `${plural(Math.floor(hours / 24), 'day')} ${plural(hours % 24, 'hour')}`
      : hours > 0
        ? `${plural(hours, 'hour')} ${plural(minutes % 60, 'minute')}`
        : plural(minutes % 60, 'minute');
  return ms > 0 ? `${span} left` : `${span} over`;
}

const liveLists = document.querySelectorAll('[data-onward-live]');
if (liveLists.length > 0) {
  const announcer = document.createElement('p');
  announcer.className = 'nhsuk-u-visually-hidden';
  announcer.setAttribute('role', 'status');
  announcer.dataset.onwardAnnouncer = '';
  document.querySelector('main')?.append(announcer);
  let timer;
  const tick = () => {
    const now = Date.now();
    let next = REFRESH_EVERY_MS;
    const breached = [];
    for (const tag of document.querySelectorAll('[data-onward-due]')) {
      const left = Date.parse(tag.dataset.onwardDue) - now;
      const state = left <= 0 ? 'overdue' : left <= SOON_MS ? 'within-12-hours' : 'later';
      if (state === 'overdue' && tag.dataset.onwardState !== 'overdue') breached.push(tag.dataset.onwardName);
      tag.dataset.onwardState = state;
      tag.className = `nhsuk-tag nhsuk-tag--${state === 'overdue' ? 'red' : state === 'within-12-hours' ? 'orange' : 'grey'}`;
      tag.textContent = timeLeftText(left);
      // Wake for the next minute's words, and exactly at the next change of colour.
      next = Math.min(next, 60_000 - (Math.abs(left) % 60_000) + 50);
      if (left > 0) next = Math.min(next, left + 50);
      if (left > SOON_MS) next = Math.min(next, left - SOON_MS + 50);
    }
    if (breached.length > 0) announcer.textContent = `Follow-up now overdue: ${breached.join(', ')}`;
    clearTimeout(timer);
    timer = setTimeout(tick, next);
  };
  const refresh = async () => {
    if (document.visibilityState !== 'visible') return;
    try {
      const response = await fetch(location.href, { credentials: 'same-origin' });
      if (!response.ok || response.redirected) return; // signed out or refused: keep what is shown
      const page = new DOMParser().parseFromString(await response.text(), 'text/html');
      for (const list of document.querySelectorAll('[data-onward-live]')) {
        const fresh = page.querySelector(`[data-onward-live="${list.dataset.onwardLive}"]`);
        if (!fresh) continue;
        // A follow-up already marked overdue here stays so: the server's clock may be a moment behind.
        const seen = new Map(
          [...list.querySelectorAll('[data-onward-due]')].map((t) => [
            t.dataset.onwardDue + t.dataset.onwardName,
            t.dataset.onwardState,
          ]),
        );
        list.replaceChildren(...fresh.childNodes);
        for (const t of list.querySelectorAll('[data-onward-due]')) {
          const before = seen.get(t.dataset.onwardDue + t.dataset.onwardName);
          if (before) t.dataset.onwardState = before;
        }
      }
      tick();
    } catch (error) {
      console.error('worklist refresh', error);
    }
  };
  tick();
  setInterval(refresh, REFRESH_EVERY_MS);
}
