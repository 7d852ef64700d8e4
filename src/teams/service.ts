import { z } from 'zod';
import type { Actor } from '#platform/http/pages.ts';
import { decodeCursor, PAGE_SIZE, pageOf } from '#platform/worklist.ts';
import type { TeamKind } from './model.ts';
import { findTeam, listAccounts, organisationByOds, organisationNameByOds, teamsOfUser } from './store.ts';

/** The teams the signed-in person belongs to, optionally only those of one kind. */
export async function myTeams(actor: Actor, kind?: TeamKind) {
  const teams = await teamsOfUser(actor.db, actor.user.id);
  return kind ? teams.filter((t) => t.kind === kind) : teams;
}

/**
 * The team a page is about: the one the link names, else the person's first of that kind; with the
 * others to switch to (none when there is only one), each linked by `href`.
 */
export async function teamChoice(
  actor: Actor,
  kind: TeamKind,
  requested: string | undefined,
  href: (teamId: string) => string,
) {
  const teams = await myTeams(actor, kind);
  const teamId = requested?.toLowerCase() ?? teams[0]?.id;
  return {
    teamId,
    teamName: teams.find((t) => t.id === teamId)?.name,
    teams: teams.length > 1 ? teams.map((t) => ({ name: t.name, href: href(t.id), current: t.id === teamId })) : [],
  };
}

/** A team by id, with its organisation's name: for letters that say who is writing. */
export async function teamNamed(actor: Actor, teamId: string) {
  const team = await findTeam(actor.db, teamId);
  if (!team) throw new Error(`team ${teamId} is missing`);
  return team;
}

/** An organisation's name from its ODS code, or null when the directory does not hold it. */
export async function organisationNamed(actor: Actor, odsCode: string): Promise<string | null> {
  return organisationNameByOds(actor.db, odsCode);
}

export async function practiceOf(actor: Actor, odsCode: string) {
  const o = await organisationByOds(actor.db, odsCode);
  return o ? { name: o.name, secureEmail: o.secure_email } : null;
}

/** Every account, in username order, a page at a time (administrators: no patient records in it). */
export async function accountsPage(actor: Actor, after: string | undefined) {
  const rows = await listAccounts(actor.db, PAGE_SIZE + 1, decodeCursor(after, z.string().max(100)));
  return pageOf(rows, PAGE_SIZE, (a) => a.username);
}
