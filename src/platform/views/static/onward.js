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
