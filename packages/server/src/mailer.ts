import { audienceRoles, composeNotificationMail, queueNotificationMail, type DomainContext, type NodeSelf, type QueuedMail } from '@parley/core';
import { createTransport, type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import { Periodic } from './periodic.js';
import type { NodeConfig } from './config.js';
import { logRoundFailure } from '@parley/federation';

export interface MailerOptions {
  /** How often to look for notifications to mail and for e-mails due again. */
  intervalMs: number;
  /** E-mails sent per round at most. */
  batch: number;
  /** Attempts per e-mail before it is given up. */
  maxAttempts: number;
  /** First retry delay; doubled each attempt up to maxDelayMs, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A notification older than this when first seen is not mailed (it waited while mail was off). */
  maxAgeMs: number;
  /** Bounds on one SMTP conversation. */
  timeoutMs: number;
}

// 8 attempts over about four hours: 1, 2, 4, 8, 16, 32, 60 minutes apart (half of each random).
export const defaultMailerOptions: MailerOptions = {
  intervalMs: 5_000,
  batch: 50,
  maxAttempts: 8,
  baseDelayMs: 60_000,
  maxDelayMs: 3_600_000,
  maxAgeMs: 24 * 3_600_000,
  timeoutMs: 30_000,
};

/** How the node reaches its SMTP relay, parsed from `smtpUrl`; `pass` must never be logged. */
export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  startTls: 'require' | 'opportunistic';
  user: string | null;
  pass: string | null;
  from: string;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[?::1\]?)$/i;

/** Reads the SMTP settings from the configuration; null when the node sends no e-mail. */
export function smtpSettings(config: Pick<NodeConfig, 'smtpUrl' | 'smtpFrom' | 'smtpStartTls'>): SmtpSettings | null {
  if (!config.smtpUrl) return null;
  const url = new URL(config.smtpUrl);
  if (!config.smtpFrom) throw new Error('invalid configuration: smtpFrom: with PARLEY_SMTP_URL, also give PARLEY_SMTP_FROM, the address notification e-mail comes from');
  const secure = url.protocol === 'smtps:';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    // Credentials and mail in clear on a network are not acceptable by default; a relay on the
    // same machine (a local MTA) often offers no TLS and needs none.
    startTls: config.smtpStartTls ?? (LOOPBACK.test(url.hostname) ? 'opportunistic' : 'require'),
    user: url.username ? decodeURIComponent(url.username) : null,
    pass: url.password ? decodeURIComponent(url.password) : null,
    from: config.smtpFrom,
  };
}

/** The relay as it may be logged: scheme, user, host and port, never the password. */
export function smtpTarget(s: SmtpSettings): string {
  const host = s.host.includes(':') ? `[${s.host}]` : s.host;
  return `${s.secure ? 'smtps' : 'smtp'}://${s.user ? `${encodeURIComponent(s.user)}@` : ''}${host}:${s.port}`;
}

/** Errors that say the relay cannot be used at all now: every other e-mail would fail the same way. */
const RELAY_DOWN = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EAUTH', 'ENOAUTH', 'EPROTOCOL', 'ECONNREFUSED', 'ECONNRESET', 'EGREETING']);

interface SmtpError {
  code?: string;
  responseCode?: number;
  message?: string;
}

/** Exponential backoff with "equal jitter", as the federation sender does. */
function backoff(attempts: number, o: Pick<MailerOptions, 'baseDelayMs' | 'maxDelayMs'>): number {
  const ceiling = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.min(attempts - 1, 30));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/**
 * Sends notifications by e-mail, from an outbox in the store: each round it queues one e-mail
 * per person for every new notification (`queueNotificationMail`), then sends those due. A
 * failed e-mail is tried again later with backoff, up to `maxAttempts`; when the relay is down
 * the round stops at the first failure instead of spending every e-mail's attempts at once.
 * Whatever was queued survives a restart. Errors are logged, never thrown.
 */
export class Mailer {
  private readonly loop: Periodic;
  private readonly transport: Transporter;
  private readonly secrets: string[];

  constructor(
    private readonly ctx: DomainContext & { self: NodeSelf },
    readonly settings: SmtpSettings,
    private readonly log: Logger,
    private readonly options: MailerOptions = defaultMailerOptions,
  ) {
    this.transport = createTransport({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      requireTLS: !settings.secure && settings.startTls === 'require',
      ...(settings.user ? { auth: { user: settings.user, pass: settings.pass ?? '' } } : {}),
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      socketTimeout: options.timeoutMs,
      logger: false,
      debug: false,
    });
    // Whatever a relay answers ends up in the log and the store; the password must not.
    this.secrets = settings.pass ? [settings.pass, encodeURIComponent(settings.pass), Buffer.from(settings.pass).toString('base64')] : [];
    this.loop = new Periodic(() => this.tick(), options.intervalMs);
  }

  start(): void {
    if (this.loop.active) return;
    this.log.info({ smtp: smtpTarget(this.settings), startTls: this.settings.secure ? 'tls' : this.settings.startTls }, 'notification e-mail on');
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    this.transport.close();
  }

  /** One round: queues mail for new notifications, then sends what is due. */
  async tick(): Promise<void> {
    try {
      await queueNotificationMail(this.ctx, { limit: this.options.batch, maxAgeMs: this.options.maxAgeMs });
      const due = await this.ctx.store.mail.due(this.ctx.now(), this.options.batch);
      for (const mail of due) {
        if (!this.loop.active) return;
        const relayDown = await this.deliver(mail);
        if (relayDown) return;
      }
    } catch (err) {
      logRoundFailure(this.log, err, {}, 'could not process notification e-mail; will try again');
    }
  }

  /** Sends one e-mail and records the outcome; true when the relay itself failed. */
  private async deliver(mail: QueuedMail): Promise<boolean> {
    const { notification: n, recipient: r } = mail;
    const store = this.ctx.store.mail;
    // The person may have turned e-mail off, been disabled or changed role since it was queued.
    if (!r.active || !r.emailNotifications || !(audienceRoles(n.audience) as readonly string[]).includes(r.role)) {
      await store.finish(mail.id, 'skipped', this.ctx.now(), mail.attempts, null);
      return false;
    }
    const content = composeNotificationMail(n, { stateCode: this.ctx.self.stateCode, name: this.ctx.self.name, publicUrl: this.ctx.publicUrl }, r);
    const attempts = mail.attempts + 1;
    try {
      await this.transport.sendMail({
        from: this.settings.from,
        to: { name: r.displayName, address: r.email },
        subject: content.subject,
        text: content.text,
        // RFC 3834: no out-of-office replies to a machine.
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
      });
      await store.finish(mail.id, 'sent', this.ctx.now(), attempts, null);
      this.log.info({ mail: mail.id, notification: n.id, kind: n.kind, user: r.userId }, 'notification e-mailed');
      return false;
    } catch (e) {
      const err = e as SmtpError;
      const reason = this.scrub(`${err.code ? `${err.code}: ` : ''}${err.message ?? String(e)}`).slice(0, 500);
      const relayDown = RELAY_DOWN.has(err.code ?? '');
      // A recipient the relay refuses for good (5xx) will be refused again.
      const permanent = !relayDown && typeof err.responseCode === 'number' && err.responseCode >= 500;
      if (permanent || attempts >= this.options.maxAttempts) {
        await store.finish(mail.id, 'failed', this.ctx.now(), attempts, reason);
        this.log.error({ mail: mail.id, notification: n.id, user: r.userId, attempts, reason }, 'notification e-mail given up');
      } else {
        const next = new Date(this.ctx.now().getTime() + backoff(attempts, this.options));
        await store.retryLater(mail.id, attempts, next, reason);
        this.log.warn({ mail: mail.id, notification: n.id, user: r.userId, attempts, next: next.toISOString(), reason }, 'notification e-mail not sent; will try again');
      }
      return relayDown;
    }
  }

  private scrub(text: string): string {
    let out = text;
    for (const s of this.secrets) if (s) out = out.split(s).join('[redacted]');
    return out;
  }
}
