// Clinical documents written as named prose sections (a psychosocial assessment, a safety plan):
// pure helpers shared by the parts that keep them.

export type Prose<K extends string> = Record<K, string>;

export function blankProse<K extends string>(keys: readonly K[]): Prose<K> {
  return Object.fromEntries(keys.map((k) => [k, ''])) as Prose<K>;
}

/** Sections as stored: only known keys survive, each a string; anything else reads as blank. */
export function proseFrom<K extends string>(keys: readonly K[], stored: unknown): Prose<K> {
  const out = blankProse(keys);
  if (stored && typeof stored === 'object') {
    for (const k of keys) {
      const v = (stored as Record<string, unknown>)[k];
      if (typeof v === 'string') out[k] = v;
    }
  }
  return out;
}
