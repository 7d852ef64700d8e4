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
  let saving = false;
  form.addEventListener('input', () => {
    changed = true;
  });
  form.addEventListener('submit', () => {
    stopped = true; // a save by hand takes over
  });

  const save = async () => {
    if (!changed || stopped || saving) return;
    saving = true;
    changed = false;
    const body = new URLSearchParams(new FormData(form));
    body.set('action', 'save');
    try {
      // getAttribute, not form.action: the form's own "action" buttons shadow that property.
      const response = await fetch(form.getAttribute('action'), {
        method: 'POST',
        body,
        credentials: 'same-origin',
        keepalive: true,
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
    } finally {
      saving = false;
    }
  };
  setInterval(save, AUTOSAVE_EVERY_MS);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') save();
  });
}
