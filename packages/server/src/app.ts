import { fileURLToPath } from 'node:url';
import { DomainError, type Health } from '@parley/core';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppContext } from './context.js';
import type { Env } from './http/env.js';
import { authenticate, requestContext, securityHeaders } from './http/middleware.js';
import { MethodNotAllowed, routeMethods } from './http/methods.js';
import { problemResponse, toProblem } from './http/problem.js';
import { webInterfaceRoutes } from './http/web-interface.js';
import { openApiDocument } from './openapi.js';
import { accountRoutes } from './routes/accounts.js';
import { authRoutes } from './routes/auth.js';
import { consultationRoutes } from './routes/consultations.js';
import { requestRoutes } from './routes/requests.js';
import { directoryRoutes } from './routes/directory.js';
import { evidenceFederationRoutes, evidenceRoutes, evidenceUploadRoute } from './routes/evidence.js';
import { federationRoutes } from './routes/federation.js';
import { inboxRoutes } from './routes/inbox.js';
import { logRoutes } from './routes/log.js';
import { logLookupRoute, proofRoutes } from './routes/proofs.js';
import { normRoutes } from './routes/norms.js';
import { witnessPublicRoutes, witnessRoutes } from './routes/witness.js';
import { mailRoutes } from './routes/mail.js';
import { VERSION } from './version.js';

/** Where the built web interface is; the node serves it itself. */
export const webDist = fileURLToPath(new URL('../../web/dist/', import.meta.url));

export function createApp(ctx: AppContext): Hono<Env> {
  const app = new Hono<Env>();
  app.use('*', requestContext(ctx), securityHeaders);
  const onError = (err: Error, c: Context<Env>) => problemResponse(toProblem(err, c.get('requestId') ?? 'unknown', c.get('log') ?? ctx.log));
  app.onError(onError);

  app.get('/healthz', async (c) => {
    await ctx.store.ping();
    const body: Health = { status: 'ok', state: ctx.identity.stateCode, version: VERSION, store: ctx.store.engine };
    return c.json(body);
  });

  app.get('/.well-known/parley', (c) => c.json(ctx.discovery()));
  logRoutes(app, ctx);
  // Evidence: the peer fetch endpoint, and the streamed upload (ahead of /api/v1 and its JSON body limit).
  evidenceFederationRoutes(app, ctx);
  evidenceUploadRoute(app, ctx);
  logLookupRoute(app, ctx);
  witnessPublicRoutes(app, ctx);
  inboxRoutes(app, ctx);

  const api = new Hono<Env>();
  api.onError(onError);
  api.use(
    '*',
    bodyLimit({
      maxSize: ctx.config.maxBodyBytes,
      onError: () => {
        throw new DomainError('too_large', 'body_too_large', `The request body is larger than ${Math.round(ctx.config.maxBodyBytes / 1024)} KiB.`);
      },
    }),
    authenticate,
  );
  const openapi = openApiDocument();
  api.get('/openapi.json', (c) => c.json(openapi));
  authRoutes(api);
  accountRoutes(api);
  directoryRoutes(api);
  federationRoutes(api);
  evidenceRoutes(api);
  normRoutes(api);
  witnessRoutes(api);
  consultationRoutes(api);
  requestRoutes(api);
  proofRoutes(api);
  mailRoutes(api);
  app.route('/api/v1', api);

  // The paths machines call never fall through to the web interface: a path served with another
  // method is answered 405 with Allow, any other 404, both as problems.
  const machinePaths = ['/api/', '/federation/', '/log/', '/.well-known/'];
  const methodsAt = routeMethods(app, machinePaths);
  for (const prefix of machinePaths) {
    app.all(`${prefix}*`, (c) => {
      const allow = methodsAt(c.req.path);
      if (allow.length > 0) throw new MethodNotAllowed(allow, c.req.method, c.req.path);
      if (prefix === '/api/') throw new DomainError('not_found', 'no_such_route', 'There is no such API route. The routes are listed at /api/v1/openapi.json.');
      throw new DomainError('not_found', 'no_such_route', `This node serves nothing at ${c.req.path}.`);
    });
  }

  webInterfaceRoutes(app, ctx.config.webDir ?? webDist);
  return app;
}
