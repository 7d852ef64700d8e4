import { after, test } from 'node:test';
import { closeTestDatabase } from '../../../test/support/database.ts';
import { badInputMatrix } from './bad-input-matrix.ts';

after(closeTestDatabase);

// The bad-input matrix (bad-input-matrix.ts) in three shares, each its own process, run side by side.
// Each has ten minutes, more than twice what a loaded machine has needed; a hang still ends it.
test(
  'bad-input matrix: every route, parameter and field against hostile strings (share 3 of 3)',
  { timeout: 600_000 },
  badInputMatrix(2, 3),
);
