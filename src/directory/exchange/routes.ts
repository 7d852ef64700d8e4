import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { text } from '#platform/forms.ts';
import { type Actor, actor, definePage, type Page, queryOf } from '#platform/http/pages.ts';
import { importDirectoryFile } from '../../fhir/directory.ts';
import { IMPORT_MAX_BYTES } from '../model.ts';

// The directory's import page for administrators: a file of services, FHIR R4 (a Bundle of
// HealthcareService) or Open Referral UK (the profile's service list, an array or one service), told
// apart by its shape as the command line does. All or nothing; every problem named.

/** So many problems are shown; the count says how many there are in all. */
const SHOWN = 200;

const importedQuery = z.object({ imported: z.coerce.number().int().min(0).max(1_000_000).optional() });

async function importPage(
  reply: FastifyReply,
  status: number,
  o: { imported?: number; problems?: string[]; error?: string } = {},
) {
  const problems = o.problems ?? [];
  return reply.code(status).page('directory/exchange/views/import.njk', {
    title: 'Import services',
    imported: o.imported,
    problems: problems.slice(0, SHOWN),
    more: Math.max(0, problems.length - SHOWN),
    count: problems.length,
    errors: o.error
      ? { file: o.error }
      : problems.length
        ? {
            file: `Nothing was imported: ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'} in the file`,
          }
        : {},
    errorList:
      o.error || problems.length
        ? [
            {
              text:
                o.error ??
                `Nothing was imported: ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'} in the file`,
              href: '#file',
            },
          ]
        : [],
    backHref: '/directory',
  });
}

async function importFile(who: Actor, file: string) {
  let json: unknown;
  try {
    json = JSON.parse(file);
  } catch {
    return { ok: false as const, error: 'The file is not JSON: export it again from the system it came from' };
  }
  const result = await importDirectoryFile(
    { db: who.db, clock: who.clock },
    { id: who.user.id, role: who.user.role },
    json,
  );
  return result.ok ? result : { ok: false as const, problems: result.problems };
}

export const directoryImportPages: Page[] = [
  definePage({
    method: 'GET',
    url: '/directory/import',
    permission: 'directory:edit',
    audit: 'directory.import-form',
    query: importedQuery,
    handler: async (request, reply) => importPage(reply, 200, { imported: queryOf(request, importedQuery).imported }),
  }),
  definePage({
    method: 'POST',
    url: '/directory/import',
    permission: 'directory:edit',
    audit: 'directory.import',
    upload: { maxBytes: IMPORT_MAX_BYTES },
    // The file and the form around it.
    bodyLimit: IMPORT_MAX_BYTES + 1024 * 1024,
    handler: async (request, reply, deps) => {
      const file = text(request.body, 'file');
      if (file.trim() === '') return importPage(reply, 400, { error: 'Choose a file to import' });
      const result = await importFile(actor(request, deps), file);
      if (result.ok) return reply.redirect(`/directory/import?imported=${result.imported}`, 303);
      return importPage(reply, 400, 'error' in result ? { error: result.error } : { problems: result.problems });
    },
  }),
];
