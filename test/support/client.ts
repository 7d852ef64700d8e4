import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { parse } from 'node-html-parser';

// A minimal browser over app.inject: keeps cookies, sends the page's CSRF token with forms, and
// parses HTML so tests assert on what a person would read.

export type Page = {
  status: number;
  headers: LightMyRequestResponse['headers'];
  body: string;
  html: ReturnType<typeof parse>;
};

export class Client {
  readonly cookies = new Map<string, string>();
  csrfToken = '';
  readonly app: FastifyInstance;
  remoteAddress: string;
  constructor(app: FastifyInstance, remoteAddress = '127.0.0.1') {
    this.app = app;
    this.remoteAddress = remoteAddress;
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(response: LightMyRequestResponse): Page {
    for (const c of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const cleared = c.value === '' || (c.expires && c.expires.getTime() < Date.now()) || c.maxAge === 0;
      if (cleared) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const html = parse(response.body);
    const token = html.querySelector('input[name="_csrf"]')?.getAttribute('value');
    if (token) this.csrfToken = token;
    return { status: response.statusCode, headers: response.headers, body: response.body, html };
  }

  async get(url: string): Promise<Page> {
    return this.keep(
      await this.app.inject({
        method: 'GET',
        url,
        headers: { cookie: this.cookieHeader() },
        remoteAddress: this.remoteAddress,
      }),
    );
  }

  /** Post a form as a browser would, with the CSRF token from the last page unless one is given. */
  async post(url: string, form: Record<string, string>, options: { csrf?: string | null } = {}): Promise<Page> {
    const fields = { ...form };
    const token = options.csrf === undefined ? this.csrfToken : options.csrf;
    if (token !== null) fields._csrf = token;
    return this.keep(
      await this.app.inject({
        method: 'POST',
        url,
        headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(fields).toString(),
        remoteAddress: this.remoteAddress,
      }),
    );
  }

  async signIn(username: string, password: string): Promise<Page> {
    await this.get('/sign-in');
    return this.post('/sign-in', { username, password });
  }
}

/** Visible text of the page's error summary, or '' when there is none. */
export function errorSummary(page: Page): string {
  return page.html.querySelector('.nhsuk-error-summary')?.text.replace(/\s+/g, ' ').trim() ?? '';
}
