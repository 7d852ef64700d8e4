import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { makeRenderer, sourceRoot } from './render.ts';

test('trim removes the same whitespace as before, and keeps markup marked safe safe and typed text escaped', () => {
  const renderer = makeRenderer();
  const dir = mkdtempSync(`${sourceRoot}/platform/views/.trim-`);
  const name = `${dir.slice(sourceRoot.length + 1)}/t.njk`;
  try {
    writeFileSync(`${dir}/t.njk`, '[{{ safe | safe | trim }}][{{ typed | trim }}][{{ spaces | trim }}]');
    const out = renderer.render(name, {
      safe: ' \n\t <b>kept</b> \u00a0\n',
      typed: '  <i>typed</i>\u2028 ',
      spaces: `${' '.repeat(5000)}x${'\n'.repeat(5000)}`,
    });
    assert.equal(out, '[<b>kept</b>][&lt;i&gt;typed&lt;/i&gt;][x]');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
