import type { Actor } from '#platform/http/pages.ts';
import type { TeamKind } from './model.ts';
import { teamsOfUser } from './store.ts';

/** The teams the signed-in person belongs to, optionally only those of one kind. */
export async function myTeams(actor: Actor, kind?: TeamKind) {
  const teams = await teamsOfUser(actor.db, actor.user.id);
  return kind ? teams.filter((t) => t.kind === kind) : teams;
}
