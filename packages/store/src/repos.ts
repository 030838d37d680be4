import { sql, type Kysely, type Selectable } from 'kysely';
import type {
  AttemptRepo,
  AuditRepo,
  ContactRecord,
  ContactRepo,
  SessionRepo,
  SetupLinkRepo,
  TokenRepo,
  UserRecord,
  UserRepo,
} from '@parley/core';
import type { ContactsTable, Database, UsersTable } from './schema.js';

type Db = Kysely<Database>;

/** A row as json_agg returns it: timestamps become strings. */
type JsonRow<T> = { [K in keyof Selectable<T>]: Selectable<T>[K] extends Date ? string : Selectable<T>[K] extends Date | null ? string | null : Selectable<T>[K] };

const toUser = (r: Selectable<UsersTable>): UserRecord => ({
  id: r.id,
  email: r.email,
  displayName: r.display_name,
  role: r.role,
  status: r.status,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function userRepo(db: Db): UserRepo {
  return {
    async insert(u) {
      await db
        .insertInto('users')
        .values({
          id: u.id,
          email: u.email,
          display_name: u.displayName,
          role: u.role,
          status: u.status,
          password_hash: u.passwordHash,
          created_at: u.createdAt,
          updated_at: u.updatedAt,
        })
        .execute();
    },
    async byId(id) {
      const r = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toUser(r);
    },
    async byEmail(email) {
      const r = await db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
      return r && toUser(r);
    },
    async list() {
      return (await db.selectFrom('users').selectAll().orderBy('email').execute()).map(toUser);
    },
    async update(u) {
      await db
        .updateTable('users')
        .set({ display_name: u.displayName, role: u.role, status: u.status, password_hash: u.passwordHash, updated_at: u.updatedAt })
        .where('id', '=', u.id)
        .execute();
    },
    async countActiveAdmins() {
      const r = await db
        .selectFrom('users')
        .select(sql<string>`count(*)::text`.as('n'))
        .where('role', '=', 'admin')
        .where('status', '=', 'active')
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
  };
}

export function sessionRepo(db: Db): SessionRepo {
  return {
    async insert(s) {
      await db
        .insertInto('sessions')
        .values({ id_hash: s.idHash, user_id: s.userId, csrf_token: s.csrfToken, created_at: s.createdAt, expires_at: s.expiresAt })
        .execute();
    },
    async byHash(idHash) {
      const r = await db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
      return r && { idHash: r.id_hash, userId: r.user_id, csrfToken: r.csrf_token, createdAt: r.created_at, expiresAt: r.expires_at };
    },
    async delete(idHash) {
      await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    },
    async deleteForUser(userId) {
      await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
    },
    async deleteExpired(now) {
      await db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
    },
  };
}

export function tokenRepo(db: Db): TokenRepo {
  const cols = ['id', 'user_id', 'name', 'prefix', 'token_hash', 'created_at', 'last_used_at', 'revoked_at'] as const;
  const to = (r: Selectable<Database['api_tokens']>) => ({
    id: r.id,
    userId: r.user_id,
    name: r.name,
    prefix: r.prefix,
    tokenHash: r.token_hash,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  });
  return {
    async insert(t) {
      await db
        .insertInto('api_tokens')
        .values({
          id: t.id,
          user_id: t.userId,
          name: t.name,
          prefix: t.prefix,
          token_hash: t.tokenHash,
          created_at: t.createdAt,
          last_used_at: t.lastUsedAt,
          revoked_at: t.revokedAt,
        })
        .execute();
    },
    async byHash(hash) {
      const r = await db.selectFrom('api_tokens').select(cols).where('token_hash', '=', hash).executeTakeFirst();
      return r && to(r);
    },
    async byId(id) {
      const r = await db.selectFrom('api_tokens').select(cols).where('id', '=', id).executeTakeFirst();
      return r && to(r);
    },
    async listForUser(userId) {
      return (await db.selectFrom('api_tokens').select(cols).where('user_id', '=', userId).orderBy('created_at', 'desc').execute()).map(to);
    },
    async markUsed(id, at) {
      // Coarse on purpose: one write a minute per token keeps API reads from turning into writes.
      await db
        .updateTable('api_tokens')
        .set({ last_used_at: at })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', new Date(at.getTime() - 60_000))]))
        .execute();
    },
    async revoke(id, at) {
      await db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    },
    async revokeForUser(userId, at) {
      const r = await db.updateTable('api_tokens').set({ revoked_at: at }).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
  };
}

export function attemptRepo(db: Db): AttemptRepo {
  return {
    async add(keyHash, points, windowMs, now) {
      const expires = new Date(now.getTime() + windowMs);
      const ended = sql<boolean>`sign_in_attempts.expires_at <= ${now}`;
      const r = await db
        .insertInto('sign_in_attempts')
        .values({ key_hash: keyHash, points, expires_at: expires })
        .onConflict((oc) =>
          oc.column('key_hash').doUpdateSet({
            points: sql<number>`CASE WHEN ${ended} THEN ${points} ELSE sign_in_attempts.points + ${points} END`,
            expires_at: sql<Date>`CASE WHEN ${ended} THEN ${expires} ELSE sign_in_attempts.expires_at END`,
          }),
        )
        .returning(['points', 'expires_at'])
        .executeTakeFirstOrThrow();
      return { points: r.points, expiresAt: r.expires_at };
    },
    async current(keyHashes, now) {
      if (keyHashes.length === 0) return new Map();
      const rows = await db
        .selectFrom('sign_in_attempts')
        .select(['key_hash', 'points', 'expires_at'])
        .where('key_hash', 'in', [...keyHashes])
        .where('expires_at', '>', now)
        .execute();
      return new Map(rows.map((r) => [r.key_hash, { points: r.points, expiresAt: r.expires_at }]));
    },
    async delete(keyHash) {
      const r = await db.deleteFrom('sign_in_attempts').where('key_hash', '=', keyHash).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    async deleteExpired(now) {
      await db.deleteFrom('sign_in_attempts').where('expires_at', '<=', now).execute();
    },
  };
}

export function setupLinkRepo(db: Db): SetupLinkRepo {
  return {
    async insert(l) {
      await db
        .insertInto('setup_links')
        .values({ token_hash: l.tokenHash, purpose: l.purpose, user_id: l.userId, created_at: l.createdAt, expires_at: l.expiresAt, used_at: l.usedAt })
        .execute();
    },
    async byHash(hash) {
      const r = await db.selectFrom('setup_links').selectAll().where('token_hash', '=', hash).executeTakeFirst();
      return r && { tokenHash: r.token_hash, purpose: r.purpose, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at, usedAt: r.used_at };
    },
    async markUsed(hash, at) {
      const r = await db
        .updateTable('setup_links')
        .set({ used_at: at })
        .where('token_hash', '=', hash)
        .where('used_at', 'is', null)
        .returning('token_hash')
        .executeTakeFirst();
      return r !== undefined;
    },
    async expireUnused(purpose, userId, at) {
      let q = db.updateTable('setup_links').set({ expires_at: at }).where('purpose', '=', purpose).where('used_at', 'is', null).where('expires_at', '>', at);
      q = userId === null ? q.where('user_id', 'is', null) : q.where('user_id', '=', userId);
      await q.execute();
    },
  };
}

const toContact = (r: Selectable<ContactsTable>): ContactRecord => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  organisation: r.organisation,
  position: r.position,
  email: r.email,
  phone: r.phone,
  languages: r.languages,
  timeZone: r.time_zone,
  hours: r.hours,
  available24x7: r.available_24x7,
  status: r.status,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  retiredAt: r.retired_at,
  verifiedAt: r.verified_at,
});

const fromContact = (c: ContactRecord) => ({
  id: c.id,
  kind: c.kind,
  name: c.name,
  organisation: c.organisation,
  position: c.position,
  email: c.email,
  phone: c.phone,
  languages: c.languages,
  time_zone: c.timeZone,
  hours: c.hours,
  available_24x7: c.available24x7,
  status: c.status,
  version: c.version,
  created_at: c.createdAt,
  updated_at: c.updatedAt,
  retired_at: c.retiredAt,
  verified_at: c.verifiedAt,
});

export function contactRepo(db: Db): ContactRepo {
  return {
    async insert(c) {
      await db.insertInto('contacts').values(fromContact(c)).execute();
    },
    async byId(id) {
      const r = await db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toContact(r);
    },
    async list(status) {
      // One JSON value instead of a row per contact: PGlite decodes rows field by field in
      // JavaScript, and the directory is read on every page view (about 3x faster, see bench/).
      const filter = status === 'all' ? sql`true` : sql`c.status = ${status}`;
      const { rows } = await sql<{ list: JsonRow<ContactsTable>[] }>`
        select coalesce(json_agg(c order by c.kind, c.name), '[]'::json) as list from contacts c where ${filter}`.execute(db);
      return (rows[0]?.list ?? []).map((r) =>
        toContact({
          ...r,
          created_at: new Date(r.created_at),
          updated_at: new Date(r.updated_at),
          retired_at: r.retired_at ? new Date(r.retired_at) : null,
          verified_at: r.verified_at ? new Date(r.verified_at) : null,
        }),
      );
    },
    async update(c, expectedVersion) {
      const { id: _id, created_at: _c, ...row } = fromContact(c);
      const r = await db.updateTable('contacts').set(row).where('id', '=', c.id).where('version', '=', expectedVersion).returning('id').executeTakeFirst();
      return r !== undefined;
    },
  };
}

export function auditRepo(db: Db): AuditRepo {
  return {
    async append(e) {
      await db
        .insertInto('audit_log')
        .values({
          at: e.at,
          actor: e.actor,
          action: e.action,
          entity_type: e.entityType,
          entity_id: e.entityId,
          before: e.before === null || e.before === undefined ? null : JSON.stringify(e.before),
          after: e.after === null || e.after === undefined ? null : JSON.stringify(e.after),
          request_id: e.requestId,
        })
        .execute();
    },
    async list(f) {
      let q = db
        .selectFrom('audit_log')
        .select([sql<string>`id::text`.as('id'), 'at', 'actor', 'action', 'entity_type', 'entity_id', 'before', 'after', 'request_id'])
        .orderBy('audit_log.id', 'desc')
        .limit(f.limit);
      if (f.entityType) q = q.where('entity_type', '=', f.entityType);
      if (f.entityId) q = q.where('entity_id', '=', f.entityId);
      return (await q.execute()).map((r) => ({
        id: r.id,
        at: r.at,
        actor: r.actor,
        action: r.action,
        entityType: r.entity_type,
        entityId: r.entity_id,
        before: r.before ?? null,
        after: r.after ?? null,
        requestId: r.request_id,
      }));
    },
  };
}
