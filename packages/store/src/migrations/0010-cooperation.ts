import type { Kysely } from 'kysely';
import { runStatements } from './run.js';

// Cooperation requests on information crimes (core/src/domain/cooperation.ts) are cases of the
// same kind as consultations: one row per request between this state and one other, with the
// same events, thread, evidence and exports. `kind` says which: a consultation, or one of the
// request types. A request keeps its structured form in `request`, the requested state's latest
// decision in `decision`, and for an executed preservation the date the data is kept until.
// A request whose decision is overdue is reported once (decision_overdue_notified_at).
// - events gain the decision, the chain of custody of returned evidence, and an `until` date
//   (a postponement's or preservation's end, or an extension).
// - legal_bases: for each other state, the instruments that found cooperation with it and the
//   channel requests travel by.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    ALTER TABLE consultations ADD COLUMN kind text NOT NULL DEFAULT 'consultation'
      CHECK (kind IN ('consultation', 'preservation', 'disclosure', 'mla', 'emergency', 'spontaneous'));
    ALTER TABLE consultations ADD COLUMN request jsonb;
    ALTER TABLE consultations ADD COLUMN decision jsonb;
    ALTER TABLE consultations ADD COLUMN preserve_until timestamptz;
    ALTER TABLE consultations ADD COLUMN lapse_warned_for timestamptz;
    ALTER TABLE consultations ADD COLUMN consulted_at timestamptz;
    ALTER TABLE consultations ADD COLUMN decision_overdue_notified_at timestamptz;
    ALTER TABLE consultations DROP CONSTRAINT consultations_status_check;
    ALTER TABLE consultations ADD CONSTRAINT consultations_status_check
      CHECK (status IN ('draft', 'sent', 'acknowledged', 'in_progress', 'responded', 'postponed', 'executed', 'closed'));
    ALTER TABLE consultations DROP CONSTRAINT consultations_outcome_check;
    ALTER TABLE consultations ADD CONSTRAINT consultations_outcome_check
      CHECK (outcome IN ('resolved_or_mitigated', 'unfounded', 'no_agreement', 'withdrawn', 'completed', 'refused'));
    ALTER TABLE consultations ADD CONSTRAINT consultations_request_form CHECK ((kind = 'consultation') = (request IS NULL));
    CREATE INDEX consultations_kind_list ON consultations (kind, side, updated_at DESC);
    CREATE INDEX consultations_lapse ON consultations (preserve_until) WHERE kind = 'preservation' AND status = 'executed';
    ALTER TABLE consultation_events ADD COLUMN decision jsonb;
    ALTER TABLE consultation_events ADD COLUMN custody jsonb NOT NULL DEFAULT '[]';
    ALTER TABLE consultation_events ADD COLUMN until timestamptz;
    CREATE TABLE legal_bases (
      state text PRIMARY KEY CHECK (state ~ '^[A-Z]{3}$'),
      instruments jsonb NOT NULL,
      articles text NOT NULL,
      channel text,
      notes text NOT NULL,
      updated_at timestamptz NOT NULL,
      updated_by text NOT NULL
    );
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    DROP TABLE legal_bases;
    DELETE FROM consultations WHERE kind <> 'consultation';
    ALTER TABLE consultation_events DROP COLUMN decision, DROP COLUMN custody, DROP COLUMN until;
    ALTER TABLE consultations DROP CONSTRAINT consultations_request_form;
    ALTER TABLE consultations DROP CONSTRAINT consultations_status_check;
    ALTER TABLE consultations ADD CONSTRAINT consultations_status_check CHECK (status IN ('draft', 'sent', 'acknowledged', 'in_progress', 'responded', 'closed'));
    ALTER TABLE consultations DROP CONSTRAINT consultations_outcome_check;
    ALTER TABLE consultations ADD CONSTRAINT consultations_outcome_check CHECK (outcome IN ('resolved_or_mitigated', 'unfounded', 'no_agreement', 'withdrawn'));
    DROP INDEX consultations_kind_list;
    ALTER TABLE consultations DROP COLUMN kind, DROP COLUMN request, DROP COLUMN decision, DROP COLUMN preserve_until, DROP COLUMN lapse_warned_for, DROP COLUMN consulted_at, DROP COLUMN decision_overdue_notified_at;
  `);
}
