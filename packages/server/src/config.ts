import { z } from 'zod';

/** Everything a node is configured with, read once at start from flags and the environment. */
export const configSchema = z.object({
  dataDir: z.string().min(1),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  /** PostgreSQL connection string; when absent the embedded PGlite store under dataDir is used. */
  databaseUrl: z.string().url().optional(),
  /** The URL people use to reach this node, when it differs from http://host:port (a reverse proxy). */
  publicUrl: z.string().url().optional(),
  /** PEM files to serve HTTPS directly; without them the node speaks plain HTTP (for loopback or behind a TLS proxy). */
  tlsCert: z.string().min(1).optional(),
  tlsKey: z.string().min(1).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest JSON body accepted, in bytes. */
  maxBodyBytes: z.number().int().positive().default(1024 * 1024),
  /** Login attempts allowed per client address and per account within the window. */
  loginAttempts: z.number().int().positive().default(10),
  loginWindowSeconds: z.number().int().positive().default(15 * 60),
});
export type NodeConfig = z.infer<typeof configSchema>;

export function configFromEnv(overrides: Partial<Record<keyof NodeConfig, unknown>>, env: NodeJS.ProcessEnv = process.env): NodeConfig {
  const fromEnv = {
    dataDir: env.PARLEY_DATA,
    host: env.PARLEY_HOST,
    port: env.PARLEY_PORT,
    databaseUrl: env.DATABASE_URL || undefined,
    publicUrl: env.PARLEY_PUBLIC_URL || undefined,
    logLevel: env.PARLEY_LOG_LEVEL,
    tlsCert: env.PARLEY_TLS_CERT || undefined,
    tlsKey: env.PARLEY_TLS_KEY || undefined,
  };
  const merged = Object.fromEntries(
    Object.entries({ ...fromEnv, ...overrides }).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = configSchema
    .refine((c) => Boolean(c.tlsCert) === Boolean(c.tlsKey), { message: 'give both a TLS certificate and its key, or neither', path: ['tlsCert'] })
    .safeParse({ dataDir: './data', ...merged });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid configuration: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}
