import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkService, niceConflicts } from '../directory/model.ts';
import { demoServices } from './directory.ts';

test('the demo directory: at least twelve well-formed services, with the NICE conflicts real ones have', () => {
  assert.ok(demoServices.length >= 12);
  for (const s of demoServices) assert.deepEqual(checkService(s), [], s.name);
  const conflicts = (name: string) => niceConflicts(demoServices.find((s) => s.name === name)!).map((c) => c.why);
  assert.ok(conflicts('Riverside NHS Talking Therapies').includes('Excludes: self-harm now or recently'));
  assert.ok(
    conflicts('Crisis Resolution and Home Treatment Team').includes('Takes only: severe and enduring mental illness'),
  );
  assert.ok(conflicts('Community Mental Health Team North').includes('Takes no one over 64'));
  assert.deepEqual(conflicts('Riverside Safe Haven'), []);
});
