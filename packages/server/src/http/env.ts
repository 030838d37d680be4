import type { Actor, SessionRecord, UserRecord } from '@parley/core';
import type { HttpBindings } from '@hono/node-server';
import type { Logger } from 'pino';
import type { AppContext } from '../context.js';

export interface Auth {
  actor: Actor;
  user: UserRecord | null;
  /** How the caller proved who they are; only cookie sessions need CSRF protection. */
  via: 'session' | 'token' | 'operator';
  session: SessionRecord | null;
}

export interface Env {
  Bindings: HttpBindings;
  Variables: {
    ctx: AppContext;
    requestId: string;
    log: Logger;
    auth: Auth | null;
    sessionSecret: string | null;
  };
}
