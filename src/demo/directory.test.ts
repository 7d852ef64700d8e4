import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkService, niceConflicts } from '../directory/model.ts';
import { demoServices, generateServices } from './directory.ts';

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

test('the benchmarks’ directory: any size, the same for the same seed, every service well formed, some in conflict', () => {
  const services = generateServices(500, 7);
  assert.equal(services.length, 500);
  assert.deepEqual(generateServices(500, 7), services);
  assert.notDeepEqual(generateServices(500, 8), services);
  for (const s of services) assert.deepEqual(checkService(s), [], s.name);
  const inConflict = services.filter((s) => niceConflicts(s).length > 0).length;
  assert.ok(inConflict > 50 && inConflict < 450, `${inConflict} of 500 in conflict`);
});
