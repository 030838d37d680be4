import { sql, type Kysely, type Selectable } from 'kysely';
import type {
  CheckRecord,
  CheckRepo,
  InboxRecord,
  InboxRepo,
  NotificationRepo,
  OutboxRecord,
  OutboxRepo,
  PeerDirectoryRepo,
  PeerRecord,
  PeerRepo,
} from '@parley/core';
import type { ChecksTable, Database, InboxTable, OutboxTable, PeersTable } from './schema.js';

type Db = Kysely<Database>;

const toPeer = (r: Selectable<PeersTable>): PeerRecord => ({
  stateCode: r.state_code,
  name: r.name,
  url: r.url,
  publicKey: r.public_key,
  fingerprint: r.fingerprint,
  isTestState: r.is_test_state,
  status: r.status,
  addedAt: r.added_at,
  updatedAt: r.updated_at,
});

export function peerRepo(db: Db): PeerRepo {
  return {
    async upsert(p) {
      const row = {
        state_code: p.stateCode,
        name: p.name,
        url: p.url,
        public_key: p.publicKey,
        fingerprint: p.fingerprint,
        is_test_state: p.isTestState,
        status: p.status,
        added_at: p.addedAt,
        updated_at: p.updatedAt,
      };
      const { state_code: _s, added_at: _a, ...update } = row;
      await db.insertInto('peers').values(row).onConflict((oc) => oc.column('state_code').doUpdateSet(update)).execute();
    },
    async byState(code) {
      const r = await db.selectFrom('peers').selectAll().where('state_code', '=', code).executeTakeFirst();
      return r && toPeer(r);
    },
    async list() {
      return (await db.selectFrom('peers').selectAll().orderBy('state_code').execute()).map(toPeer);
    },
    async remove(code) {
      const r = await db.deleteFrom('peers').where('state_code', '=', code).returning('state_code').executeTakeFirst();
      return r !== undefined;
    },
    async addKey(code, key) {
      await db
        .insertInto('peer_keys')
        .values({ state_code: code, fingerprint: key.fingerprint, public_key: key.publicKey, valid_from: key.validFrom, valid_until: null })
        .onConflict((oc) => oc.columns(['state_code', 'fingerprint']).doUpdateSet({ valid_until: null }))
        .execute();
    },
    async keys(code) {
      return (await db.selectFrom('peer_keys').selectAll().where('state_code', '=', code).orderBy('valid_from').execute()).map((r) => ({
        fingerprint: r.fingerprint,
        publicKey: r.public_key,
        validFrom: r.valid_from,
        validUntil: r.valid_until,
      }));
    },
    async stateOfKey(fingerprint) {
      const r = await db
        .selectFrom('peers')
        .select('state_code')
        .where('fingerprint', '=', fingerprint)
        .union(db.selectFrom('peer_keys').select('state_code').where('fingerprint', '=', fingerprint))
        .orderBy('state_code')
        .limit(1)
        .executeTakeFirst();
      return r?.state_code;
    },
    async retireKeys(code, except, at) {
      await db.updateTable('peer_keys').set({ valid_until: at }).where('state_code', '=', code).where('fingerprint', '!=', except).where('valid_until', 'is', null).execute();
    },
  };
}

const toOutbox = (r: Selectable<OutboxTable>): OutboxRecord => ({
  id: r.id,
  recipient: r.recipient,
  type: r.type,
  thread: r.thread,
  jws: r.jws,
  hash: r.hash,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
  receipt: r.receipt,
  givenUpAt: r.given_up_at,
});

export function outboxRepo(db: Db, queued: () => void = () => undefined): OutboxRepo {
  return {
    async insert(m) {
      queued();
      await db
        .insertInto('outbox')
        .values({
          id: m.id,
          recipient: m.recipient,
          type: m.type,
          thread: m.thread,
          jws: m.jws,
          hash: m.hash,
          status: m.status,
          attempts: m.attempts,
          next_attempt_at: m.nextAttemptAt,
          last_error: m.lastError,
          created_at: m.createdAt,
          delivered_at: m.deliveredAt,
          receipt: m.receipt,
          given_up_at: m.givenUpAt,
        })
        .execute();
    },
    async byId(id) {
      const r = await db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toOutbox(r);
    },
    async due(now, limit, busy) {
      let q = db.selectFrom('outbox').selectAll().where('status', '=', 'queued').where('next_attempt_at', '<=', now).orderBy('next_attempt_at').orderBy('created_at').limit(limit);
      if (busy.length) q = q.where('id', 'not in', busy);
      return (await q.execute()).map(toOutbox);
    },
    async markDelivered(id, at, receipt) {
      // A message given up keeps why: it was delivered after all, and its officers were told otherwise.
      const r = await db
        .updateTable('outbox')
        .set((eb) => ({ status: 'delivered', delivered_at: at, receipt, last_error: eb.case().when('given_up_at', 'is', null).then(null).else(eb.ref('last_error')).end() }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return r && toOutbox(r);
    },
    async markRetry(id, attempts, next, error) {
      await db.updateTable('outbox').set({ attempts, next_attempt_at: next, last_error: error }).where('id', '=', id).where('status', '=', 'queued').execute();
    },
    async markFailed(id, attempts, error, at) {
      const r = await db.updateTable('outbox').set({ status: 'failed', attempts, last_error: error, given_up_at: at }).where('id', '=', id).where('status', '=', 'queued').executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
    async failQueued(recipient, error, at) {
      const rows = await db.updateTable('outbox').set({ status: 'failed', last_error: error, given_up_at: at }).where('recipient', '=', recipient).where('status', '=', 'queued').returningAll().execute();
      return rows.map(toOutbox).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
    },
    async retryNow(recipient, at) {
      const r = await db.updateTable('outbox').set({ next_attempt_at: at }).where('recipient', '=', recipient).where('status', '=', 'queued').where('next_attempt_at', '>', at).executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    async queuedCounts() {
      const rows = await db.selectFrom('outbox').select(['recipient', (eb) => eb.fn.countAll<string>().as('n')]).where('status', '=', 'queued').groupBy('recipient').execute();
      return new Map(rows.map((r) => [r.recipient, Number(r.n)]));
    },
    async list(f) {
      let q = db.selectFrom('outbox').selectAll().orderBy('created_at', 'desc').limit(f.limit);
      if (f.recipient) q = q.where('recipient', '=', f.recipient);
      if (f.status) q = q.where('status', '=', f.status);
      return (await q.execute()).map(toOutbox);
    },
    async nextDue() {
      const r = await db.selectFrom('outbox').select('next_attempt_at').where('status', '=', 'queued').orderBy('next_attempt_at').limit(1).executeTakeFirst();
      return r?.next_attempt_at;
    },
  };
}

const toInbox = (r: Selectable<InboxTable>): InboxRecord => ({
  id: r.id,
  hash: r.hash,
  sender: r.sender,
  type: r.type,
  thread: r.thread,
  prev: r.prev,
  jws: r.jws,
  receivedAt: r.received_at,
  receipt: r.receipt,
  appliedAt: r.applied_at,
  applyError: r.apply_error,
});

export function inboxRepo(db: Db): InboxRepo {
  return {
    async insert(messages) {
      if (messages.length === 0) return;
      // Raw SQL, the rows in one JSON parameter: every envelope received runs this, and building
      // an insert of eleven columns a row with the query builder cost more CPU than the statement.
      const rows = JSON.stringify(
        messages.map((m) => ({
          id: m.id,
          hash: m.hash,
          sender: m.sender,
          type: m.type,
          thread: m.thread,
          prev: m.prev,
          jws: m.jws,
          received_at: m.receivedAt.toISOString(),
          receipt: m.receipt,
          applied_at: m.appliedAt?.toISOString() ?? null,
          apply_error: m.applyError,
        })),
      );
      // No ON CONFLICT: a row stored before fails the statement (a unique violation), which the
      // store turns into AlreadyReceived for the transaction, so nothing waits for a row count.
      await sql`
        insert into inbox (id, hash, sender, type, thread, prev, jws, received_at, receipt, applied_at, apply_error)
        select id, hash, sender, type, thread, prev, jws, received_at, receipt, applied_at, apply_error
        from jsonb_to_recordset(${rows}::jsonb) as r(id uuid, hash text, sender text, type text, thread uuid, prev text, jws text,
          received_at timestamptz, receipt text, applied_at timestamptz, apply_error text)`.execute(db);
    },
    async byHash(hash) {
      const r = await db.selectFrom('inbox').selectAll().where('hash', '=', hash).executeTakeFirst();
      return r && toInbox(r);
    },
    async byHashOrId(hash, id) {
      return (await db.selectFrom('inbox').selectAll().where((eb) => eb.or([eb('hash', '=', hash), eb('id', '=', id)])).execute()).map(toInbox);
    },
    async byHashesOrIds(hashes, ids) {
      if (hashes.length === 0 && ids.length === 0) return [];
      const rows = await db
        .selectFrom('inbox')
        .selectAll()
        // Joined into one text parameter each (none of the values holds a comma): PGlite serialises array parameters slowly.
        .where((eb) =>
          eb.or([
            eb('hash', '=', sql<string>`any(string_to_array(${hashes.join(',')}::text, ','))`),
            eb('id', '=', sql<string>`any(string_to_array(${ids.join(',')}::text, ',')::uuid[])`),
          ]),
        )
        .execute();
      return rows.map(toInbox);
    },
    async waitingOn(prev) {
      return (await db.selectFrom('inbox').selectAll().where('prev', '=', prev).where('applied_at', 'is', null).orderBy('received_at').execute()).map(toInbox);
    },
    async markApplied(hash, at, error) {
      await db.updateTable('inbox').set({ applied_at: at, apply_error: error }).where('hash', '=', hash).execute();
    },
    async isSettled(hash) {
      const r = await sql<{ ok: boolean }>`
        select exists (select 1 from outbox where hash = ${hash})
            or exists (select 1 from inbox where hash = ${hash} and applied_at is not null) as ok`.execute(db);
      return r.rows[0]?.ok === true;
    },
    async lastInThread(thread, peer) {
      // Only what went between this node and `peer`: another state that learnt the thread's id
      // (a consultation's group id is its first thread's) could otherwise write into it.
      const r = await sql<{ hash: string }>`
        select hash from (
          select hash, created_at as at from outbox where thread = ${thread} and recipient = ${peer}
          union all
          select hash, received_at as at from inbox where thread = ${thread} and sender = ${peer}
        ) t order by at desc limit 1`.execute(db);
      return r.rows[0]?.hash;
    },
  };
}

export function peerDirectoryRepo(db: Db): PeerDirectoryRepo {
  return {
    async put(d) {
      // Raw SQL: every directory update received runs this, and building it with the query
      // builder cost more CPU than the statement does.
      const contacts = JSON.stringify(d.contacts);
      const r = await sql<{ state_code: string }>`
        insert into peer_directories (state_code, published_at, received_at, contacts, envelope_hash)
        values (${d.stateCode}, ${d.publishedAt}, ${d.receivedAt}, ${contacts}, ${d.envelopeHash})
        on conflict (state_code) do update
          set published_at = excluded.published_at, received_at = excluded.received_at, contacts = excluded.contacts, envelope_hash = excluded.envelope_hash
          where peer_directories.published_at < excluded.published_at
        returning state_code`.execute(db);
      return r.rows.length > 0;
    },
    async list() {
      return (await db.selectFrom('peer_directories').selectAll().orderBy('state_code').execute()).map((r) => ({
        stateCode: r.state_code,
        publishedAt: r.published_at,
        receivedAt: r.received_at,
        contacts: r.contacts as unknown[],
        envelopeHash: r.envelope_hash,
      }));
    },
  };
}

const toCheck = (r: Selectable<ChecksTable>): CheckRecord => ({
  id: r.id,
  direction: r.direction,
  peer: r.peer,
  startedBy: r.started_by,
  startedAt: r.started_at,
  deadline: r.deadline,
  note: r.note,
  deliveredAt: r.delivered_at,
  confirmedAt: r.confirmed_at,
  confirmedBy: r.confirmed_by,
  confirmedContact: r.confirmed_contact,
});

const fromCheck = (c: CheckRecord) => ({
  id: c.id,
  direction: c.direction,
  peer: c.peer,
  started_by: c.startedBy,
  started_at: c.startedAt,
  deadline: c.deadline,
  note: c.note,
  delivered_at: c.deliveredAt,
  confirmed_at: c.confirmedAt,
  confirmed_by: c.confirmedBy,
  confirmed_contact: c.confirmedContact,
});

export function checkRepo(db: Db): CheckRepo {
  return {
    async insert(c) {
      await db.insertInto('checks').values(fromCheck(c)).execute();
    },
    async byId(id) {
      const r = await db.selectFrom('checks').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toCheck(r);
    },
    async update(c) {
      const { id: _id, ...row } = fromCheck(c);
      await db.updateTable('checks').set(row).where('id', '=', c.id).execute();
    },
    async list(f) {
      let q = db.selectFrom('checks').selectAll().orderBy('started_at', 'desc').limit(f.limit);
      if (f.direction) q = q.where('direction', '=', f.direction);
      if (f.peer) q = q.where('peer', '=', f.peer);
      return (await q.execute()).map(toCheck);
    },
  };
}

export function notificationRepo(db: Db): NotificationRepo {
  return {
    async add(n) {
      await db.insertInto('notifications').values({ at: n.at, audience: n.audience, kind: n.kind, message: n.message, link: n.link, read_at: null }).execute();
    },
    async list(audiences, limit) {
      if (audiences.length === 0) return [];
      return (
        await db
          .selectFrom('notifications')
          .select([sql<string>`id::text`.as('id'), 'at', 'audience', 'kind', 'message', 'link', 'read_at'])
          .where('audience', 'in', audiences as ('officer' | 'admin')[])
          .orderBy('notifications.id', 'desc')
          .limit(limit)
          .execute()
      ).map((r) => ({ id: r.id, at: r.at, audience: r.audience, kind: r.kind, message: r.message, link: r.link, readAt: r.read_at }));
    },
  };
}
