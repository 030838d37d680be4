import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './context.js';

describe('the node log', () => {
  it('writes no password, token, link, key, cookie, signed header or connection URL, wherever a later change passes one to it', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const log = createLogger({ logLevel: 'trace' }, sink);
    const secret = (what: string) => `SECRET-${what}-0123456789`;
    const headers = {
      authorization: `Bearer ${secret('bearer')}`,
      cookie: `parley_session=${secret('cookie')}`,
      'set-cookie': `parley_session=${secret('set-cookie')}; HttpOnly`,
      'parley-delivery': secret('delivery-token'),
      'parley-fetch': secret('fetch-token'),
    };
    log.info({
      password: secret('password'),
      body: { password: secret('nested-password'), token: secret('setup-token') },
      token: secret('token'),
      created: { secret: secret('api-token') },
      session: { csrfToken: secret('csrf') },
      invite: { setupLink: `https://parley.example/setup#${secret('link')}` },
      self: { privateKey: secret('private-key') },
      config: { databaseUrl: `postgres://parley:${secret('db-password')}@db:5432/parley`, smtpUrl: `smtp://u:${secret('smtp-password')}@mail:587` },
      databaseUrl: `postgres://parley:${secret('db-password-top')}@db:5432/parley`,
      headers,
      req: { headers },
    }, 'everything a careless change could log');
    const text = lines.join('');
    expect(text).toContain('everything a careless change could log');
    expect(text).not.toContain('SECRET-');
    expect(JSON.parse(text).req.headers).toEqual(Object.fromEntries(Object.keys(headers).map((h) => [h, '[redacted]'])));
  });
});
