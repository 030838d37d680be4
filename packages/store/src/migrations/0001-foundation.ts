import type { Kysely } from 'kysely';
import { runStatements } from './run.js';

// Migrations are plain PostgreSQL, so PGlite and a PostgreSQL server run the same text.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    CREATE TABLE users (
      id uuid PRIMARY KEY,
      email text NOT NULL UNIQUE CHECK (email = lower(email)),
      display_name text NOT NULL,
      role text NOT NULL CHECK (role IN ('admin', 'officer', 'viewer')),
      status text NOT NULL CHECK (status IN ('active', 'disabled', 'invited')),
      password_hash text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    );
    CREATE TABLE sessions (
      id_hash text PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      csrf_token text NOT NULL,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX sessions_user ON sessions (user_id);
    CREATE TABLE api_tokens (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      name text NOT NULL,
      prefix text NOT NULL,
      token_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL,
      last_used_at timestamptz,
      revoked_at timestamptz
    );
    CREATE INDEX api_tokens_user ON api_tokens (user_id);
    CREATE TABLE setup_links (
      token_hash text PRIMARY KEY,
      purpose text NOT NULL CHECK (purpose IN ('first-admin', 'invite', 'reset')),
      user_id uuid REFERENCES users(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    );
    CREATE TABLE contacts (
      id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('diplomatic', 'technical', 'law_enforcement_24_7', 'central_authority')),
      name text NOT NULL,
      organisation text NOT NULL,
      position text NOT NULL,
      email text NOT NULL,
      phone text NOT NULL,
      languages text[] NOT NULL,
      time_zone text NOT NULL,
      hours text NOT NULL,
      available_24x7 boolean NOT NULL,
      status text NOT NULL CHECK (status IN ('active', 'retired')),
      version integer NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      retired_at timestamptz
    );
    CREATE TABLE audit_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL,
      actor text NOT NULL,
      action text NOT NULL,
      entity_type text NOT NULL,
      entity_id text NOT NULL,
      before jsonb,
      after jsonb,
      request_id text
    );
    CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id, id);
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `DROP TABLE audit_log, contacts, setup_links, api_tokens, sessions, users`);
}
