import proxyAddr from 'proxy-addr';
import { z } from 'zod';

/** Everything a node is configured with, read once at start from flags and the environment. */
export const configSchema = z.object({
  dataDir: z.string().min(1),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  /** PostgreSQL connection string; when absent the embedded PGlite store under dataDir is used. */
  databaseUrl: z.string().url().refine((u) => /^postgres(ql)?:\/\//i.test(u), { message: 'DATABASE_URL is a postgres:// URL, such as postgres://user:password@host:5432/database' }).optional(),
  /**
   * Seconds a statement waits for PostgreSQL's answer before the node takes the connection for
   * lost and answers 503 (PARLEY_DATABASE_ANSWER_SECONDS): a network that silently drops packets
   * would otherwise hold requests for the operating system's TCP timeout, a quarter of an hour.
   */
  databaseAnswerSeconds: z.coerce
    .number({ message: 'a number of seconds, such as 30' })
    .positive('a number of seconds above 0, such as 30')
    .max(3600, 'at most 3600 seconds (an hour)')
    .default(30),
  /** The URL people use to reach this node, when it differs from http://host:port (a reverse proxy). */
  publicUrl: z.string().url().optional(),
  /** PEM files to serve HTTPS directly; without them the node speaks plain HTTP (for loopback or behind a TLS proxy). */
  tlsCert: z.string().min(1).optional(),
  tlsKey: z.string().min(1).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The built web interface to serve; the web package's own build unless a test gives another. */
  webDir: z.string().min(1).optional(),
  /** Largest JSON body accepted, in bytes. */
  maxBodyBytes: z.number().int().positive().default(1024 * 1024),
  /** Largest evidence file accepted by upload, in bytes (streamed to disk, never held in memory). */
  maxEvidenceBytes: z.coerce.number().int().positive().default(20 * 1024 ** 3),
  /**
   * The reverse proxies in front of the node (PARLEY_TRUSTED_PROXIES): `loopback`, `uniquelocal`,
   * addresses and CIDR ranges, comma-separated. A request from one of them is counted against the
   * address its `X-Forwarded-For` names, so sign-in limits apply per person and not to the proxy
   * as a whole. Without it the header is ignored: anybody could write it.
   */
  trustedProxies: z
    .union([z.string().transform((v) => v.split(',').map((a) => a.trim()).filter(Boolean)), z.array(z.string())])
    .superRefine((list, ctx) => {
      try {
        proxyAddr.compile(list);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: `${(e as Error).message}; give loopback, uniquelocal, addresses or CIDR ranges such as 10.0.0.0/8, comma-separated` });
      }
    })
    .optional(),
  /** Failed sign-ins allowed per account within the window, and tries with setup links per client address. */
  loginAttempts: z.number().int().positive().default(10),
  /**
   * Failed sign-ins allowed per client address within the window; by default `ADDRESS_SHARERS` (context.ts)
   * times `loginAttempts`, because one address is often a whole ministry behind its gateway.
   */
  loginAttemptsPerAddress: z.number().int().positive().optional(),
  loginWindowSeconds: z.number().int().positive().default(15 * 60),
  /** Hours a state has to acknowledge a consultation, by urgency (PARLEY_ACK_HOURS="urgent=24,high=72,routine=240"). */
  ackHours: z
    .strictObject({ urgent: z.number().positive().max(8760), high: z.number().positive().max(8760), routine: z.number().positive().max(8760) })
    .default({ urgent: 24, high: 72, routine: 240 }),
  /**
   * Hours the sender keeps retrying a message a peer has not receipted before it marks it failed
   * and tells the officers (PARLEY_DELIVERY_HOURS). At most 168, seven days: receivers refuse an
   * envelope created longer ago than that (protocol §4.1, step 12), so retrying longer is futile.
   */
  deliveryHours: z.coerce
    .number({ message: 'a number of hours, such as 24 or 168' })
    .positive('a number of hours above 0, such as 24')
    .max(168, 'at most 168 hours (seven days): a receiver refuses an envelope created longer ago than that')
    .default(168),
  /**
   * The SMTP relay for notification e-mail: smtp://user:password@host:587 (STARTTLS) or
   * smtps://user:password@host:465 (TLS from the start). Without it the node sends no e-mail.
   * It holds a password: never log it (the logger redacts `smtpUrl`; mailer.ts logs `smtpTarget`).
   */
  smtpUrl: z
    .string()
    .url()
    .refine((u) => /^smtps?:\/\/[^/]/i.test(u), { message: 'use smtp://user:password@host:587 or smtps://user:password@host:465' })
    .optional(),
  /** The From address of notification e-mail, e.g. "Parley XAA <parley@ministry.example>". */
  smtpFrom: z.string().min(3).max(300).optional(),
  /** STARTTLS on smtp://: `require` (the default, except for a relay on loopback) or `opportunistic`. */
  smtpStartTls: z.enum(['require', 'opportunistic']).optional(),
});
export type NodeConfig = z.infer<typeof configSchema>;

/** The command-line flag for a setting or field: `tlsCert` → `--tls-cert`. */
export const flagName = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** The environment variable behind each setting read from it, named in errors about its value. */
const envNames: Partial<Record<keyof NodeConfig, string>> = {
  dataDir: 'PARLEY_DATA',
  host: 'PARLEY_HOST',
  port: 'PARLEY_PORT',
  databaseUrl: 'DATABASE_URL',
  databaseAnswerSeconds: 'PARLEY_DATABASE_ANSWER_SECONDS',
  publicUrl: 'PARLEY_PUBLIC_URL',
  trustedProxies: 'PARLEY_TRUSTED_PROXIES',
  logLevel: 'PARLEY_LOG_LEVEL',
  tlsCert: 'PARLEY_TLS_CERT',
  tlsKey: 'PARLEY_TLS_KEY',
  maxEvidenceBytes: 'PARLEY_MAX_EVIDENCE_BYTES',
  ackHours: 'PARLEY_ACK_HOURS',
  deliveryHours: 'PARLEY_DELIVERY_HOURS',
  smtpUrl: 'PARLEY_SMTP_URL',
  smtpFrom: 'PARLEY_SMTP_FROM',
  smtpStartTls: 'PARLEY_SMTP_STARTTLS',
};

/**
 * The node's configuration: `overrides` (command-line flags, or a caller's own settings) over the
 * environment over the defaults. An override that is `undefined` (a flag not given) leaves the
 * environment's value in place; `null` sets none, whatever the environment says (the demo's
 * nodes, which always use the embedded store). An error names the flag or variable to correct.
 */
export function configFromEnv(overrides: Partial<Record<keyof NodeConfig, unknown>>, env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const fromEnv: Partial<Record<keyof NodeConfig, unknown>> = {
    dataDir: env.PARLEY_DATA,
    host: env.PARLEY_HOST,
    port: env.PARLEY_PORT,
    databaseUrl: env.DATABASE_URL,
    databaseAnswerSeconds: env.PARLEY_DATABASE_ANSWER_SECONDS,
    publicUrl: env.PARLEY_PUBLIC_URL,
    trustedProxies: env.PARLEY_TRUSTED_PROXIES,
    logLevel: env.PARLEY_LOG_LEVEL,
    tlsCert: env.PARLEY_TLS_CERT,
    tlsKey: env.PARLEY_TLS_KEY,
    maxEvidenceBytes: env.PARLEY_MAX_EVIDENCE_BYTES,
    ackHours: env.PARLEY_ACK_HOURS ? parseAckHours(env.PARLEY_ACK_HOURS) : undefined,
    deliveryHours: env.PARLEY_DELIVERY_HOURS,
    smtpUrl: env.PARLEY_SMTP_URL,
    smtpFrom: env.PARLEY_SMTP_FROM,
    smtpStartTls: env.PARLEY_SMTP_STARTTLS,
  };
  // An empty variable counts as not set, as in most programs.
  const merged: Record<string, unknown> = Object.fromEntries(Object.entries(fromEnv).filter(([, v]) => v !== undefined && v !== ''));
  const flags = new Set<string>();
  for (const [key, value] of Object.entries(overrides)) {
    if (value === null) delete merged[key];
    else if (value !== undefined && value !== '') {
      merged[key] = value;
      flags.add(key);
    }
  }
  const parsed = configSchema
    .refine((c) => Boolean(c.tlsCert) === Boolean(c.tlsKey), { message: 'give both a TLS certificate and its key, or neither', path: ['tlsCert'] })
    .refine((c) => !c.smtpUrl || Boolean(c.smtpFrom), { message: 'with PARLEY_SMTP_URL, also give PARLEY_SMTP_FROM, the address notification e-mail comes from', path: ['smtpFrom'] })
    .safeParse({ dataDir: './data', ...merged });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? '') as keyof NodeConfig;
    const label = flags.has(key) ? flagName(key) : (envNames[key] ?? issue?.path.join('.'));
    throw new Error(`invalid configuration: ${label}: ${issue?.message}`);
  }
  return parsed.data;
}

/** "urgent=24,high=72,routine=240" → hours by urgency; an urgency left out keeps its default. */
function parseAckHours(text: string): Record<string, number> {
  const out: Record<string, number> = { urgent: 24, high: 72, routine: 240 };
  for (const part of text.split(',')) {
    const m = /^\s*(urgent|high|routine)\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!m) throw new Error(`invalid configuration: PARLEY_ACK_HOURS: "${part.trim()}" is not urgency=hours; write for example urgent=24,high=72,routine=240`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}
