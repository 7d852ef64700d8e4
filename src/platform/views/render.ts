import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { showDate, showDateTime } from '../clock.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const sourceRoot = join(here, '..', '..');
const require = createRequire(import.meta.url);
/** nhsuk-frontend's dist folder: macros under nhsuk/components, CSS, JS and assets under nhsuk/. */
export const nhsukDist = join(dirname(require.resolve('nhsuk-frontend/package.json')), 'dist');

export type Renderer = { render(template: string, context: object): string };

// Templates are named from src/ ("patients/views/summary.njk") so each part keeps its own views.
// Autoescape is on: anything a person typed is shown as text, never run (no `| safe` on it).
export function makeRenderer(): Renderer {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader([sourceRoot, nhsukDist], { noCache: false }), {
    autoescape: true,
    throwOnUndefined: false,
  });
  env.addFilter('dateTime', (d: Date | string | null | undefined) => (d ? showDateTime(new Date(d)) : ''));
  env.addFilter('date', (d: string | null | undefined) => (d ? showDate(d) : ''));
  // nunjucks' own trim is a regex (/^\s*|\s*$/g) whose time grows with the square of a run of
  // spaces, and the design system's macros trim blocks holding runs of a thousand: it was half the
  // CPU of a page with nested fieldsets (bench/RESULTS.md, front door). String.prototype.trim
  // removes exactly the same characters, in linear time; markup marked safe stays safe.
  env.addFilter('trim', (value: unknown) => {
    const trimmed = String(value ?? '').trim();
    return value instanceof nunjucks.runtime.SafeString ? new nunjucks.runtime.SafeString(trimmed) : trimmed;
  });
  return { render: (template, context) => env.render(template, context) };
}
