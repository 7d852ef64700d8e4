// Sign in as a person would: fetch the form, send back its CSRF token and cookie, keep the session cookie.

export const DEMO_PASSWORD = 'onward-demo-2026';

function cookiePairs(response: Response): string[] {
  return response.headers.getSetCookie().map((c) => c.split(';')[0]!);
}

/** Returns the Cookie header value that carries the session. */
export async function signIn(base: string, username: string, password = DEMO_PASSWORD): Promise<string> {
  const form = await fetch(`${base}/sign-in`);
  const html = await form.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  const csrfCookie = cookiePairs(form).find((c) => c.startsWith('onward-csrf='));
  if (form.status !== 200 || !token || !csrfCookie) throw new Error(`GET /sign-in gave no CSRF token (${form.status})`);
  const answer = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: csrfCookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, username, password }),
  });
  await answer.arrayBuffer();
  const session = cookiePairs(answer).find((c) => c.startsWith('onward-session='));
  if (answer.status !== 303 || !session) throw new Error(`sign-in as ${username} failed: ${answer.status}`);
  return session;
}

export type FormSession = {
  /** Cookie header value: the session and the CSRF secret. */
  cookie: string;
  /** A `_csrf` token from a page of this session: valid for every form it posts. */
  csrf: string;
};

/** Sign in and keep what posting forms needs as well: the CSRF cookie and a token from a page of the session. */
export async function signInForForms(
  base: string,
  username: string,
  password = DEMO_PASSWORD,
  pagePath = '/patients',
): Promise<FormSession> {
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const pair of cookiePairs(response)) {
      const at = pair.indexOf('=');
      const value = pair.slice(at + 1);
      if (value === '') jar.delete(pair.slice(0, at));
      else jar.set(pair.slice(0, at), value);
    }
  };
  const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const session = await signIn(base, username, password);
  jar.set(session.slice(0, session.indexOf('=')), session.slice(session.indexOf('=') + 1));
  const page = await fetch(`${base}${pagePath}`, { headers: { cookie: header() }, redirect: 'manual' });
  const html = await page.text();
  keep(page);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (page.status !== 200 || !csrf || !jar.has('onward-csrf')) {
    throw new Error(`GET ${pagePath} after signing in as ${username} gave no CSRF token (${page.status})`);
  }
  return { cookie: header(), csrf };
}
