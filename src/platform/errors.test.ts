import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  asCatalogued,
  Conflict,
  Forbidden,
  Invalid,
  NotFound,
  type OnwardError,
  refusalCodes,
  refuseProblems,
  ruleCodes,
  TooLarge,
  TooManyRequests,
} from './errors.ts';

test('each class has its status and default code; a specific message and code are kept', () => {
  assert.deepEqual([new NotFound().status, new NotFound().code, new NotFound().specific], [404, 'not-found', false]);
  const c = new Conflict('The letter is ready once the person has agreed the plan', 'plan-not-agreed');
  assert.deepEqual([c.status, c.code, c.specific], [409, 'plan-not-agreed', true]);
  assert.equal(new Conflict().code, 'stale-version');
  assert.deepEqual(new Invalid({ a: 'x' }).issues, { a: 'x' });
});

test('framework refusals map into the catalogue by their code, never by their wording', () => {
  const framework = (code: string | undefined, statusCode: number) =>
    Object.assign(new Error('whatever it says'), { code, statusCode });
  const csrf = asCatalogued(framework('FST_CSRF_INVALID_TOKEN', 403));
  assert.ok(csrf instanceof Forbidden);
  assert.equal((csrf as OnwardError).code, 'csrf-invalid');
  assert.ok(asCatalogued(framework('FST_ERR_CTP_BODY_TOO_LARGE', 413)) instanceof TooLarge);
  assert.ok(asCatalogued(framework(undefined, 429)) instanceof TooManyRequests);
  const bad = asCatalogued(framework('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415)) as OnwardError;
  assert.deepEqual([bad.status, bad.code], [415, 'bad-request']);
  const unknown = new Error('boom');
  assert.equal(asCatalogued(unknown), unknown, 'anything else stays a 500');
});

test('every refusal code in the catalogue is used by the code, and the code uses no other', () => {
  const sources: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && e.name !== 'errors.ts')
        sources.push(readFileSync(path, 'utf8'));
    }
  };
  walk(join(import.meta.dirname, '..'));
  const all = sources.join('\n');
  for (const code of ruleCodes) assert.ok(all.includes(`'${code}'`), `${code} is never used`);
  // A code passed where an error is thrown must be one of the catalogue's (the type checks it too).
  for (const m of all.matchAll(
    /new (?:NotFound|Forbidden|Unauthenticated|Conflict|Invalid|TooLarge|TooManyRequests)\([^;]*?'([a-z-]+)',?\s*\)/g,
  ))
    assert.ok((refusalCodes as readonly string[]).includes(m[1]!), `unknown code ${m[1]}`);
});

test('refuseProblems: nothing for none; otherwise one Invalid, the first message per field, under the form’s names', () => {
  refuseProblems([]);
  assert.throws(
    () =>
      refuseProblems(
        [
          { field: 'at', message: 'first' },
          { field: 'at', message: 'second' },
          { field: 'note', message: 'note' },
        ],
        { at: 'on' },
      ),
    (e: Invalid) => e instanceof Invalid && e.issues.on === 'first' && e.issues.note === 'note' && !('at' in e.issues),
  );
});
