import { may, type Permission } from '../access/model.ts';
import type { SignedInUser } from '../auth/model.ts';

const items: { href: string; text: string; permission: Permission }[] = [
  { href: '/', text: 'Home', permission: 'signed-in' },
  { href: '/patients', text: 'Find a patient', permission: 'patient:search' },
  { href: '/directory', text: 'Aftercare services', permission: 'directory:read' },
  { href: '/inbox', text: 'Referrals to your service', permission: 'referral:inbox' },
  { href: '/figures', text: 'Figures', permission: 'figures:read' },
  { href: '/outbox', text: 'Outbox', permission: 'outbox:read' },
  { href: '/admin/accounts', text: 'Accounts', permission: 'admin:accounts' },
];

/** The header menu: only what this person's role may open. */
export function navigationFor(user: SignedInUser | null, currentRoute: string | undefined) {
  if (!user) return [];
  return items
    .filter((i) => may(user.role, i.permission))
    .map((i) => ({
      href: i.href,
      text: i.text,
      current: currentRoute === i.href || (i.href !== '/' && currentRoute?.startsWith(i.href) === true),
    }));
}
