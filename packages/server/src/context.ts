import { AuthCache, ReadCache, claimLogOrigin, displayStateName, type DomainContext, type NodeIdentity, type NodeInfo, type NodeSelf, type Store } from '@parley/core';
import { Inbox, Sender, defaultInboxOptions, defaultSenderOptions, type InboxOptions, type SenderOptions } from '@parley/federation';
import { DELIVERY_HEADER, FETCH_HEADER, PROTOCOL_VERSION, INBOX_BATCH_PATH, INBOX_PATH, type DiscoveryDocument } from '@parley/protocol';
import { fingerprint, formatVerifierKey, rawPublicKey, type NodeKeyPair } from '@parley/protocol';
import { DataDir, FsBlobStore, openStore } from '@parley/store';
import { EvidenceFetcher, EvidenceGate, defaultEvidenceFetcherOptions, defaultEvidenceGateOptions, type EvidenceFetcherOptions } from '@parley/federation';
import { createPublicKey } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';
import { pino, type Logger } from 'pino';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { Checkpointer, defaultCheckpointerOptions, type CheckpointerOptions } from './checkpointer.js';
import { DeadlineWatcher, defaultDeadlineWatcherOptions, type DeadlineWatcherOptions } from './deadlines.js';
import type { NodeConfig } from './config.js';
import { settleKeyRotation } from './key-rotation.js';
import { FailedSignInAddresses, StoreRateLimiter } from './store-limiter.js';
import { defaultWitnessOptions, Witness, type WitnessOptions } from './witness.js';
import { defaultMailerOptions, Mailer, smtpSettings, type MailerOptions } from './mailer.js';
import { VERSION } from './version.js';

/**
 * How many people a client address is allowed the failed sign-ins of, by default. An address is
 * often a ministry's or a CERT's gateway, shared by everyone there: with the per-account allowance
 * per address, one person's mistyped passwords shut their colleagues out too. Guessing across
 * accounts from one address is still bounded, at this many accounts' worth of tries.
 */
export const ADDRESS_SHARERS = 5;

/** Everything a request handler may use, built once from the configuration and closed by its owner. */
export interface AppContext {
  config: NodeConfig;
  dataDir: DataDir;
  identity: NodeIdentity;
  keys: NodeKeyPair;
  store: Store;
  domain: DomainContext & { self: NodeSelf };
  sender: Sender;
  inbox: Inbox;
  /** Signs checkpoints of the node's transparency log; started with the node. */
  checkpointer: Checkpointer;
  deadlines: DeadlineWatcher;
  /** Witnesses peers' logs and collects their cosignatures of this node's; started with the node. */
  witness: Witness;
  /** Evidence content, by SHA-256, under the data directory. */
  blobs: FsBlobStore;
  /** Decides which peer may fetch which evidence from this node. */
  evidenceGate: EvidenceGate;
  /** Pulls evidence announced by peers; started with the node. */
  evidenceFetcher: EvidenceFetcher;
  /** Sends notifications by e-mail when SMTP is configured, else null; started with the node. */
  mailer: Mailer | null;
  discovery(): DiscoveryDocument;
  log: Logger;
  /** Sign-in attempts per address: in memory, lost on restart. */
  loginLimiter: RateLimiterMemory;
  /** Tries with setup links per address: in memory, lost on restart. */
  setupLinkLimiter: RateLimiterMemory;
  /** Sign-in attempts per account, kept in the store, so that a restart does not lift a lockout. */
  accountLimiter: StoreRateLimiter;
  /** Where each account's failed sign-ins came from, so that unlocking it forgets those addresses' counts too. */
  failedSignIns: FailedSignInAddresses;
  /**
   * The address a request came from, for limits: the connection's, or, when that is a trusted
   * reverse proxy (`trustedProxies`), the nearest address its `X-Forwarded-For` names that is not one.
   */
  clientAddress(request: IncomingMessage): string;
  publicUrl: string;
  nodeInfo(): NodeInfo;
  close(): Promise<void>;
}

export function createLogger(config: Pick<NodeConfig, 'logLevel'>, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level: config.logLevel,
      // Secrets never reach the log, whatever a later change passes to it: each field that holds
      // one, at the top or one level down, and the headers that carry one, in any object's headers.
      redact: {
        paths: [
          ...['password', 'pass', 'token', 'secret', 'csrfToken', 'setupLink', 'privateKey', 'smtpUrl', 'databaseUrl'].flatMap((f) => [f, `*.${f}`]),
          ...['authorization', 'cookie', 'set-cookie', DELIVERY_HEADER, FETCH_HEADER].flatMap((h) => [`headers["${h}"]`, `*.headers["${h}"]`]),
        ],
        censor: '[redacted]',
      },
    },
    destination as never,
  );
}

export interface ContextOptions {
  log?: Logger;
  now?: () => Date;
  listenUrl?: string;
  sender?: Partial<SenderOptions>;
  inbox?: Partial<InboxOptions>;
  checkpointer?: Partial<CheckpointerOptions>;
  deadlines?: Partial<DeadlineWatcherOptions>;
  witness?: Partial<WitnessOptions>;
  evidenceFetcher?: Partial<EvidenceFetcherOptions>;
  mailer?: Partial<MailerOptions>;
}

export async function createAppContext(config: NodeConfig, options: ContextOptions = {}): Promise<AppContext> {
  const dataDir = new DataDir(config.dataDir);
  // Checked before the store opens: a configuration mistake must not leave it open.
  const smtp = smtpSettings(config);
  const { identity } = await dataDir.load();
  const log = (options.log ?? createLogger(config)).child({ state: identity.stateCode });
  const storeLog = log.child({ component: 'store' });
  const store = await openStore(
    config.databaseUrl
      ? {
          engine: 'postgres',
          url: config.databaseUrl,
          answerTimeoutMs: config.databaseAnswerSeconds * 1000,
          // One line when the database goes and one when it is back: each request it fails meanwhile
          // is answered 503 and logged only by its access line.
          onReachability: (change) =>
            change.reachable
              ? storeLog.info({ afterSeconds: Math.round(change.afterMs / 1000) }, 'database reachable again')
              : storeLog.error({ reason: change.reason }, `database unreachable: ${change.reason} Answering 503 and retrying until it is back.`),
        }
      : { engine: 'pglite', dataDir: dataDir.path },
  );
  await settleKeyRotation(dataDir, store);
  const { keys } = await dataDir.load();
  const previous = await dataDir.readOptionalKey(dataDir.previousKeyFile);
  const publicUrl = (config.publicUrl ?? options.listenUrl ?? `http://${config.host}:${config.port}`).replace(/\/+$/, '');
  const self: NodeSelf = {
    stateCode: identity.stateCode,
    name: identity.name,
    privateKey: keys.privateKey,
    fingerprint: fingerprint(keys.publicKey),
    previousKeys: new Map(previous ? [[fingerprint(previous.publicKey), previous.privateKey]] : []),
  };
  // Derived from the current signing key at each call: a rotation changes what the node presents.
  const publicKey = () => rawPublicKey(createPublicKey(self.privateKey));
  const domain: AppContext['domain'] = { store, now: options.now ?? (() => new Date()), publicUrl, authCache: new AuthCache(), peerCache: new ReadCache(), self, consultationPolicy: { ackHours: config.ackHours } };
  const deliveryMs = options.sender?.maxAgeMs ?? config.deliveryHours * 3_600_000;
  const trustProxy = config.trustedProxies ? proxyAddr.compile(config.trustedProxies) : null;
  const sender = new Sender(domain, log.child({ component: 'sender' }), { ...defaultSenderOptions, ...options.sender, maxAgeMs: deliveryMs });
  // Inbound messages may announce evidence to fetch, so the evidence fetcher wakes too.
  domain.onQueued = () => {
    sender.wake();
    evidenceFetcher.wake();
  };
  const inbox = new Inbox(domain, { ...defaultInboxOptions, ...options.inbox });
  const logOrigin = await claimLogOrigin(domain);
  const checkpointer = new Checkpointer(domain, logOrigin, log.child({ component: 'checkpointer' }), { ...defaultCheckpointerOptions, ...options.checkpointer });
  const blobs = new FsBlobStore(dataDir.path);
  await blobs.clearTemporary();
  const evidenceFetcher = new EvidenceFetcher(domain, blobs, log.child({ component: 'evidence-fetcher' }), { ...defaultEvidenceFetcherOptions, maxBytes: config.maxEvidenceBytes, ...options.evidenceFetcher });
  const evidenceGate = new EvidenceGate(domain, defaultEvidenceGateOptions);
  const witness = new Witness(domain, logOrigin, log.child({ component: 'witness' }), { ...defaultWitnessOptions, ...options.witness });
  const mailer = smtp ? new Mailer(domain, smtp, log.child({ component: 'mailer' }), { ...defaultMailerOptions, ...options.mailer }) : null;
  const deadlines = new DeadlineWatcher(domain, log.child({ component: 'deadlines' }), { ...defaultDeadlineWatcherOptions, ...options.deadlines });
  return {
    sender,
    inbox,
    checkpointer,
    deadlines,
    witness,
    blobs,
    evidenceGate,
    evidenceFetcher,
    mailer,
    discovery: () => ({
      protocol: 'parley',
      versions: [PROTOCOL_VERSION],
      stateCode: identity.stateCode,
      name: identity.name,
      isTestState: identity.isTestState,
      publicKey: publicKey().toString('base64url'),
      fingerprint: self.fingerprint,
      endpoints: { inbox: INBOX_PATH, inboxBatch: INBOX_BATCH_PATH },
      log: { origin: logOrigin, verifierKey: formatVerifierKey(logOrigin, publicKey()) },
    }),
    config,
    dataDir,
    identity,
    get keys() {
      return { privateKey: self.privateKey, publicKey: createPublicKey(self.privateKey) };
    },
    store,
    log,
    publicUrl,
    domain,
    loginLimiter: new RateLimiterMemory({ points: config.loginAttemptsPerAddress ?? config.loginAttempts * ADDRESS_SHARERS, duration: config.loginWindowSeconds }),
    setupLinkLimiter: new RateLimiterMemory({ points: config.loginAttempts, duration: config.loginWindowSeconds }),
    accountLimiter: new StoreRateLimiter(store.signInAttempts, { points: config.loginAttempts, duration: config.loginWindowSeconds }),
    failedSignIns: new FailedSignInAddresses(),
    clientAddress: (request) => (trustProxy ? proxyAddr(request, trustProxy) : request.socket.remoteAddress) ?? 'unknown',
    nodeInfo: () => ({
      stateCode: identity.stateCode,
      stateName: displayStateName(identity),
      name: identity.name,
      isTestState: identity.isTestState,
      fingerprint: self.fingerprint,
      publicKey: publicKey().toString('base64url'),
      version: VERSION,
      createdAt: identity.createdAt,
      deliveryHours: deliveryMs / 3_600_000,
    }),
    close: async () => {
      await sender.stop();
      await evidenceFetcher.stop();
      await mailer?.stop();
      await witness.stop();
      await checkpointer.stop();
      await deadlines.stop();
      await store.close();
    },
  };
}
