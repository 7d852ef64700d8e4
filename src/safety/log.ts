import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { parse } from 'yaml';
import { checkLog, type SuiteIndex, testsInSource } from './model.ts';

// Reading the hazard log and the test suite from the repository, for the CI check and the report.

export const repositoryRoot = join(import.meta.dirname, '..', '..');
export const hazardLogPath = join(repositoryRoot, 'docs', 'safety', 'hazard-log.yaml');

/** The log's entries as written; a file that is not a YAML list is one problem, named. */
export function readLogEntries(path = hazardLogPath): unknown[] {
  const value: unknown = parse(readFileSync(path, 'utf8'));
  if (!Array.isArray(value)) throw new Error(`${path} must be a YAML list of hazards`);
  return value;
}

/** Every *.test.ts under src/ and test/, by its path from the repository root, with its tests. */
export function indexSuite(root = repositoryRoot): SuiteIndex {
  const index: SuiteIndex = new Map();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.test.ts'))
        index.set(relative(root, path).split(sep).join('/'), testsInSource(readFileSync(path, 'utf8')));
    }
  };
  for (const top of ['src', 'test']) walk(join(root, top));
  return index;
}

export function loadHazardLog(path = hazardLogPath, root = repositoryRoot) {
  return checkLog(readLogEntries(path), indexSuite(root));
}
