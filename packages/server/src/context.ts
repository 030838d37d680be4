import { AuthCache, displayStateName, type DomainContext, type NodeIdentity, type NodeInfo, type Store } from '@parley/core';
import { fingerprint, rawPublicKey, type NodeKeyPair } from '@parley/protocol';
import { DataDir, openStore } from '@parley/store';
import { pino, type Logger } from 'pino';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { NodeConfig } from './config.js';
import { VERSION } from './version.js';

/** Everything a request handler may use, built once from the configuration and closed by its owner. */
export interface AppContext {
  config: NodeConfig;
  dataDir: DataDir;
  identity: NodeIdentity;
  keys: NodeKeyPair;
  store: Store;
  domain: DomainContext;
  log: Logger;
  loginLimiter: RateLimiterMemory;
  publicUrl: string;
  nodeInfo(): NodeInfo;
  close(): Promise<void>;
}

export function createLogger(config: Pick<NodeConfig, 'logLevel'>, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level: config.logLevel,
      // Secrets never reach the log, whatever a later change passes to it.
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'password', '*.password', 'token', '*.token', 'secret', '*.secret', 'csrfToken'],
        censor: '[redacted]',
      },
    },
    destination as never,
  );
}

export async function createAppContext(config: NodeConfig, options: { log?: Logger; now?: () => Date; listenUrl?: string } = {}): Promise<AppContext> {
  const dataDir = new DataDir(config.dataDir);
  const { identity, keys } = await dataDir.load();
  const log = (options.log ?? createLogger(config)).child({ state: identity.stateCode });
  const store = await openStore(
    config.databaseUrl ? { engine: 'postgres', url: config.databaseUrl } : { engine: 'pglite', dataDir: dataDir.path },
  );
  const publicUrl = (config.publicUrl ?? options.listenUrl ?? `http://${config.host}:${config.port}`).replace(/\/+$/, '');
  const publicKey = rawPublicKey(keys.publicKey);
  return {
    config,
    dataDir,
    identity,
    keys,
    store,
    log,
    publicUrl,
    domain: { store, now: options.now ?? (() => new Date()), publicUrl, authCache: new AuthCache() },
    loginLimiter: new RateLimiterMemory({ points: config.loginAttempts, duration: config.loginWindowSeconds }),
    nodeInfo: () => ({
      stateCode: identity.stateCode,
      stateName: displayStateName(identity),
      name: identity.name,
      isTestState: identity.isTestState,
      fingerprint: fingerprint(publicKey),
      publicKey: publicKey.toString('base64url'),
      version: VERSION,
      createdAt: identity.createdAt,
    }),
    close: () => store.close(),
  };
}
