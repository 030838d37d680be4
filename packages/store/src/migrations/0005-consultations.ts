import type { Kysely } from 'kysely';
import { runStatements } from './run.js';

// Consultations on ICT incidents (core/src/domain/consultations.ts). One row per consultation
// between this state and one other; both nodes hold a row with the same id. Drafts exist only
// on the raising node and name their addressees but no recipient yet. Every step is an event;
// steps taken between the states also name the envelope that carried them.
// Search vectors use the 'simple' configuration: officers write in many languages, and no
// single language's stemming is right for all of them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    CREATE TABLE consultations (
      id uuid PRIMARY KEY,
      group_id uuid NOT NULL,
      side text NOT NULL CHECK (side IN ('raiser', 'recipient')),
      raiser text NOT NULL,
      recipient text,
      addressees jsonb NOT NULL,
      status text NOT NULL CHECK (status IN ('draft', 'sent', 'acknowledged', 'in_progress', 'responded', 'closed')),
      outcome text CHECK (outcome IN ('resolved_or_mitigated', 'unfounded', 'no_agreement', 'withdrawn')),
      awaiting text CHECK (awaiting IN ('raiser', 'recipient')),
      title text NOT NULL,
      summary text NOT NULL,
      period_start timestamptz,
      period_end timestamptz,
      sectors jsonb NOT NULL,
      severity text NOT NULL,
      urgency text NOT NULL,
      communication_kind text NOT NULL,
      norms jsonb NOT NULL,
      actions_requested text NOT NULL,
      response_requested_by timestamptz,
      tlp text NOT NULL,
      indicators jsonb NOT NULL,
      attribution jsonb,
      attribution_reply jsonb,
      evidence jsonb NOT NULL,
      raised_by text NOT NULL,
      ack_deadline timestamptz,
      sent_at timestamptz,
      acknowledged_at timestamptz,
      responded_at timestamptz,
      closed_at timestamptz,
      ack_overdue_notified_at timestamptz,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      version integer NOT NULL,
      search tsvector GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || summary || ' ' || actions_requested)) STORED,
      CHECK (status = 'draft' OR recipient IS NOT NULL)
    );
    CREATE INDEX consultations_list ON consultations (side, updated_at DESC);
    CREATE INDEX consultations_due ON consultations (ack_deadline) WHERE status = 'sent' AND ack_overdue_notified_at IS NULL;
    CREATE INDEX consultations_search ON consultations USING gin (search);
    CREATE TABLE consultation_events (
      id uuid PRIMARY KEY,
      consultation_id uuid NOT NULL REFERENCES consultations(id) ON DELETE CASCADE,
      seq bigserial NOT NULL,
      at timestamptz NOT NULL,
      side text NOT NULL CHECK (side IN ('raiser', 'recipient')),
      actor text NOT NULL,
      action text NOT NULL,
      text text NOT NULL,
      evidence jsonb NOT NULL,
      outcome text,
      attribution_reply jsonb,
      envelope_hash text UNIQUE,
      -- Why a step received from the other state did not change the consultation (it crossed
      -- with one of ours, e.g. a response arriving after a withdrawal); null when it did.
      not_applied text,
      search tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED
    );
    CREATE INDEX consultation_events_by_case ON consultation_events (consultation_id, seq);
    CREATE INDEX consultation_events_search ON consultation_events USING gin (search);
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `DROP TABLE consultation_events; DROP TABLE consultations;`);
}
