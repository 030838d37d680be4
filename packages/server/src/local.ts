import { addPeer, addPeerRequest, addUser, createToken, fields, invalid, listPeers, plainIssue, notFound, presentToken, presentUser, presentUserWithLink, reissueSetupLink, unlockUser, removePeer, setPeerStatus, type Actor, type DomainContext, type NodeSelf, type RequestMeta } from '@parley/core';
import type { DataDir } from '@parley/store';
import { rotateNodeKey } from './key-rotation.js';
import { accountKey } from './store-limiter.js';
import { discover } from '@parley/federation';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppContext } from './context.js';
import type { Env } from './http/env.js';
import { requestContext } from './http/middleware.js';
import { problemResponse, toProblem } from './http/problem.js';

/** A peer named by its state's code, for the commands that suspend, resume or remove it. */
const peerState = z.strictObject({ state: z.string().regex(/^[A-Z]{3}$/, 'a peer is named by its state’s three-letter code, such as XAB') });

/**
 * The control API the `parley` command uses while the node runs. It listens only on a Unix
 * socket inside the data directory (mode 0600), so holding the data directory is the
 * credential: the same person could read the key file and the database anyway.
 */
export const localSchemas = {
  addUser: z.strictObject({
    email: fields.email,
    role: fields.role,
    displayName: fields.requiredText(200, 'The name').optional(),
    password: fields.password.optional(),
  }),
  resetUser: z.strictObject({ email: fields.email }),
  unlockUser: z.strictObject({ email: fields.email }),
  createToken: z.strictObject({ email: fields.email, name: fields.requiredText(100, 'The token name').default('cli') }),
  addPeer: addPeerRequest,
  listPeers: z.strictObject({}),
  suspendPeer: peerState,
  resumePeer: peerState,
  removePeer: peerState,
  rotateKey: z.strictObject({}),
};

const operator: Actor = { type: 'operator' };

async function userNamed(domain: DomainContext, email: string) {
  const found = await domain.store.users.byEmail(email);
  if (!found) throw notFound('user_not_found', `No user ${email} on this node. See who there is in the web interface under Users, or add one with: parley user add --email E --role R`);
  return found;
}

/** What the operator can do from the command line, whether the node runs (via the socket) or not (directly). */
export const operatorCommands = {
  async addUser(domain: DomainContext, body: z.output<typeof localSchemas.addUser>, meta: RequestMeta) {
    const { user, invite } = await addUser(domain, operator, { ...body, displayName: body.displayName ?? body.email }, meta);
    return { user: presentUser(user), setupLink: invite?.link ?? null };
  },
  /** A new one-time link: a reset for an account with a password (which ends it, its tokens and sessions at once), an invitation again for one without. */
  async resetUser(domain: DomainContext, body: z.output<typeof localSchemas.resetUser>, meta: RequestMeta) {
    const { user, link } = await reissueSetupLink(domain, operator, (await userNamed(domain, body.email)).id, meta);
    return presentUserWithLink(user, link);
  },
  /** Forgets the account's failed sign-ins (its password stays); the caller forgets its addresses' counts where a node runs. */
  async unlockUser(domain: DomainContext, body: z.output<typeof localSchemas.unlockUser>, meta: RequestMeta) {
    const { user, cleared } = await unlockUser(domain, operator, (await userNamed(domain, body.email)).id, meta);
    return { user: presentUser(user), cleared };
  },
  async createToken(domain: DomainContext, body: z.output<typeof localSchemas.createToken>, meta: RequestMeta) {
    const { token, secret } = await createToken(domain, operator, { email: body.email }, body.name, meta);
    return { token: presentToken(token), secret };
  },
  async rotateKey(domain: DomainContext, _body: Record<string, never>, meta: RequestMeta, dataDir?: DataDir) {
    if (!dataDir || !domain.self) throw new Error('key rotation needs the node’s data directory');
    return rotateNodeKey(dataDir, domain as DomainContext & { self: NodeSelf }, operator, meta);
  },
  async addPeer(domain: DomainContext, body: z.output<typeof localSchemas.addPeer>, meta: RequestMeta) {
    const { url, document } = await discover(body.url);
    return { peer: await addPeer(domain, operator, { url, fingerprint: body.fingerprint, presented: document }, meta) };
  },
  async listPeers(domain: DomainContext) {
    return { peers: await listPeers(domain, operator) };
  },
  async suspendPeer(domain: DomainContext, body: z.output<typeof localSchemas.suspendPeer>, meta: RequestMeta) {
    return { peer: await setPeerStatus(domain, operator, body.state, 'suspended', meta) };
  },
  async resumePeer(domain: DomainContext, body: z.output<typeof localSchemas.resumePeer>, meta: RequestMeta) {
    return { peer: await setPeerStatus(domain, operator, body.state, 'trusted', meta) };
  },
  async removePeer(domain: DomainContext, body: z.output<typeof localSchemas.removePeer>, meta: RequestMeta) {
    const { grantsRevoked, messagesFailed } = await removePeer(domain, operator, body.state, meta);
    return { removed: body.state, grantsRevoked, messagesFailed };
  },
};

async function parse<T extends z.ZodType>(c: Context<Env>, schema: T): Promise<z.output<T>> {
  const parsed = schema.safeParse(await c.req.json().catch(() => undefined), { error: plainIssue });
  if (!parsed.success) {
    throw invalid('validation_failed', parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '));
  }
  return parsed.data;
}

export function createLocalApp(ctx: AppContext): Hono<Env> {
  const app = new Hono<Env>();
  app.use('*', requestContext(ctx));
  app.onError((err, c) => problemResponse(toProblem(err, c.get('requestId') ?? 'unknown', ctx.log)));
  app.get('/local/v1/status', (c) => c.json({ node: ctx.nodeInfo(), url: ctx.publicUrl, store: ctx.store.engine, pid: process.pid }));
  app.post('/local/v1/users', async (c) => {
    const body = await parse(c, localSchemas.addUser);
    return c.json(await operatorCommands.addUser(ctx.domain, body, { requestId: c.get('requestId') }), 201);
  });
  app.post('/local/v1/users/reset', async (c) => {
    const body = await parse(c, localSchemas.resetUser);
    return c.json(await operatorCommands.resetUser(ctx.domain, body, { requestId: c.get('requestId') }));
  });
  app.post('/local/v1/users/unlock', async (c) => {
    const body = await parse(c, localSchemas.unlockUser);
    const result = await operatorCommands.unlockUser(ctx.domain, body, { requestId: c.get('requestId') });
    await ctx.failedSignIns.forgive(accountKey(result.user.email), ctx.loginLimiter);
    return c.json(result);
  });
  app.post('/local/v1/tokens', async (c) => {
    const body = await parse(c, localSchemas.createToken);
    return c.json(await operatorCommands.createToken(ctx.domain, body, { requestId: c.get('requestId') }), 201);
  });
  app.post('/local/v1/key/rotate', async (c) => {
    await parse(c, localSchemas.rotateKey);
    return c.json(await operatorCommands.rotateKey(ctx.domain, {}, { requestId: c.get('requestId') }, ctx.dataDir), 201);
  });
  app.post('/local/v1/peers', async (c) => {
    const body = await parse(c, localSchemas.addPeer);
    return c.json(await operatorCommands.addPeer(ctx.domain, body, { requestId: c.get('requestId') }), 201);
  });
  app.get('/local/v1/peers', async (c) => c.json(await operatorCommands.listPeers(ctx.domain)));
  for (const command of ['suspendPeer', 'resumePeer', 'removePeer'] as const) {
    app.post(`/local/v1/peers/${command.replace('Peer', '')}`, async (c) => {
      const body = await parse(c, localSchemas[command]);
      return c.json(await operatorCommands[command](ctx.domain, body, { requestId: c.get('requestId') }));
    });
  }
  return app;
}
