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
