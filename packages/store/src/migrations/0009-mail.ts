import type { Kysely } from 'kysely';
import { runStatements } from './run.js';

// E-mail of notifications (server/src/mailer.ts, core/src/domain/mail.ts): an outbox of mail.
// - mail_preferences: a person's choice to receive notifications by e-mail; no row means yes.
// - mail_fanout: the notifications the mailer has turned into mail (one row each, with how many
//   people it was queued for). Notifications that exist when this migration runs count as done,
//   so a node that gains SMTP does not mail its whole history.
// - mail_queue: one e-mail per notification and person, with its attempts, the next attempt,
//   the last error and how it ended (sent, failed after the last retry, or skipped because the
//   person opted out or lost access in the meantime).
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    CREATE TABLE mail_preferences (
      user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
      email_notifications boolean NOT NULL,
      updated_at timestamptz NOT NULL
    );
    CREATE TABLE mail_fanout (
      notification_id bigint PRIMARY KEY REFERENCES notifications(id) ON DELETE CASCADE,
      queued_at timestamptz NOT NULL,
      recipients integer NOT NULL CHECK (recipients >= 0)
    );
    INSERT INTO mail_fanout (notification_id, queued_at, recipients) SELECT id, now(), 0 FROM notifications;
    CREATE TABLE mail_queue (
      id bigserial PRIMARY KEY,
      notification_id bigint NOT NULL REFERENCES notifications(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
      attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      next_attempt_at timestamptz NOT NULL,
      last_error text,
      done_at timestamptz,
      UNIQUE (notification_id, user_id),
      CHECK ((status = 'pending') = (done_at IS NULL))
    );
    CREATE INDEX mail_queue_due ON mail_queue (next_attempt_at) WHERE status = 'pending'
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `DROP TABLE mail_queue, mail_fanout, mail_preferences`);
}
