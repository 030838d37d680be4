import { sql, type Kysely } from 'kysely';
import type { MailRepo, MailStatus } from '@parley/core';
import type { Database } from './schema.js';

type Db = Kysely<Database>;

export function mailRepo(db: Db): MailRepo {
  return {
    async preferences(userId) {
      const row = await db.selectFrom('mail_preferences').select('email_notifications').where('user_id', '=', userId).executeTakeFirst();
      return { emailNotifications: row?.email_notifications ?? true };
    },

    async setPreferences(userId, preferences, at) {
      await db
        .insertInto('mail_preferences')
        .values({ user_id: userId, email_notifications: preferences.emailNotifications, updated_at: at })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ email_notifications: preferences.emailNotifications, updated_at: at }))
        .execute();
    },

    async unqueued(limit) {
      const rows = await db
        .selectFrom('notifications as n')
        .select([sql<string>`n.id::text`.as('id'), 'n.at', 'n.audience', 'n.kind', 'n.message', 'n.link'])
        .where(({ not, exists, selectFrom }) => not(exists(selectFrom('mail_fanout as f').select('f.notification_id').whereRef('f.notification_id', '=', 'n.id'))))
        .orderBy('n.id')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ id: r.id, at: r.at, audience: r.audience, kind: r.kind, message: r.message, link: r.link }));
    },

    async recipients(roles) {
      if (roles.length === 0) return [];
      const rows = await db
        .selectFrom('users as u')
        .leftJoin('mail_preferences as p', 'p.user_id', 'u.id')
        .select(['u.id', 'u.email', 'u.display_name'])
        .where('u.status', '=', 'active')
        .where('u.role', 'in', roles as ('admin' | 'officer' | 'viewer')[])
        .where((eb) => eb.or([eb('p.email_notifications', 'is', null), eb('p.email_notifications', '=', true)]))
        .orderBy('u.email')
        .execute();
      return rows.map((r) => ({ userId: r.id, email: r.email, displayName: r.display_name }));
    },

    async queue(notificationId, userIds, at) {
      const inserted = await db
        .insertInto('mail_fanout')
        .values({ notification_id: notificationId, queued_at: at, recipients: userIds.length })
        .onConflict((oc) => oc.column('notification_id').doNothing())
        .returning('notification_id')
        .execute();
      // A notification already handled is left as it is: nobody is mailed twice.
      if (inserted.length === 0 || userIds.length === 0) return;
      await db
        .insertInto('mail_queue')
        .values(userIds.map((userId) => ({ notification_id: notificationId, user_id: userId, created_at: at, status: 'pending' as const, next_attempt_at: at, last_error: null, done_at: null })))
        .onConflict((oc) => oc.columns(['notification_id', 'user_id']).doNothing())
        .execute();
    },

    async due(now, limit) {
      const rows = await db
        .selectFrom('mail_queue as q')
        .innerJoin('notifications as n', 'n.id', 'q.notification_id')
        .innerJoin('users as u', 'u.id', 'q.user_id')
        .leftJoin('mail_preferences as p', 'p.user_id', 'q.user_id')
        .select([
          sql<string>`q.id::text`.as('id'),
          'q.attempts',
          sql<string>`n.id::text`.as('notification_id'),
          'n.at',
          'n.audience',
          'n.kind',
          'n.message',
          'n.link',
          'u.id as user_id',
          'u.email',
          'u.display_name',
          'u.role',
          'u.status as user_status',
          'p.email_notifications',
        ])
        .where('q.status', '=', 'pending')
        .where('q.next_attempt_at', '<=', now)
        .orderBy('q.next_attempt_at')
        .orderBy('q.id')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        attempts: r.attempts,
        notification: { id: r.notification_id, at: r.at, audience: r.audience, kind: r.kind, message: r.message, link: r.link },
        recipient: {
          userId: r.user_id,
          email: r.email,
          displayName: r.display_name,
          role: r.role,
          active: r.user_status === 'active',
          emailNotifications: r.email_notifications ?? true,
        },
      }));
    },

    async finish(id, status, at, attempts, error) {
      await db.updateTable('mail_queue').set({ status, done_at: at, attempts, last_error: error }).where('id', '=', id).where('status', '=', 'pending').execute();
    },

    async retryLater(id, attempts, next, error) {
      await db.updateTable('mail_queue').set({ attempts, next_attempt_at: next, last_error: error }).where('id', '=', id).where('status', '=', 'pending').execute();
    },

    async counts() {
      const rows = await db.selectFrom('mail_queue').select(['status', sql<string>`count(*)::text`.as('n')]).groupBy('status').execute();
      const out: Record<MailStatus, number> = { pending: 0, sent: 0, failed: 0, skipped: 0 };
      for (const r of rows) out[r.status] = Number(r.n);
      return out;
    },
  };
}
