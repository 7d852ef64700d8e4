import { z } from 'zod';
import { formParser, requiredText } from '../forms.ts';

const signIn = z.object({
  username: requiredText({ enter: 'Enter your username', name: 'Username' }, 100).trim().min(1, {
    message: 'Enter your username',
  }),
  password: requiredText({ enter: 'Enter your password', name: 'Password' }, 1000),
});

export type SignInForm = z.infer<typeof signIn>;

export const parseSignIn = formParser(signIn);
