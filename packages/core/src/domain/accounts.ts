import { randomUUID } from 'node:crypto';
import type { Role } from '../api/fields.js';
import type { ApiToken, User } from '../api/schemas.js';
import { conflict, invalid, notFound, sessionRequired, unauthenticated } from '../errors.js';
import { assertMay, record } from './audit.js';
import type { DomainContext, RequestMeta } from './context.js';
import type { Actor } from './policies.js';
import type { SessionRecord, SetupLinkRecord, TokenRecord, UserRecord } from './ports.js';
import { decoyHash, hashPassword, newSecret, sha256Hex, verifyPassword } from './secrets.js';

const SETUP_LINK_TTL_MS = 24 * 3600_000;
const SESSION_TTL_MS = 12 * 3600_000;
export const TOKEN_PREFIX = 'prl_';

export function presentUser(u: UserRecord): User {
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    role: u.role,
    status: u.status,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

export function presentToken(t: TokenRecord): ApiToken {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    userId: t.userId,
    createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
  };
}

/** The key an account's failed sign-ins are counted under (server/src/store-limiter.ts). */
export const accountAttemptKey = (email: string) => `account:${email}`;

/** A key as the store counts attempts under it: hashed, so the table holds no e-mail addresses. */
export const attemptKeyHash = (key: string) => sha256Hex(key);

export interface IssuedLink {
  link: string;
  expiresAt: Date;
}

/** An account with the one-time link just issued for it, shown once. */
export function presentUserWithLink(user: UserRecord, link: IssuedLink) {
  return { user: presentUser(user), setupLink: link.link, expiresAt: link.expiresAt.toISOString() };
}

async function issueLink(
  ctx: DomainContext,
  tx: DomainContext['store'],
  purpose: SetupLinkRecord['purpose'],
  userId: string | null,
): Promise<IssuedLink> {
  const now = ctx.now();
  await tx.setupLinks.expireUnused(purpose, userId, now);
  const secret = newSecret();
  const expiresAt = new Date(now.getTime() + SETUP_LINK_TTL_MS);
  await tx.setupLinks.insert({ tokenHash: sha256Hex(secret), purpose, userId, createdAt: now, expiresAt, usedAt: null });
  // The secret travels in the fragment, which browsers never send to a server or in a Referer.
  return { link: `${ctx.publicUrl}/setup#${secret}`, expiresAt };
}

/**
 * On a node with no active administrator, issues a fresh one-time link for setting up the
 * first one (earlier unused links stop working). Returns null once an administrator exists.
 */
export async function firstAdminLink(ctx: DomainContext): Promise<IssuedLink | null> {
  return ctx.store.transaction(async (tx) => {
    if ((await tx.users.countActiveAdmins()) > 0) return null;
    return issueLink(ctx, tx, 'first-admin', null);
  });
}

async function usableLink(ctx: DomainContext, tx: DomainContext['store'], secret: string): Promise<SetupLinkRecord> {
  const link = await tx.setupLinks.byHash(sha256Hex(secret));
  if (!link) throw invalid('setup_link_invalid', 'This link is not valid. Ask an administrator for a new one.');
  if (link.usedAt) throw invalid('setup_link_used', 'This link has already been used. Sign in, or ask an administrator for a new link.');
  if (link.expiresAt <= ctx.now()) throw invalid('setup_link_expired', 'This link has expired. Ask an administrator for a new one.');
  return link;
}

export async function describeSetupLink(ctx: DomainContext, secret: string) {
  const link = await usableLink(ctx, ctx.store, secret);
  const user = link.userId ? await ctx.store.users.byId(link.userId) : undefined;
  return { purpose: link.purpose, ...(user ? { email: user.email } : {}), expiresAt: link.expiresAt.toISOString() };
}

export async function completeSetup(
  ctx: DomainContext,
  input: { token: string; email?: string | undefined; displayName?: string | undefined; password: string },
  meta: RequestMeta,
): Promise<UserRecord> {
  // The link first: a password hash costs 32 MiB and tens of milliseconds, not to be spent on a made-up link.
  await usableLink(ctx, ctx.store, input.token);
  const passwordHash = await hashPassword(input.password);
  return clearingAuth(ctx, ctx.store.transaction(async (tx) => {
    const link = await usableLink(ctx, tx, input.token);
    const now = ctx.now();
    if (!(await tx.setupLinks.markUsed(link.tokenHash, now))) {
      throw invalid('setup_link_used', 'This link has already been used. Sign in, or ask an administrator for a new link.');
    }
    const operator: Actor = { type: 'operator' };
    if (link.purpose === 'first-admin') {
      if ((await tx.users.countActiveAdmins()) > 0) {
        throw conflict('already_set_up', 'This node already has an administrator. Sign in instead.');
      }
      if (!input.email) throw invalid('validation_failed', 'Enter your e-mail address.', [{ path: 'email', message: 'Required.' }]);
      if (await tx.users.byEmail(input.email)) throw conflict('email_taken', `An account for ${input.email} already exists.`);
      const user: UserRecord = {
        id: randomUUID(),
        email: input.email,
        displayName: input.displayName || input.email,
        role: 'admin',
        status: 'active',
        passwordHash,
        createdAt: now,
        updatedAt: now,
      };
      await tx.users.insert(user);
      await record(tx, ctx, operator, meta, {
        action: 'user.create',
        entityType: 'user',
        entityId: user.id,
        before: null,
        after: presentUser(user),
      });
      return user;
    }
    const user = link.userId ? await tx.users.byId(link.userId) : undefined;
    if (!user) throw invalid('setup_link_invalid', 'The account for this link no longer exists.');
    if (user.status === 'disabled') throw invalid('account_disabled', 'This account is disabled. Ask an administrator.');
    const updated: UserRecord = {
      ...user,
      passwordHash,
      status: 'active',
      displayName: input.displayName || user.displayName,
      updatedAt: now,
    };
    await tx.users.update(updated);
    await tx.sessions.deleteForUser(user.id);
    // Nothing made before the new password outlives it: a token an administrator who reset their
    // own password made with the session they kept is revoked here.
    if (link.purpose === 'reset') await tx.tokens.revokeForUser(user.id, now);
    await record(tx, ctx, operator, meta, {
      action: link.purpose === 'invite' ? 'user.accept_invite' : 'user.reset_password',
      entityType: 'user',
      entityId: user.id,
      before: presentUser(user),
      after: presentUser(updated),
    });
    return updated;
  }));
}

/** Forgets cached sign-ins once an account change has committed (or failed), so it applies at once. */
async function clearingAuth<T>(ctx: DomainContext, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } finally {
    ctx.authCache?.clear();
  }
}

const BAD_CREDENTIALS = 'The e-mail address or password is not right.';

export async function login(
  ctx: DomainContext,
  input: { email: string; password: string },
): Promise<{ secret: string; session: SessionRecord; user: UserRecord }> {
  const user = await ctx.store.users.byEmail(input.email);
  const ok = user?.passwordHash
    ? await verifyPassword(input.password, user.passwordHash)
    : (await verifyPassword(input.password, await decoyHash()), false);
  if (!user || !ok) throw unauthenticated('invalid_credentials', BAD_CREDENTIALS);
  if (user.status !== 'active') throw unauthenticated('account_disabled', 'This account is disabled. Ask an administrator.');
  const now = ctx.now();
  const secret = newSecret();
  const session: SessionRecord = {
    idHash: sha256Hex(secret),
    userId: user.id,
    csrfToken: newSecret(),
    createdAt: now,
    expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
  };
  await ctx.store.sessions.insert(session);
  await ctx.store.sessions.deleteExpired(now);
  return { secret, session, user };
}

export async function resolveSession(ctx: DomainContext, secret: string): Promise<{ session: SessionRecord; user: UserRecord } | undefined> {
  const key = `s:${sha256Hex(secret)}`;
  const cached = ctx.authCache?.get(key, ctx.now());
  if (cached?.session) return { session: cached.session, user: cached.user };
  const generation = ctx.authCache?.generation ?? 0;
  const session = await ctx.store.sessions.byHash(sha256Hex(secret));
  if (!session || session.expiresAt <= ctx.now()) return undefined;
  const user = await ctx.store.users.byId(session.userId);
  if (!user || user.status !== 'active') return undefined;
  ctx.authCache?.set(key, { session, user }, ctx.now(), generation);
  return { session, user };
}

export async function logout(ctx: DomainContext, secret: string): Promise<void> {
  await ctx.store.sessions.delete(sha256Hex(secret));
  ctx.authCache?.clear();
}

export function userActor(user: UserRecord): Actor {
  return { type: 'user', userId: user.id, email: user.email, role: user.role };
}

export async function listUsers(ctx: DomainContext, actor: Actor): Promise<User[]> {
  assertMay(actor, 'users.manage');
  return (await ctx.store.users.list()).map(presentUser);
}

/**
 * Adds an account. Without a password the account is `invited` and the result carries a
 * one-time link with which the person sets their own password.
 */
export async function addUser(
  ctx: DomainContext,
  actor: Actor,
  input: { email: string; displayName: string; role: Role; password?: string | undefined },
  meta: RequestMeta,
): Promise<{ user: UserRecord; invite: IssuedLink | null }> {
  assertMay(actor, 'users.manage');
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return ctx.store.transaction(async (tx) => {
    if (await tx.users.byEmail(input.email)) {
      throw conflict('email_taken', `An account for ${input.email} already exists.`);
    }
    const now = ctx.now();
    const user: UserRecord = {
      id: randomUUID(),
      email: input.email,
      displayName: input.displayName,
      role: input.role,
      status: passwordHash ? 'active' : 'invited',
      passwordHash,
      createdAt: now,
      updatedAt: now,
    };
    await tx.users.insert(user);
    await record(tx, ctx, actor, meta, { action: 'user.create', entityType: 'user', entityId: user.id, before: null, after: presentUser(user) });
    const invite = passwordHash ? null : await issueLink(ctx, tx, 'invite', user.id);
    return { user, invite };
  });
}

/** How far each role reaches: each can do all the one below it can, and more. */
const reach: Record<Role, number> = { viewer: 0, officer: 1, admin: 2 };

/**
 * Changes an account. `via: 'token'` is a change asked for with an API token, which may lower a
 * role but not raise one: the power it gave would outlast the token's revocation if it leaked.
 */
export async function updateUser(
  ctx: DomainContext,
  actor: Actor,
  id: string,
  patch: { displayName?: string | undefined; role?: Role | undefined; status?: 'active' | 'disabled' | undefined },
  meta: RequestMeta,
  via: 'session' | 'token' | 'operator' = 'session',
): Promise<UserRecord> {
  assertMay(actor, 'users.manage');
  return clearingAuth(ctx, ctx.store.transaction(async (tx) => {
    const before = await tx.users.byId(id);
    if (!before) throw notFound('user_not_found', 'No such user.');
    if (via === 'token' && patch.role && reach[patch.role] > reach[before.role]) throw sessionRequired('users');
    if (before.status === 'disabled' && patch.status === 'active') {
      throw conflict('enable_needs_link', 'A disabled account is enabled without its old password, with a one-time link for its person to set a new one: use Enable account under Users, or POST /api/v1/users/{id}/enable.');
    }
    // An account without a password can only be waiting for its person, never active.
    const status = patch.status === 'active' && !before.passwordHash ? 'invited' : (patch.status ?? before.status);
    const after: UserRecord = {
      ...before,
      displayName: patch.displayName ?? before.displayName,
      role: patch.role ?? before.role,
      status,
      updatedAt: ctx.now(),
    };
    const losesAdmin = before.role === 'admin' && before.status === 'active' && (after.role !== 'admin' || after.status !== 'active');
    if (losesAdmin && (await tx.users.countActiveAdmins()) <= 1) {
      throw conflict('last_admin', 'This is the only active administrator. Make someone else an administrator first.');
    }
    await tx.users.update(after);
    if (after.status === 'disabled' && before.status !== 'disabled') {
      // Disabling ends every way in, API tokens too: enabling the account again does not bring back
      // a token that may have leaked meanwhile; its person makes new ones.
      await tx.sessions.deleteForUser(id);
      await tx.tokens.revokeForUser(id, after.updatedAt);
    }
    await record(tx, ctx, actor, meta, { action: 'user.update', entityType: 'user', entityId: id, before: presentUser(before), after: presentUser(after) });
    return after;
  }));
}

/**
 * Enables a disabled account without its old password. An account is disabled when it may be
 * compromised or its person has left, so that password may be known to others: like a reset,
 * enabling ends it and returns a one-time link for the person to set a new one. The API tokens
 * revoked when the account was disabled stay revoked. An account that had no password is invited again.
 */
export async function enableUser(ctx: DomainContext, actor: Actor, id: string, meta: RequestMeta): Promise<{ user: UserRecord; link: IssuedLink }> {
  assertMay(actor, 'users.manage');
  return clearingAuth(ctx, ctx.store.transaction(async (tx) => {
    const before = await tx.users.byId(id);
    if (!before) throw notFound('user_not_found', 'No such user.');
    if (before.status !== 'disabled') throw conflict('not_disabled', 'This account is not disabled.');
    const purpose = before.passwordHash ? 'reset' : 'invite';
    const after: UserRecord = { ...before, status: purpose === 'reset' ? 'active' : 'invited', passwordHash: null, updatedAt: ctx.now() };
    await tx.users.update(after);
    // Nothing to end: disabling ended the sessions and revoked the tokens, and none could be made since.
    const link = await issueLink(ctx, tx, purpose, id);
    await record(tx, ctx, actor, meta, { action: 'user.enable', entityType: 'user', entityId: id, before: presentUser(before), after: { ...presentUser(after), passwordCleared: purpose === 'reset' } });
    return { user: after, link };
  }));
}

/**
 * Lifts an account's sign-in lockout: its failed sign-ins are forgotten, so the person can try
 * again at once; the password stays as it is. Returns whether any failed sign-ins were counted.
 */
export async function unlockUser(ctx: DomainContext, actor: Actor, id: string, meta: RequestMeta): Promise<{ user: UserRecord; cleared: boolean }> {
  assertMay(actor, 'users.manage');
  return ctx.store.transaction(async (tx) => {
    const user = await tx.users.byId(id);
    if (!user) throw notFound('user_not_found', 'No such user.');
    const cleared = await tx.signInAttempts.delete(attemptKeyHash(accountAttemptKey(user.email)));
    if (cleared) await record(tx, ctx, actor, meta, { action: 'user.unlock', entityType: 'user', entityId: id, before: null, after: { failedSignInsCleared: true } });
    return { user, cleared };
  });
}

/**
 * A new one-time link for an existing account: an invitation again, or a password reset. An
 * administrator resets a password when it is lost or may be known to someone else, so a reset
 * takes effect at once, not when the link is used: the old password stops working, and so do the
 * account's API tokens and sessions. An administrator resetting their own password keeps their
 * sessions, or they could not read the link; those end when the new password is set.
 */
export async function reissueSetupLink(
  ctx: DomainContext,
  actor: Actor,
  id: string,
  meta: RequestMeta,
): Promise<{ user: UserRecord; link: IssuedLink }> {
  assertMay(actor, 'users.manage');
  return clearingAuth(ctx, ctx.store.transaction(async (tx) => {
    const user = await tx.users.byId(id);
    if (!user) throw notFound('user_not_found', 'No such user.');
    if (user.status === 'disabled') throw invalid('account_disabled', 'This account is disabled. Enable it first.');
    const purpose = user.status === 'invited' ? 'invite' : 'reset';
    const link = await issueLink(ctx, tx, purpose, user.id);
    if (purpose === 'invite') {
      await record(tx, ctx, actor, meta, { action: 'user.invite_link', entityType: 'user', entityId: id, before: null, after: null });
      return { user, link };
    }
    const now = ctx.now();
    const reset: UserRecord = { ...user, passwordHash: null, updatedAt: now };
    await tx.users.update(reset);
    const revokedTokens = await tx.tokens.revokeForUser(id, now);
    const own = actor.type === 'user' && actor.userId === id;
    if (!own) await tx.sessions.deleteForUser(id);
    await record(tx, ctx, actor, meta, { action: 'user.reset_link', entityType: 'user', entityId: id, before: null, after: { passwordCleared: true, revokedTokens, sessionsEnded: !own } });
    return { user: reset, link };
  }));
}

export async function createToken(
  ctx: DomainContext,
  actor: Actor,
  target: { userId?: string; email?: string },
  name: string,
  meta: RequestMeta,
): Promise<{ token: TokenRecord; secret: string }> {
  assertMay(actor, 'tokens.own');
  const user = target.userId ? await ctx.store.users.byId(target.userId) : target.email ? await ctx.store.users.byEmail(target.email) : undefined;
  if (!user) throw notFound('user_not_found', `No user ${target.email ?? target.userId ?? ''} on this node. Add one with: parley user add --email E --role R`);
  if (actor.type === 'user' && actor.userId !== user.id) assertMay(actor, 'users.manage');
  if (user.status === 'disabled') throw invalid('account_disabled', 'This account is disabled; it cannot hold API tokens.');
  const secret = newSecret(TOKEN_PREFIX);
  const token: TokenRecord = {
    id: randomUUID(),
    userId: user.id,
    name,
    prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
    tokenHash: sha256Hex(secret),
    createdAt: ctx.now(),
    lastUsedAt: null,
    revokedAt: null,
  };
  await ctx.store.transaction(async (tx) => {
    await tx.tokens.insert(token);
    await record(tx, ctx, actor, meta, { action: 'token.create', entityType: 'token', entityId: token.id, before: null, after: presentToken(token) });
  });
  return { token, secret };
}

export async function resolveToken(ctx: DomainContext, secret: string): Promise<{ token: TokenRecord; user: UserRecord } | undefined> {
  if (!secret.startsWith(TOKEN_PREFIX)) return undefined;
  const key = `t:${sha256Hex(secret)}`;
  const cached = ctx.authCache?.get(key, ctx.now());
  if (cached?.token) return { token: cached.token, user: cached.user };
  const generation = ctx.authCache?.generation ?? 0;
  const token = await ctx.store.tokens.byHash(sha256Hex(secret));
  if (!token || token.revokedAt) return undefined;
  const user = await ctx.store.users.byId(token.userId);
  if (!user || user.status !== 'active') return undefined;
  // Recorded when the token is looked up in the store: last use is accurate to the cache's lifetime.
  await ctx.store.tokens.markUsed(token.id, ctx.now());
  ctx.authCache?.set(key, { token, user }, ctx.now(), generation);
  return { token, user };
}

export async function listTokens(ctx: DomainContext, actor: Actor, userId: string): Promise<ApiToken[]> {
  assertMay(actor, 'tokens.own');
  if (actor.type === 'user' && actor.userId !== userId) assertMay(actor, 'users.manage');
  return (await ctx.store.tokens.listForUser(userId)).map(presentToken);
}

export async function revokeToken(ctx: DomainContext, actor: Actor, id: string, meta: RequestMeta): Promise<TokenRecord> {
  assertMay(actor, 'tokens.own');
  return clearingAuth(ctx, ctx.store.transaction(async (tx) => {
    const token = await tx.tokens.byId(id);
    if (!token) throw notFound('token_not_found', 'No such API token.');
    if (actor.type === 'user' && actor.userId !== token.userId) assertMay(actor, 'users.manage');
    if (token.revokedAt) return token;
    const at = ctx.now();
    await tx.tokens.revoke(id, at);
    const after = { ...token, revokedAt: at };
    await record(tx, ctx, actor, meta, { action: 'token.revoke', entityType: 'token', entityId: id, before: presentToken(token), after: presentToken(after) });
    return after;
  }));
}
