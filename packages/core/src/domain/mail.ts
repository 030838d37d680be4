import { forbidden } from '../errors.js';
import type { MailPreferences, MailRecipient } from './mail-ports.js';
import type { DomainContext, RequestMeta } from './context.js';
import { record } from './audit.js';
import type { Actor } from './policies.js';
import type { NotificationRecord } from './ports.js';

/**
 * Notifications by e-mail. A notification is a row written in the transaction of its event
 * (`notify` in federation.ts); the mailer (server/src/mailer.ts) later turns each into one
 * e-mail per person it concerns (`queueNotificationMail`) and sends them with retries. What an
 * e-mail may say is decided here, once (`composeNotificationMail`).
 */

/** The roles a notification reaches: `officer` reaches officers and administrators. */
export function audienceRoles(audience: NotificationRecord['audience']): readonly ('admin' | 'officer')[] {
  return audience === 'admin' ? ['admin'] : ['officer', 'admin'];
}

function userOf(actor: Actor): string {
  if (actor.type !== 'user') throw forbidden('no_personal_settings', 'Settings belong to a person who signs in; the local operator has none.');
  return actor.userId;
}

export async function getMailPreferences(ctx: DomainContext, actor: Actor): Promise<MailPreferences> {
  return ctx.store.mail.preferences(userOf(actor));
}

/** A person changes their own choice; recorded in the audit trail like any change to an account. */
export async function setMailPreferences(ctx: DomainContext, actor: Actor, meta: RequestMeta, input: MailPreferences): Promise<MailPreferences> {
  const userId = userOf(actor);
  return ctx.store.transaction(async (tx) => {
    const before = await tx.mail.preferences(userId);
    if (before.emailNotifications !== input.emailNotifications) {
      await tx.mail.setPreferences(userId, { emailNotifications: input.emailNotifications }, ctx.now());
      await record(tx, ctx, actor, meta, { action: 'user.mail_preferences', entityType: 'user', entityId: userId, before, after: input });
    }
    return { emailNotifications: input.emailNotifications };
  });
}

/**
 * Turns notifications not yet handled into queued e-mails, one per active person whose role is
 * in the audience and who has not turned e-mail off. A notification older than `maxAgeMs` (it
 * waited while mail was not configured) is marked handled without mail: news of last week by
 * e-mail would mislead more than help. Returns how many e-mails were queued.
 */
export async function queueNotificationMail(ctx: DomainContext, options: { limit: number; maxAgeMs: number }): Promise<number> {
  return ctx.store.transaction(async (tx) => {
    const now = ctx.now();
    let queued = 0;
    for (const n of await tx.mail.unqueued(options.limit)) {
      const stale = now.getTime() - n.at.getTime() > options.maxAgeMs;
      const people = stale ? [] : await tx.mail.recipients(audienceRoles(n.audience));
      await tx.mail.queue(
        n.id,
        people.map((p) => p.userId),
        now,
      );
      queued += people.length;
    }
    return queued;
  });
}

export interface MailContent {
  subject: string;
  text: string;
}

/**
 * Kinds whose message may leave the node by e-mail: they speak of the node's own operation
 * (checks, deliveries, peers' keys, the log) and never carry case content.
 */
const SHAREABLE_KINDS = ['check.', 'delivery.', 'peer.', 'log.'];

/**
 * What a kind that is not shareable says instead. Consultations may be marked TLP:AMBER,
 * AMBER+STRICT or RED, and an e-mail leaves the node's control (relays, mailboxes, phones), so
 * their title, summary, messages and file names never go into mail, whatever their marking.
 */
function neutral(kind: string): { subject: string; text: string } {
  if (kind.startsWith('consultation.')) return { subject: 'News on a consultation', text: 'There is news on a consultation; sign in to read it:' };
  if (kind.startsWith('evidence.')) return { subject: 'News on evidence for a case', text: 'There is news on evidence for a case; sign in to read it:' };
  return { subject: 'A new notification', text: 'There is a new notification for you; sign in to read it:' };
}

/** Control characters (other than a line break in the body) have no place in mail headers or text. */
// eslint-disable-next-line no-control-regex
const clean = (text: string) => text.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');

const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });

/**
 * The first sentence of a message, on one line and at most 120 characters, for a subject. A
 * Chinese sentence ends at 。！？ (no space follows them), an Arabic question at ؟. A longer one
 * is cut between characters as a reader sees them, never inside an emoji or between a letter and
 * its accent.
 */
export function firstSentence(message: string, max = 120): string {
  const line = clean(message).normalize('NFC').replace(/\s+/g, ' ').trim();
  const end = /[.!?\u061f](?=\s|$)|[\u3002\uff01\uff1f]/u.exec(line);
  const sentence = end ? line.slice(0, end.index) : line;
  if ([...sentence].length <= max) return sentence;
  let kept = '';
  let count = 0;
  for (const { segment } of graphemes.segment(sentence)) {
    const n = [...segment].length;
    if (count + n > max - 1) break;
    kept += segment;
    count += n;
  }
  return `${kept.trimEnd()}…`;
}

/** Where a notification's link leads, on this node's public address. */
export function notificationUrl(publicUrl: string, link: string | null): string {
  const path = link && link.startsWith('/') && !link.startsWith('//') ? link : '/notifications';
  return `${publicUrl.replace(/\/+$/, '')}${path}`;
}

export function composeNotificationMail(
  n: Pick<NotificationRecord, 'audience' | 'kind' | 'message' | 'link'>,
  node: { stateCode: string; name: string; publicUrl: string },
  recipient: MailRecipient & { role: 'admin' | 'officer' | 'viewer' },
): MailContent {
  const url = notificationUrl(node.publicUrl, n.link);
  const shareable = SHAREABLE_KINDS.some((prefix) => n.kind.startsWith(prefix));
  const tag = `[Parley ${node.stateCode}]`;
  const settings = notificationUrl(node.publicUrl, '/notifications');
  const who = recipient.role === 'admin' ? 'an administrator' : 'an officer';
  const forWhom = n.audience === 'admin' ? 'administrators' : 'officers and administrators';
  const footer = [
    '-- ',
    `You receive this e-mail because you are ${who} on the Parley node of ${node.stateCode} (${clean(node.name)}), and this notification is for its ${forWhom}.`,
    `To stop these e-mails, sign in, open Notifications and untick "E-mail me my notifications" under Your settings: ${settings}`,
  ];
  const greeting = `Hello ${clean(recipient.displayName)},`;
  if (!shareable) {
    const { subject, text } = neutral(n.kind);
    return { subject: `${tag} ${subject}`, text: [greeting, '', `${text} ${url}`, '', ...footer, ''].join('\n') };
  }
  return {
    subject: `${tag} ${firstSentence(n.message)}`,
    text: [greeting, '', clean(n.message).trim(), '', `Open it in Parley: ${url}`, '', ...footer, ''].join('\n'),
  };
}
