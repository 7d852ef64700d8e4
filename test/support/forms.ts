import type { FastifyInstance } from 'fastify';
import { type HTMLElement, parse } from 'node-html-parser';
import type { Client } from './client.ts';

// Forms as a browser submits them: read the page, find the form that posts to a route, keep what
// it already says (hidden fields, pre-filled answers, selected options), fill what is empty with a
// plausible answer, and post. Used to build records through the real pages and by the bad-input
// matrix, which replaces one field at a time with something hostile.

export type FormField = {
  name: string;
  kind: 'text' | 'hidden' | 'textarea' | 'radio' | 'checkbox' | 'select' | 'submit';
};
export type FormValues = [string, string][];

export function findForm(html: HTMLElement, action: string): HTMLElement | undefined {
  return html.querySelectorAll('form').find((f) => f.getAttribute('action') === action);
}

/** Every named control of the form and what a browser would send for it, empty ones filled. */
export function formDefaults(form: HTMLElement): { fields: FormField[]; values: FormValues } {
  const fields: FormField[] = [];
  const values: FormValues = [];
  const seen = new Set<string>();
  const add = (name: string, kind: FormField['kind']) => {
    if (!seen.has(name)) fields.push({ name, kind });
    seen.add(name);
  };
  const chosen = new Set<string>();
  for (const el of form.querySelectorAll('input, textarea, select, button')) {
    const name = el.getAttribute('name');
    if (!name || name === '_csrf') continue;
    const tag = el.tagName.toLowerCase();
    const type = (el.getAttribute('type') ?? (tag === 'button' ? 'submit' : 'text')).toLowerCase();
    if (tag === 'button' || type === 'submit') {
      add(name, 'submit');
      continue; // a submit button's value is sent only when it is the one pressed
    }
    if (tag === 'textarea') {
      add(name, 'textarea');
      values.push([name, el.textContent || sample(name)]);
    } else if (tag === 'select') {
      add(name, 'select');
      const options = el.querySelectorAll('option');
      const picked = options.find((o) => o.hasAttribute('selected')) ?? options.find((o) => o.getAttribute('value'));
      values.push([name, picked?.getAttribute('value') ?? '']);
    } else if (type === 'radio' || type === 'checkbox') {
      add(name, type);
      if (el.hasAttribute('checked')) {
        values.push([name, el.getAttribute('value') ?? 'on']);
        chosen.add(name);
      }
    } else {
      add(name, type === 'hidden' ? 'hidden' : 'text');
      values.push([name, el.getAttribute('value') || (type === 'hidden' ? '' : sample(name))]);
    }
  }
  // A radio group or checkbox list with nothing chosen gets its first option, as a person would pick one.
  for (const f of fields) {
    if ((f.kind === 'radio' || f.kind === 'checkbox') && !chosen.has(f.name)) {
      const first = form.querySelectorAll('input').find((i) => i.getAttribute('name') === f.name);
      values.push([f.name, first?.getAttribute('value') ?? 'on']);
    }
  }
  return { fields, values };
}

/** A plausible answer for an empty field, by its name. Rows of a list beyond the first stay blank. */
function sample(name: string): string {
  if (/^item-[1-9]/.test(name)) return '';
  const due = name.includes('due');
  if (name.endsWith('[day]')) return '20';
  if (name.endsWith('[month]')) return due ? '12' : '11';
  if (name.endsWith('[year]')) return '2026';
  if (/time$/i.test(name)) return '09:30';
  if (name === 'nhsNumber') return '9000000009';
  if (/name$/i.test(name)) return 'Smith';
  return `Sample answer for ${name}`;
}

export function withValue(values: FormValues, name: string, value: string | string[]): FormValues {
  const rest = values.filter(([n]) => n !== name);
  return [...rest, ...(Array.isArray(value) ? value : [value]).map((v): [string, string] => [name, v])];
}

/** Post values with the client's session and CSRF token, as a browser would. */
export async function postValues(client: Client, app: FastifyInstance, url: string, values: FormValues) {
  const body = new URLSearchParams([...values, ['_csrf', client.csrfToken]]);
  const response = await app.inject({
    method: 'POST',
    url,
    headers: {
      cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: body.toString(),
    remoteAddress: client.remoteAddress,
  });
  return { status: response.statusCode, headers: response.headers, body: response.body, html: parse(response.body) };
}

/** Open the page, fill the form that posts to `action` (with these answers), and send it. */
export async function submitForm(
  client: Client,
  source: string,
  action: string,
  answers: Record<string, string | string[]> = {},
) {
  const page = await client.get(source);
  const form = findForm(page.html, action);
  if (!form) throw new Error(`${source} (${page.status}) has no form posting to ${action}`);
  let { values } = formDefaults(form);
  for (const [name, value] of Object.entries(answers)) values = withValue(values, name, value);
  return postValues(client, client.app, action, values);
}

/** The "when did the assessment take place" fields of a finalise, as the form posts them (UK time). */
export function assessedAt(date = '2026-11-25', time = '10:00'): Record<string, string> {
  const [year, month, day] = date.split('-');
  return { 'assessedOn[day]': day!, 'assessedOn[month]': month!, 'assessedOn[year]': year!, assessedTime: time };
}
