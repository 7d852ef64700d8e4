import { z } from 'zod';
import { fieldIssues, type Parsed } from '../forms.ts';

const signIn = z.object({
  username: z
    .string({ message: 'Enter your username' })
    .trim()
    .min(1, { message: 'Enter your username' })
    .max(100, { message: 'Username must be 100 characters or fewer' }),
  password: z
    .string({ message: 'Enter your password' })
    .min(1, { message: 'Enter your password' })
    .max(1000, { message: 'Password must be 1000 characters or fewer' }),
});

export type SignInForm = z.infer<typeof signIn>;

export function parseSignIn(body: unknown): Parsed<SignInForm> {
  const parsed = signIn.safeParse(body ?? {});
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, issues: fieldIssues(parsed.error) };
}
