import autocannon from 'autocannon';
import type { Load } from './load.ts';
import type { FormSession } from './signin.ts';

// Saving a psychosocial assessment draft under load. Each draft belongs to one patient and is saved by
// one connection at a time, based on the version it last saved, exactly as a practitioner's browser
// would post the form: so saves never collide, and any 409 (stale version) is counted, not hidden.

/** The twelve sections as a practitioner might write them: a few hundred characters each, all invented. */
const sectionText: Record<string, string> = {
  whatHappened:
    'Brought in by ambulance at about 23:40 after taking around 30 paracetamol and some of her partner’s codeine at home over two hours. She called 111 herself when she started vomiting. This followed an argument about money and a letter that morning saying her hours at the warehouse are being cut from next month. Bloods at four hours were above the treatment line; the acetylcysteine infusion was started on the ward.',
  ownWords:
    '"I wasn’t trying to die exactly, I just wanted it all to stop for a while." "I keep thinking I’ve let the kids down." She said she felt stupid for calling 111 and then said she was glad she did. She asked that her mum is not told the details of what she took.',
  wants:
    'To go home to her children as soon as she is medically fit. She would like help with the debt, and to talk to someone regularly about how low she has been feeling, but not in a group. She does not want her GP to change her medication without talking to her first. She agreed to a follow-up phone call within 48 hours of leaving.',
  mentalHealth:
    'Low mood for about four months with poor sleep (waking at 4am), reduced appetite and loss of interest in seeing friends. No psychotic symptoms elicited. Not currently known to secondary mental health services. Saw her GP in the spring and was started on sertraline 50 mg, which she stopped after three weeks because of nausea. Talking therapies referral was made but she did not opt in.',
  physicalHealth:
    'Asthma, well controlled on inhalers. Recurrent lower back pain since a fall at work last year, for which she has been taking co-codamol bought over the counter most days. LFTs and INR being repeated in the morning; medically the team expect her to be fit for discharge within 24 to 36 hours. No known allergies. Not pregnant (test negative on arrival).',
  alcoholDrugs:
    'Drinks two or three bottles of wine over a weekend, more since the summer; had drunk about half a bottle before the overdose. No withdrawal symptoms on the ward so far and no history of seizures. Denies illicit drug use. Open to brief advice about alcohol and given the local service’s details; she did not want a referral today.',
  social:
    'Lives in a two-bedroom housing association flat with her partner and two children aged 6 and 9. Works part-time nights at a distribution warehouse; hours being cut. Rent arrears of about three months and a credit card in default. Has not told her partner the full extent of the debt. Some support from a neighbour with school runs.',
  relationships:
    'Partner of eight years, relationship described as mostly good but strained by money; no violence disclosed when asked on her own. Close to her mother, who lives nearby and often looks after the children; would like her mother told she is in hospital but not why. Partner is aware she is here and is with the children tonight.',
  safeguarding:
    'Two children at home, currently cared for by their father; no concerns raised about their care at present. No domestic abuse disclosed on direct, private questioning. School nurse and health visitor not involved. Discussed with the safeguarding lead by phone: no referral needed on current information; to be reviewed if circumstances change.',
  strengths:
    'Her children are her main reason for living and she spoke warmly about them. She has coped with hard times before, including her father’s death, and described herself as someone who gets on with things. Good relationship with her mother and a close friend from work. She asked for help herself tonight and engaged well with the assessment.',
  previousSelfHarm:
    'One previous overdose aged 19 after a relationship ended, treated in another hospital; no follow-up she remembers. Occasional cutting in her teens, none since. Says what helped then was moving back in with her mum and starting work. Nothing was offered afterwards and she said she would have liked someone to check in with her.',
  formulation:
    'A woman under sustained financial pressure with four months of untreated low mood, rising alcohol use and chronic pain, who took an impulsive overdose after a stressful day while intoxicated. Things are likely to be harder when she returns home to the debt and the cut in hours, and when alone at night. Her children, her mother and her readiness to ask for help protect her. Plan: follow-up call within 48 hours, debt advice, GP review of mood and pain.',
};

/** The save as a browser would send it, without its version and CSRF token (added per request). */
const sectionsEncoded = [
  new URLSearchParams({ action: 'save', ...sectionText }).toString(),
  // A second version of the text, alternated, so each save really changes the document.
  new URLSearchParams({
    action: 'save',
    ...Object.fromEntries(
      Object.entries(sectionText).map(([k, v]) => [k, `${v} (Reviewed with the person before saving.)`]),
    ),
  }).toString(),
];

export const SAVE_BODY_BYTES = sectionsEncoded[0]!.length;
export const SECTION_CHARS = Object.values(sectionText).map((t) => t.length);

export type Draft = { patientId: string; assessmentId: string; version: number };

const cookieHeaders = (session: FormSession) => ({ cookie: session.cookie });

async function versionOnPage(base: string, path: string, session: FormSession): Promise<number> {
  const page = await fetch(`${base}${path}`, { headers: cookieHeaders(session), redirect: 'manual' });
  const html = await page.text();
  const version = Number(/name="version" value="(\d+)"/.exec(html)?.[1]);
  if (page.status !== 200 || !Number.isInteger(version)) {
    throw new Error(`GET ${path} answered ${page.status} without the assessment form:\n${html.slice(0, 2000)}`);
  }
  return version;
}

/** Start (or go back to) the draft assessment of a presentation, through the form, as a practitioner would. */
export async function startDraft(
  base: string,
  session: FormSession,
  patientId: string,
  presentationId: string,
): Promise<Draft> {
  const answer = await fetch(`${base}/patients/${patientId}/assessments`, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...cookieHeaders(session), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: session.csrf, presentationId }),
  });
  const body = await answer.text();
  const location = answer.headers.get('location') ?? '';
  const assessmentId = new RegExp(`^/patients/${patientId}/assessments/([0-9a-f-]{36})$`).exec(location)?.[1];
  if (answer.status !== 303 || !assessmentId) {
    throw new Error(`starting an assessment answered ${answer.status} (${location}):\n${body.slice(0, 2000)}`);
  }
  return { patientId, assessmentId, version: await versionOnPage(base, location, session) };
}

/** Read each draft's version again from its page: after a run is cut off, the last saves' answers were lost. */
export async function resyncDrafts(base: string, session: FormSession, drafts: readonly Draft[]): Promise<void> {
  for (const d of drafts) {
    d.version = await versionOnPage(base, `/patients/${d.patientId}/assessments/${d.assessmentId}`, session);
  }
}

export type SaveLoad = Load & {
  /** 303 to the draft: saved. */
  saved: number;
  /** 409: the version sent was stale. Should stay 0: each draft has one writer. */
  conflicts: number;
  /** Anything else (a 303 elsewhere, 4xx, 5xx). */
  otherStatuses: Record<string, number>;
  /** Drafts whose last save was in flight when the run stopped: their version is unknown until read again. */
  unsettled: Draft[];
};

/**
 * `connections` connections saving drafts for `seconds`. A connection takes a free draft for each
 * request and gives it back with the answer, so no two saves of one draft are ever in flight together;
 * with as many drafts as connections each connection in effect keeps to one.
 */
export async function saveLoad(options: {
  base: string;
  session: FormSession;
  drafts: readonly Draft[];
  seconds: number;
  connections: number;
}): Promise<SaveLoad> {
  const { base, session, drafts, connections } = options;
  if (drafts.length < connections) throw new Error(`${connections} connections need ${connections} drafts`);
  const free = [...drafts];
  const latencies: number[] = [];
  let saved = 0;
  let conflicts = 0;
  const otherStatuses: Record<string, number> = {};
  type Context = { draft?: Draft };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: base,
        connections,
        duration: options.seconds,
        requests: [
          {
            setupRequest: (request, context) => {
              const draft = free.shift();
              if (!draft) throw new Error('no free draft: more requests in flight than drafts');
              (context as Context).draft = draft;
              const sections = sectionsEncoded[draft.version % sectionsEncoded.length];
              return {
                ...request,
                method: 'POST',
                path: `/patients/${draft.patientId}/assessments/${draft.assessmentId}`,
                headers: { ...cookieHeaders(session), 'content-type': 'application/x-www-form-urlencoded' },
                body: `_csrf=${encodeURIComponent(session.csrf)}&version=${draft.version}&${sections}`,
              };
            },
            onResponse: (status, body, context, headers) => {
              const draft = (context as Context).draft!;
              const location = String(headers?.location ?? '');
              if (
                status === 303 &&
                location === `/patients/${draft.patientId}/assessments/${draft.assessmentId}#saved`
              ) {
                saved++;
                draft.version++;
              } else if (status === 409) {
                conflicts++;
                // Carry on from the version the server says is current, as the person would after merging.
                const current = Number(/name="version" value="(\d+)"/.exec(String(body))?.[1]);
                if (Number.isInteger(current)) draft.version = current;
              } else {
                otherStatuses[status] = (otherStatuses[status] ?? 0) + 1;
              }
              free.push(draft);
            },
          },
        ],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, _status, _bytes, ms) => {
      latencies.push(ms);
    });
  });
  return {
    seconds: result.duration,
    responses: result.requests.total,
    rps: result.requests.total / result.duration,
    non2xx: conflicts + Object.values(otherStatuses).reduce((n, c) => n + c, 0),
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: 0,
    latencies,
    saved,
    conflicts,
    otherStatuses,
    unsettled: drafts.filter((d) => !free.includes(d)),
  };
}
