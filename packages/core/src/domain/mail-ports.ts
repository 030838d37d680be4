import type { NotificationRecord } from './ports.js';

/** Storage port of notification e-mail (core/src/domain/mail.ts); packages/store/src/mail-repo.ts implements it. */

export interface MailPreferences {
  /** Whether the person receives notifications by e-mail; true unless they turned it off. */
  emailNotifications: boolean;
}

/** A person mail may go to: active, with a role in the notification's audience, not opted out. */
export interface MailRecipient {
  userId: string;
  email: string;
  displayName: string;
}

export type MailStatus = 'pending' | 'sent' | 'failed' | 'skipped';

/** One e-mail waiting to be sent, with what is needed to write it and to check it may still go. */
export interface QueuedMail {
  id: string;
  attempts: number;
  notification: Omit<NotificationRecord, 'readAt'>;
  recipient: MailRecipient & { role: 'admin' | 'officer' | 'viewer'; active: boolean; emailNotifications: boolean };
}

export interface MailRepo {
  preferences(userId: string): Promise<MailPreferences>;
  setPreferences(userId: string, preferences: MailPreferences, at: Date): Promise<void>;
  /** Notifications not yet turned into mail, oldest first. */
  unqueued(limit: number): Promise<Omit<NotificationRecord, 'readAt'>[]>;
  /** Active people whose role is one of `roles` and who have not turned e-mail off. */
  recipients(roles: readonly string[]): Promise<MailRecipient[]>;
  /** Queues one e-mail per person for the notification and marks it handled; idempotent. */
  queue(notificationId: string, userIds: readonly string[], at: Date): Promise<void>;
  /** Pending e-mails whose next attempt is due, oldest first. */
  due(now: Date, limit: number): Promise<QueuedMail[]>;
  /** Ends an e-mail: sent, failed for good, or skipped. */
  finish(id: string, status: Exclude<MailStatus, 'pending'>, at: Date, attempts: number, error: string | null): Promise<void>;
  /** Records a failed attempt and when to try again. */
  retryLater(id: string, attempts: number, next: Date, error: string): Promise<void>;
  /** How many e-mails are in each state (for the node's status and tests). */
  counts(): Promise<Record<MailStatus, number>>;
}
