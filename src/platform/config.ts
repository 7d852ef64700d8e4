import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

// Every setting comes from the environment and is checked once, at start, so a typo fails
// loudly before the server takes a request rather than half-way through a clinic.
const booleanText = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const environment = z.object({
  // 0 asks the system for any free port (the address is printed at start).
  PORT: z.coerce
    .number({ message: 'must be a whole number' })
    .int({ message: 'must be a whole number' })
    .min(0, { message: 'must be between 0 and 65535' })
    .max(65535, { message: 'must be between 0 and 65535' })
    .default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
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
  SEED_DEMO: booleanText.default(true),
  DEMO_PATIENTS: z.coerce.number().int().min(0).max(2_000_000).default(500),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PASSWORD_HASH_COST: z.coerce.number().int().min(10).max(20).default(16),
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
  logLevel: string;
  /** log2 of scrypt's N: 16 means 64 MiB per hash with r=8. */
  passwordHashCost: number;
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
  return {
    ok: true,
    config: {
      port: e.PORT,
      host: e.HOST,
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
      seedDemo: e.SEED_DEMO,
      demoPatients: e.DEMO_PATIENTS,
      logLevel: e.LOG_LEVEL,
      passwordHashCost: e.PASSWORD_HASH_COST,
    },
  };
}

function show(env: Record<string, unknown>, path: PropertyKey[]): string {
  const key = String(path[0] ?? '');
  // Never echo a secret or a connection string with its password back into a log.
  if (key === 'SESSION_SECRET' || key === 'DATABASE_URL') return 'a value that is not shown';
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
