import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

// Every setting comes from the environment and is checked once, at start, so a typo fails
// loudly before the server takes a request rather than half-way through a clinic.
const booleanText = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const uuidText = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

// One Notify template for each message to the person and each way it goes.
const notifyTemplates = {
  NOTIFY_TEMPLATE_REFERRAL_ACCEPTED_SMS: 'referral-accepted:sms',
  NOTIFY_TEMPLATE_REFERRAL_ACCEPTED_EMAIL: 'referral-accepted:email',
  NOTIFY_TEMPLATE_APPOINTMENT_BOOKED_SMS: 'appointment-booked:sms',
  NOTIFY_TEMPLATE_APPOINTMENT_BOOKED_EMAIL: 'appointment-booked:email',
  NOTIFY_TEMPLATE_APPOINTMENT_REMINDER_SMS: 'appointment-reminder:sms',
  NOTIFY_TEMPLATE_APPOINTMENT_REMINDER_EMAIL: 'appointment-reminder:email',
} as const;
const notifyTemplateVariables = Object.keys(notifyTemplates) as (keyof typeof notifyTemplates)[];

const environment = z.object({
  // 0 asks the system for any free port (the address is printed at start).
  PORT: z.coerce
    .number({ message: 'must be a whole number' })
    .int({ message: 'must be a whole number' })
    .min(0, { message: 'must be between 0 and 65535' })
    .max(65535, { message: 'must be between 0 and 65535' })
    .default(3000),
  // Unset: localhost in development (the demo accounts share a published password), every
  // interface in production, where a proxy or load balancer sits in front.
  HOST: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1, { message: 'must not be empty' }).default('./data'),
  DATABASE_URL: z
    .string()
    .refine((v) => /^postgres(ql)?:\/\//.test(v), {
      message: 'must be a postgres:// or postgresql:// connection URL',
    })
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  COOKIE_SECURE: booleanText.optional(),
  SESSION_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  TRUSTED_PROXIES: z.string().default(''),
  SIGN_IN_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
  SEED_DEMO: booleanText.optional(),
  DEMO_PATIENTS: z.coerce.number().int().min(0).max(2_000_000).default(500),
  // People in the demo population register who are in nobody's care: whom the front door traces.
  DEMO_POPULATION: z.coerce.number().int().min(0).max(2_000_000).default(5000),
  // Unset: trace against the embedded population register. Set: a PDS FHIR API's base URL.
  PDS_URL: z
    .string()
    .refine((v) => /^https?:\/\/[^\s]+$/.test(v), { message: 'must be an http:// or https:// URL' })
    .optional(),
  PDS_TOKEN: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PASSWORD_HASH_COST: z.coerce.number().int().min(10).max(20).default(16),
  AUDIT_ANCHOR_FILE: z.string().min(1).default('./audit-anchors.jsonl'),
  AUDIT_ANCHOR_INTERVAL_SECONDS: z.coerce
    .number({ message: 'must be a whole number of seconds' })
    .int({ message: 'must be a whole number of seconds' })
    .min(0, { message: 'must be 0 (off) or more' })
    .default(300),
  AUDIT_SEAL_INTERVAL_MS: z.coerce
    .number({ message: 'must be a whole number of milliseconds' })
    .int({ message: 'must be a whole number of milliseconds' })
    .min(50, { message: 'must be 50 or more' })
    .max(60_000, { message: 'must be 60000 or less' })
    .default(1000),
  // How long after a rejection with no alternative in place it is counted as a gap (unmet need).
  UNMET_NEED_DAYS: z.coerce
    .number({ message: 'must be a whole number of days' })
    .int({ message: 'must be a whole number of days' })
    .min(1, { message: 'must be between 1 and 90' })
    .max(90, { message: 'must be between 1 and 90' })
    .default(7),
  METRICS_TOKEN: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  // Unset: messages are kept in the outbox and shown, not sent. Set: the SMTP relay letters go through.
  SMTP_URL: z
    .string()
    .refine((v) => /^smtps?:\/\/[^\s]+$/.test(v), { message: 'must be an smtp:// or smtps:// URL' })
    .optional(),
  MAIL_FROM: z
    .string()
    .refine((v) => /^[^<>]*<?[^\s@<>]+@[^\s@<>]+>?$/.test(v), {
      message: 'must be an address, e.g. Onward <liaison@trust.nhs.uk>',
    })
    .default('Onward <onward@localhost>'),
  // Run the outbox's workers inside `onward serve` (the default), or only in `onward worker`.
  WORKER: booleanText.optional(),
  OUTBOX_RETRY_LIMIT: z.coerce.number().int().min(0).max(50).default(8),
  OUTBOX_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  OUTBOX_POLL_SECONDS: z.coerce.number().min(0.5).max(60).default(2),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(100).default(5),
  OUTBOX_EXPIRE_SECONDS: z.coerce.number().int().min(2).max(3600).default(300),
  // GOV.UK Notify, for texts and emails to the person. Unset: those messages are kept, not sent.
  // Its key is its name, the service id and the secret, joined by hyphens (the ids are UUIDs).
  NOTIFY_API_KEY: z
    .string()
    .regex(new RegExp(`^[A-Za-z0-9_.-]+-${uuidText}-${uuidText}$`), {
      message:
        'must be a GOV.UK Notify API key: its name, then the service id and the secret key (each a UUID), joined by hyphens',
    })
    .optional(),
  // Unset: GOV.UK Notify's own API. Set: another address of the same API (a proxy, the tests' stand-in).
  NOTIFY_URL: z
    .string()
    .refine((v) => /^https?:\/\/[^\s]+$/.test(v), { message: 'must be an http:// or https:// URL' })
    .default('https://api.notifications.service.gov.uk'),
  // The bearer token Notify is given for its delivery receipts (POST /notify/receipts). Unset: no receipts.
  NOTIFY_CALLBACK_TOKEN: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  ...(Object.fromEntries(
    notifyTemplateVariables.map((name) => [
      name,
      z.uuid({ message: 'must be the template’s id (a UUID) in GOV.UK Notify' }).optional(),
    ]),
  ) as Record<(typeof notifyTemplateVariables)[number], z.ZodOptional<z.ZodUUID>>),
  // The job queue's name: deployments (or test runs) sharing one database keep apart by it.
  OUTBOX_QUEUE: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,40}$/, { message: 'must be lowercase letters, digits and hyphens' })
    .default('outbox'),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  environment: 'development' | 'production' | 'test';
  cookieSecure: boolean;
  sessionSecret: string | undefined;
  trustedProxies: string[];
  signInRateLimit: number;
  seedDemo: boolean;
  demoPatients: number;
  /** People on the demo's population register beyond those in care. */
  demoPopulation: number;
  /** The demographics service the front door traces against: the embedded register, or PDS. */
  pds: { url: string; token: string | undefined } | undefined;
  logLevel: string;
  /** log2 of scrypt's N: 16 means 64 MiB per hash with r=8. */
  passwordHashCost: number;
  /** Where the audit chain's head is published, outside the database (absolute path). */
  auditAnchorFile: string;
  /** How often the head is published; 0 turns publishing off. */
  auditAnchorIntervalSeconds: number;
  /** How often the sealer chains newly written audit entries. */
  auditSealIntervalMs: number;
  /** /metrics: open when 'open', behind this bearer token when a token, not served when 'off'. */
  metrics: 'open' | 'off' | { token: string };
  /** Days after a rejection with no alternative in place before the unmet-need register counts it as a gap. */
  unmetNeedDays: number;
  /** The SMTP relay email goes through; undefined keeps messages in the outbox, unsent. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** Whether `onward serve` runs the outbox's workers too. */
  worker: boolean;
  outbox: {
    retryLimit: number;
    retryDelaySeconds: number;
    pollSeconds: number;
    /** Jobs a worker takes at once (each still settled on its own). */
    batchSize: number;
    /** How long one try may take before it is taken as dead and tried again. */
    expireSeconds: number;
    queue: string;
  };
  /** GOV.UK Notify, for texts and emails to the person; undefined keeps them in the outbox, unsent. */
  notify:
    | {
        apiKey: string;
        url: string;
        callbackToken: string | undefined;
        /** Template ids by message and channel, e.g. 'referral-accepted:sms'. */
        templates: Record<string, string>;
      }
    | undefined;
};

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

export function readConfig(env: Record<string, string | undefined>, cwd = process.cwd()): ConfigResult {
  // An empty variable means "not set", as in most shells' `VAR= command`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = environment.safeParse(present);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message} (got ${show(present, i.path)})`),
    };
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  // The demo's accounts share a password printed in the README: never in production.
  if (production && e.SEED_DEMO === true) {
    return {
      ok: false,
      problems: [
        'SEED_DEMO must not be true when NODE_ENV is production: the demo accounts share a published password',
      ],
    };
  }
  const missingTemplates = notifyTemplateVariables.filter((name) => !e[name]);
  if (e.NOTIFY_API_KEY && missingTemplates.length > 0)
    return {
      ok: false,
      problems: [`NOTIFY_API_KEY is set, so every template id must be too: set ${missingTemplates.join(', ')}`],
    };
  return {
    ok: true,
    config: {
      port: e.PORT,
      host: e.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
      dataDir: isAbsolute(e.DATA_DIR) ? e.DATA_DIR : resolve(cwd, e.DATA_DIR),
      databaseUrl: e.DATABASE_URL,
      databasePoolSize: e.DATABASE_POOL_SIZE,
      environment: e.NODE_ENV,
      cookieSecure: e.COOKIE_SECURE ?? e.NODE_ENV === 'production',
      sessionSecret: e.SESSION_SECRET,
      trustedProxies: e.TRUSTED_PROXIES.split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      signInRateLimit: e.SIGN_IN_RATE_LIMIT,
      seedDemo: e.SEED_DEMO ?? !production,
      demoPatients: e.DEMO_PATIENTS,
      demoPopulation: e.DEMO_POPULATION,
      pds: e.PDS_URL ? { url: e.PDS_URL.replace(/\/+$/, ''), token: e.PDS_TOKEN } : undefined,
      logLevel: e.LOG_LEVEL,
      passwordHashCost: e.PASSWORD_HASH_COST,
      auditAnchorFile: isAbsolute(e.AUDIT_ANCHOR_FILE) ? e.AUDIT_ANCHOR_FILE : resolve(cwd, e.AUDIT_ANCHOR_FILE),
      auditAnchorIntervalSeconds: e.AUDIT_ANCHOR_INTERVAL_SECONDS,
      auditSealIntervalMs: e.AUDIT_SEAL_INTERVAL_MS,
      // Metrics name routes and counts, not people, but they are for the operator's network only.
      metrics: e.METRICS_TOKEN ? { token: e.METRICS_TOKEN } : production ? 'off' : 'open',
      unmetNeedDays: e.UNMET_NEED_DAYS,
      smtpUrl: e.SMTP_URL,
      mailFrom: e.MAIL_FROM,
      worker: e.WORKER ?? true,
      outbox: {
        retryLimit: e.OUTBOX_RETRY_LIMIT,
        retryDelaySeconds: e.OUTBOX_RETRY_DELAY_SECONDS,
        pollSeconds: e.OUTBOX_POLL_SECONDS,
        batchSize: e.OUTBOX_BATCH_SIZE,
        expireSeconds: e.OUTBOX_EXPIRE_SECONDS,
        queue: e.OUTBOX_QUEUE,
      },
      notify: e.NOTIFY_API_KEY
        ? {
            apiKey: e.NOTIFY_API_KEY,
            url: e.NOTIFY_URL.replace(/\/+$/, ''),
            callbackToken: e.NOTIFY_CALLBACK_TOKEN,
            templates: Object.fromEntries(notifyTemplateVariables.map((name) => [notifyTemplates[name], e[name]!])),
          }
        : undefined,
    },
  };
}

function show(env: Record<string, unknown>, path: PropertyKey[]): string {
  const key = String(path[0] ?? '');
  // Never echo a secret or a connection string with its password back into a log.
  if (
    [
      'SESSION_SECRET',
      'DATABASE_URL',
      'METRICS_TOKEN',
      'PDS_TOKEN',
      'NOTIFY_API_KEY',
      'NOTIFY_CALLBACK_TOKEN',
    ].includes(key)
  )
    return 'a value that is not shown';
  return JSON.stringify(env[key]);
}

/** A configuration for tests: cheap password hashes, no demo data. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const result = readConfig({
    NODE_ENV: 'test',
    SEED_DEMO: 'false',
    PASSWORD_HASH_COST: '10',
    LOG_LEVEL: 'silent',
  });
  if (!result.ok) throw new Error(result.problems.join('; '));
  return { ...result.config, ...overrides };
}
