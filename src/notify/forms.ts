import { z } from 'zod';
import { formParser } from '#platform/forms.ts';
import { pageQuery } from '#platform/worklist.ts';
import { messageStates } from './model.ts';

// The outbox's one form: send again, naming the state the person saw (so two people acting at once
// cannot both send it), and the list's filter.

export const parseSendAgain = formParser(
  z.object({
    seen: z.enum(Object.keys(messageStates) as [string, ...string[]], {
      message: 'Open the message again and send it from there',
    }),
  }),
);

export const outboxQuery = pageQuery.extend({ show: z.enum(['all', 'needs-you']).optional() });
