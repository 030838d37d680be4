import { permissions, routes, type RouteSpec } from '@parley/core';
import { ADMIN, Client, signedInAdmin, signedInUser, startTestNode, type Engine, type TestNode } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CONTACT = {
  kind: 'technical',
  name: 'National CERT duty desk',
  organisation: 'GovCERT',
  position: 'Duty officer',
  email: 'duty@cert.example',
  phone: '+41 58 463 00 00',
  languages: ['en', 'fr'],
  timeZone: 'Europe/Zurich',
  hours: 'Mon-Fri 08:00-18:00',
  available24x7: false,
};

/** Every route of the contract, by name, with its path made concrete: any well-formed id, state code or hash. */
const everyRoute = (Object.entries(routes) as [string, RouteSpec][]).map(([name, spec]) => ({
  name,
  spec,
  method: spec.method.toUpperCase(),
  path: `/api/v1${spec.path.replace('{id}', '0190a0a0-0000-7000-8000-00000000a11c').replace('{code}', 'XAB').replace('{hash}', `sha256:${'A'.repeat(43)}`)}`,
}));

/** A route's call as a client makes it: a write with an empty JSON body, which no check before the role's reads. */
const call = (client: Client, r: (typeof everyRoute)[number], headers: Record<string, string> = {}) =>
  client.request(r.method, r.path, r.method === 'GET' ? undefined : {}, { headers });

/** The node's HTTP API, over real loopback HTTP, against one storage engine. */
export function apiSuite(engine: Engine): void {
  describe(`API over HTTP (${engine})`, () => {
    let node: TestNode;
    let admin: Client;

    beforeAll(async () => {
      node = await startTestNode({ engine, config: { loginAttempts: 3, maxBodyBytes: 64 * 1024, deliveryHours: 12 } });
      admin = await signedInAdmin(node);
    });
    afterAll(async () => {
      await node?.close();
    });

    const contactCount = async () => (await admin.get('/api/v1/contacts?status=all')).body.contacts.length as number;

    it('reports health with the state and the store engine', async () => {
      const r = await new Client(node.url).get('/healthz');
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ status: 'ok', state: 'XAA', version: expect.any(String), store: engine });
    });

    it('shows the node identity with its key fingerprint and marks a test state', async () => {
      const r = await admin.get('/api/v1/node');
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ stateCode: 'XAA', isTestState: true, stateName: 'Test state XAA' });
      // The Messages page says how long this node retries, from PARLEY_DELIVERY_HOURS.
      expect(r.body.deliveryHours).toBe(12);
      expect(r.body.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
      expect(JSON.stringify(r.body)).not.toMatch(/PRIVATE/);
    });

    it('tells anyone which state the node is, and nothing more', async () => {
      const r = await new Client(node.url).get('/api/v1/node/identity');
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ stateCode: 'XAA', stateName: 'Test state XAA', name: 'Test node XAA', isTestState: true });
    });

    it('keeps an invited account without a password from becoming active', async () => {
      const invited = await admin.post('/api/v1/users', { email: 'pending@mfa.example', displayName: 'Pending', role: 'viewer' });
      const id = invited.body.user.id as string;
      expect((await admin.patch(`/api/v1/users/${id}`, { status: 'disabled' })).body.status).toBe('disabled');
      const enabled = await admin.post(`/api/v1/users/${id}/enable`, {});
      expect(enabled.body.user.status).toBe('invited');
      const inspect = await new Client(node.url).post('/api/v1/auth/setup/inspect', { token: new URL(enabled.body.setupLink).hash.slice(1) });
      expect(inspect.body).toMatchObject({ purpose: 'invite', email: 'pending@mfa.example' });
    });

    it('accepts the first-run link once only', async () => {
      const again = await new Client(node.url).setup(node.firstRunLink!, { email: 'intruder@x.example', password: 'another long password' });
      expect(again.status).toBe(400);
      expect(again.body.code).toBe('setup_link_used');
    });

    it('sets the session cookie HttpOnly and SameSite=Strict', async () => {
      const r = await new Client(node.url).post('/api/v1/auth/login', { email: ADMIN.email, password: ADMIN.password });
      expect(r.status).toBe(200);
      const cookie = r.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
    });

    it('refuses calls without sign-in', async () => {
      const r = await new Client(node.url).get('/api/v1/contacts');
      expect(r.status).toBe(401);
      expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(r.body.code).toBe('sign_in_required');
    });

    it('refuses a cookie-authenticated write without the CSRF token', async () => {
      const before = await contactCount();
      const r = await admin.request('POST', '/api/v1/contacts', CONTACT, { headers: { 'x-csrf-token': 'wrong' } });
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('csrf_failed');
      expect(await contactCount()).toBe(before);
    });

    it('creates, edits, retires a point of contact and keeps its audited history', async () => {
      const created = await admin.post('/api/v1/contacts', CONTACT);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ ...CONTACT, status: 'active', version: 1 });
      const id = created.body.id as string;

      const edited = await admin.patch(`/api/v1/contacts/${id}`, { phone: '+41 58 463 11 11', version: 1 });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ phone: '+41 58 463 11 11', version: 2, name: CONTACT.name });

      const stale = await admin.patch(`/api/v1/contacts/${id}`, { name: 'Lost update', version: 1 });
      expect(stale.status).toBe(409);
      expect(stale.body.code).toBe('version_conflict');

      const retired = await admin.post(`/api/v1/contacts/${id}/retire`, { version: 2 });
      expect(retired.status).toBe(200);
      expect(retired.body.status).toBe('retired');
      expect((await admin.get('/api/v1/contacts')).body.contacts.map((c: { id: string }) => c.id)).not.toContain(id);
      expect((await admin.get('/api/v1/contacts?status=retired')).body.contacts.map((c: { id: string }) => c.id)).toContain(id);

      const afterRetire = await admin.patch(`/api/v1/contacts/${id}`, { name: 'Too late', version: 3 });
      expect(afterRetire.status).toBe(409);
      expect(afterRetire.body.code).toBe('contact_retired');

      const history = await admin.get(`/api/v1/contacts/${id}/history`);
      expect(history.status).toBe(200);
      const entries = history.body.entries as { action: string; actor: string; before: any; after: any }[];
      expect(entries.map((e) => e.action)).toEqual(['contact.retire', 'contact.update', 'contact.create']);
      expect(entries.every((e) => e.actor === ADMIN.email)).toBe(true);
      expect(entries[1]!.before.phone).toBe(CONTACT.phone);
      expect(entries[1]!.after.phone).toBe('+41 58 463 11 11');
    });

    it('explains every invalid field and writes nothing', async () => {
      const before = await contactCount();
      const r = await admin.post('/api/v1/contacts', {
        ...CONTACT,
        kind: 'law_enforcement_24_7',
        name: 'x'.repeat(201),
        email: 'not-an-email',
        phone: '0041 22',
        languages: ['en', 'zz'],
        timeZone: 'Mars/Olympus',
        available24x7: false,
        colour: 'blue',
      });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('validation_failed');
      const paths = (r.body.errors as { path: string }[]).map((e) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['name', 'email', 'phone', 'languages.1', 'timeZone', 'available24x7', '']));
      expect(r.body.errors).toContainEqual({ path: '', message: 'Not a field of this request: "colour". Check the spelling against the API reference, /api/v1/openapi.json.' });
      expect(await contactCount()).toBe(before);
    });

    it('refuses wrong types, saying in plain words what each field must be', async () => {
      const r = await admin.post('/api/v1/contacts', { ...CONTACT, available24x7: 'yes', languages: 'en' });
      expect(r.status).toBe(400);
      expect(r.body.errors).toEqual(
        expect.arrayContaining([
          { path: 'available24x7', message: 'Must be true or false.' },
          { path: 'languages', message: 'Must be a list.' },
        ]),
      );
    });

    it('names each field left out as required, in words rather than the schema library\'s', async () => {
      const r = await admin.post('/api/v1/contacts', {});
      expect([r.status, r.body.code]).toEqual([400, 'validation_failed']);
      const errors = r.body.errors as { path: string; message: string }[];
      expect(errors).toEqual(expect.arrayContaining([{ path: 'organisation', message: 'Required.' }, { path: 'available24x7', message: 'Required.' }]));
      expect(errors.find((e) => e.path === 'kind')?.message).toMatch(/^Must be one of: "diplomatic", "technical"/);
      expect(errors.filter((e) => /expected|received/.test(e.message))).toEqual([]);
    });

    it('refuses text the database cannot hold, a NUL or a lone surrogate anywhere in a body or query, naming the field and writing nothing', async () => {
      const before = await contactCount();
      const refused = async (r: Awaited<ReturnType<typeof admin.post>>, path: string) => {
        expect([r.status, r.body.code]).toEqual([400, 'validation_failed']);
        expect((r.body.errors as { path: string }[]).map((e) => e.path)).toContain(path);
      };
      await refused(await admin.post('/api/v1/contacts', { ...CONTACT, name: 'a\ud800b' }), 'name');
      await refused(await admin.post('/api/v1/contacts', { ...CONTACT, languages: ['en', 'fr\u0000'] }), 'languages.1');
      await refused(await admin.post('/api/v1/checks', { note: '\u0000' }), 'note');
      await refused(await admin.post('/api/v1/tokens', { name: 'x\udfff' }), 'name');
      await refused(await admin.post('/api/v1/users', { email: 'lone@mfa.example', displayName: '\ud83d', role: 'viewer' }), 'displayName');
      await refused(await admin.get('/api/v1/consultations?q=a%00b'), 'q');
      expect(await contactCount()).toBe(before);
      expect((await admin.get('/api/v1/tokens')).body.tokens.some((t: { name: string }) => t.name.startsWith('x'))).toBe(false);
      expect((await admin.get('/api/v1/users')).body.users.some((u: { email: string }) => u.email === 'lone@mfa.example')).toBe(false);
    });

    it('refuses malformed JSON, a non-JSON body, an oversized body and a malformed id', async () => {
      const malformed = await admin.request('POST', '/api/v1/contacts', undefined, { raw: '{"kind": ', headers: { 'content-type': 'application/json' } });
      expect([malformed.status, malformed.body.code]).toEqual([400, 'malformed_json']);
      const form = await admin.request('POST', '/api/v1/contacts', undefined, { raw: 'kind=technical', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect([form.status, form.body.code]).toEqual([415, 'unsupported_media_type']);
      const huge = await admin.post('/api/v1/contacts', { ...CONTACT, hours: 'x'.repeat(100 * 1024) });
      expect([huge.status, huge.body.code]).toEqual([413, 'body_too_large']);
      const traversal = await admin.get('/api/v1/contacts/..%2F..%2Fetc%2Fpasswd');
      expect([traversal.status, traversal.body.code]).toEqual([400, 'invalid_id']);
      const notUuid = await admin.get('/api/v1/contacts/123');
      expect([notUuid.status, notUuid.body.code]).toEqual([400, 'invalid_id']);
      const missing = await admin.get('/api/v1/contacts/00000000-0000-4000-8000-000000000000');
      expect([missing.status, missing.body.code]).toEqual([404, 'contact_not_found']);
    });

    it('never sends a stack trace or internals in a problem', async () => {
      const r = await admin.get('/api/v1/no-such-route');
      expect(r.status).toBe(404);
      expect(r.body.code).toBe('no_such_route');
      expect(JSON.stringify(r.body)).not.toMatch(/at .*\.(ts|js):\d+/);
    });

    it('answers a method a path does not take with 405 and Allow, and never the web page, on the API and federation paths', async () => {
      const anyone = new Client(node.url);
      const cases: [Client, string, string, string][] = [
        [admin, 'PUT', '/api/v1/contacts', 'GET, HEAD, POST'],
        [admin, 'DELETE', '/api/v1/contacts', 'GET, HEAD, POST'],
        [anyone, 'GET', '/federation/v1/inbox', 'POST'],
        [anyone, 'PUT', '/federation/v1/inbox', 'POST'],
        [anyone, 'GET', '/federation/v1/inbox/batch', 'POST'],
        [anyone, 'POST', '/log/checkpoint', 'GET, HEAD'],
      ];
      for (const [client, method, path, allow] of cases) {
        const r = await client.request(method, path);
        expect([method, path, r.status, r.body.code, r.headers.get('allow')]).toEqual([method, path, 405, 'method_not_allowed', allow]);
        expect(r.headers.get('content-type')).toBe('application/problem+json');
      }
      for (const path of ['/federation/v1/nothing', '/api/v1/no-such-route', '/log/nothing']) {
        const r = await anyone.request('GET', path);
        expect([path, r.status, r.body.code, r.headers.get('content-type')]).toEqual([path, 404, 'no_such_route', 'application/problem+json']);
      }
      // The routes themselves still answer, HEAD as GET.
      expect((await anyone.request('HEAD', '/api/v1/node/identity')).status).toBe(200);
      expect((await admin.get('/api/v1/contacts')).status).toBe(200);
    });

    it('invites a user, refuses a duplicate e-mail, and lets the invited person set a password', async () => {
      const invited = await admin.post('/api/v1/users', { email: 'Viewer@MFA.example', displayName: 'A Viewer', role: 'viewer' });
      expect(invited.status).toBe(201);
      expect(invited.body.user).toMatchObject({ email: 'viewer@mfa.example', role: 'viewer', status: 'invited' });
      expect(JSON.stringify(invited.body)).not.toMatch(/password/i);

      const dup = await admin.post('/api/v1/users', { email: 'viewer@mfa.example', displayName: 'Again', role: 'officer' });
      expect([dup.status, dup.body.code]).toEqual([409, 'email_taken']);

      const viewer = new Client(node.url);
      const inspect = await viewer.post('/api/v1/auth/setup/inspect', { token: new URL(invited.body.setupLink).hash.slice(1) });
      expect(inspect.body).toMatchObject({ purpose: 'invite', email: 'viewer@mfa.example' });
      // Long enough but a repeated pattern: refused, and the link still works.
      for (const weak of ['aaaaaaaaaaaaaaaa', '123412341234']) {
        const refused = await viewer.setup(invited.body.setupLink, { password: weak });
        expect(refused.status, weak).toBe(400);
        expect(JSON.stringify(refused.body), weak).toContain('A password needs at least 5 different characters');
      }
      const done = await viewer.setup(invited.body.setupLink, { password: 'viewer password 123' });
      expect(done.status).toBe(200);
      expect(done.body.user.status).toBe('active');
    });

    it('lets a viewer read but not write, and keeps accounts to administrators', async () => {
      const viewer = new Client(node.url);
      expect((await viewer.login('viewer@mfa.example', 'viewer password 123')).status).toBe(200);
      expect((await viewer.get('/api/v1/contacts')).status).toBe(200);
      const before = await contactCount();
      const write = await viewer.post('/api/v1/contacts', CONTACT);
      expect([write.status, write.body.code]).toEqual([403, 'forbidden']);
      expect(await contactCount()).toBe(before);
      expect((await viewer.get('/api/v1/users')).status).toBe(403);
      expect((await viewer.get('/api/v1/audit')).status).toBe(403);
    });

    describe('authorisation of every route of the contract', () => {
      /** The newest audit entry: a refused call must leave the trail as it was. */
      const lastAudit = async () => (await admin.get('/api/v1/audit?limit=1')).body.entries[0]?.id as string | undefined;

      it('opens only the routes meant for anyone without sign-in, and answers every other one 401', async () => {
        const open = everyRoute.filter((r) => r.spec.access === 'public').map((r) => r.name);
        // A new public route is a decision: it is added here, by name, or it is not public.
        expect(open.sort()).toEqual(['login', 'nodeIdentity', 'publicNorms', 'setup', 'setupInfo', 'verifyProof']);
        const before = await lastAudit();
        const anyone = new Client(node.url);
        for (const r of everyRoute.filter((x) => x.spec.access !== 'public')) {
          const res = await call(anyone, r);
          expect([res.status, res.body.code], `${r.method} ${r.path}`).toEqual([401, 'sign_in_required']);
        }
        // The CSV export is served beside the contract, as a file.
        const csv = await anyone.get('/api/v1/norms/export.csv');
        expect([csv.status, csv.body.code]).toEqual([401, 'sign_in_required']);
        expect(await lastAudit()).toBe(before);
      });

      it('answers 403 to each role, by session or by API token, on every route its permission leaves out, and changes nothing', async () => {
        const before = await lastAudit();
        for (const role of ['viewer', 'officer'] as const) {
          const session = await signedInUser(admin, role, `Route ${role}`);
          const token = new Client(node.url).withToken((await session.post('/api/v1/tokens', { name: 'routes' })).body.secret);
          const barred = everyRoute.filter((r) => r.spec.access !== 'public' && r.spec.access !== 'session' && !(permissions[r.spec.access as keyof typeof permissions] as readonly string[]).includes(role));
          expect(barred.length, role).toBeGreaterThan(role === 'viewer' ? 20 : 5);
          for (const client of [session, token]) {
            for (const r of barred) {
              const res = await call(client, r);
              expect([res.status, res.body.code], `${role} ${client.bearer ? 'token' : 'session'}: ${r.method} ${r.path}`).toEqual([403, 'forbidden']);
            }
          }
        }
        // Only the tokens the two people made, and their accounts, were written meanwhile.
        const since = (await admin.get('/api/v1/audit?limit=20')).body.entries as { id: string; action: string }[];
        const fresh = since.slice(0, since.findIndex((e) => e.id === before));
        expect(fresh.map((e) => e.action).sort()).toEqual(['token.create', 'token.create', 'user.accept_invite', 'user.accept_invite', 'user.create', 'user.create']);
      });

      it('refuses every write by a session cookie without its CSRF token, even an administrator\'s, and changes nothing', async () => {
        const before = await lastAudit();
        const writes = everyRoute.filter((r) => r.spec.access !== 'public' && r.method !== 'GET');
        expect(writes.length).toBeGreaterThan(30);
        for (const r of writes) {
          for (const headers of [{ 'x-csrf-token': 'not the token of this session' }, { 'x-csrf-token': '' }]) {
            const res = await call(admin, r, headers);
            expect([res.status, res.body.code], `${r.method} ${r.path}`).toEqual([403, 'csrf_failed']);
          }
        }
        expect(await lastAudit()).toBe(before);
        // The refused logout did not end the session.
        expect((await admin.get('/api/v1/auth/session')).status).toBe(200);
      });

      it('serves the operator\'s control API only on the control socket, never over HTTP', async () => {
        for (const [method, path] of [['GET', '/local/v1/status'], ['GET', '/local/v1/peers'], ['POST', '/local/v1/users'], ['POST', '/local/v1/tokens']] as const) {
          const res = await new Client(node.url).request(method, path, method === 'POST' ? { email: 'intruder@x.example', role: 'admin' } : undefined);
          // The control API answers JSON; over HTTP these paths are at most the web interface's page.
          expect(res.headers.get('content-type') ?? '', `${method} ${path}`).not.toMatch(/json/);
          expect(JSON.stringify(res.body), `${method} ${path}`).not.toMatch(/"(node|secret|user|peers)"/);
        }
        expect((await admin.get('/api/v1/users')).body.users.map((u: { email: string }) => u.email)).not.toContain('intruder@x.example');
      });
    });

    it('keeps at least one active administrator', async () => {
      const me = (await admin.get('/api/v1/auth/session')).body.user;
      const r = await admin.patch(`/api/v1/users/${me.id}`, { role: 'viewer' });
      expect([r.status, r.body.code]).toEqual([409, 'last_admin']);
    });

    it('issues API tokens that work as bearer tokens until revoked', async () => {
      const created = await admin.post('/api/v1/tokens', { name: 'script' });
      expect(created.status).toBe(201);
      const secret = created.body.secret as string;
      expect(secret).toMatch(/^prl_/);
      const bot = new Client(node.url).withToken(secret);
      expect((await bot.get('/api/v1/contacts')).status).toBe(200);
      // A bearer token needs no CSRF header: it is not sent by browsers on their own.
      const write = await bot.post('/api/v1/contacts', { ...CONTACT, name: 'Written by script' });
      expect(write.status).toBe(201);
      const listed = await admin.get('/api/v1/tokens');
      expect(listed.body.tokens.map((t: { id: string }) => t.id)).toContain(created.body.token.id);
      expect(JSON.stringify(listed.body)).not.toContain(secret);

      expect((await admin.delete(`/api/v1/tokens/${created.body.token.id}`)).status).toBe(200);
      const after = await bot.get('/api/v1/contacts');
      expect([after.status, after.body.code]).toEqual([401, 'invalid_token']);
    });

    it('lets no API token create another, so revoking a token that leaked ends what it can do, and says where tokens are made', async () => {
      const holder = await signedInUser(admin, 'officer', 'Token Minter');
      const bot = new Client(node.url).withToken((await holder.post('/api/v1/tokens', { name: 'leaked' })).body.secret);
      const refused = await bot.post('/api/v1/tokens', { name: 'made by the leaked token' });
      expect([refused.status, refused.body.code]).toEqual([403, 'session_required']);
      expect(refused.body.detail).toBe('An API token cannot do this; sign in to the web interface. API tokens are made there under Tokens, or with: parley token create --user EMAIL');
      expect((await holder.get('/api/v1/tokens')).body.tokens.map((t: { name: string }) => t.name)).toEqual(['leaked']);
      // The token still reads, lists and revokes, itself included.
      const mine = await bot.get('/api/v1/tokens');
      expect(mine.status).toBe(200);
      expect((await bot.delete(`/api/v1/tokens/${mine.body.tokens[0].id}`)).status).toBe(200);
      expect((await bot.get('/api/v1/contacts')).status).toBe(401);
      const doc = (await admin.get('/api/v1/openapi.json')).body;
      expect(doc.paths['/api/v1/tokens'].post.security).toEqual([{ session: [] }]);
    });

    it("lets no administrator's API token make an account, a setup link or an administrator, or lift a lockout, and changes nothing; signed in, the same calls work", async () => {
      const bot = new Client(node.url).withToken((await admin.post('/api/v1/tokens', { name: 'admin automation' })).body.secret);
      const viewer = await signedInUser(admin, 'viewer', 'Stays Viewer');
      const viewerId = (await viewer.get('/api/v1/auth/session')).body.user.id as string;
      const officer = await signedInUser(admin, 'officer', 'Stays Officer');
      const officerId = (await officer.get('/api/v1/auth/session')).body.user.id as string;
      const gone = await signedInUser(admin, 'officer', 'Stays Disabled');
      const goneId = (await gone.get('/api/v1/auth/session')).body.user.id as string;
      expect((await admin.patch(`/api/v1/users/${goneId}`, { status: 'disabled' })).status).toBe(200);
      const users = async () => (await admin.get('/api/v1/users')).body.users as { id: string; email: string; role: string; status: string }[];
      const audit = async () => (await admin.get('/api/v1/audit?limit=1')).body.entries[0]?.id as string | undefined;
      const usersBefore = await users();
      const auditBefore = await audit();

      const calls = [
        ['POST', '/api/v1/users', { email: 'made.by.token@mfa.example', displayName: 'Made By Token', role: 'admin' }],
        ['POST', `/api/v1/users/${viewerId}/setup-link`, {}],
        ['POST', `/api/v1/users/${goneId}/enable`, {}],
        ['POST', `/api/v1/users/${viewerId}/unlock`, {}],
        ['PATCH', `/api/v1/users/${viewerId}`, { role: 'admin' }],
        ['PATCH', `/api/v1/users/${viewerId}`, { role: 'officer' }],
      ] as const;
      for (const [method, path, body] of calls) {
        const refused = await bot.request(method, path, body);
        expect([refused.status, refused.body.code], `${method} ${path} ${JSON.stringify(body)}`).toEqual([403, 'session_required']);
        expect(refused.body.detail).toBe("An API token cannot do this; sign in to the web interface. Accounts are managed there under Users, or on the node's machine with parley user add, parley user reset or parley user unlock");
      }
      expect(await users()).toEqual(usersBefore);
      expect(await audit()).toBe(auditBefore);
      // The viewer's password was not reset by the refused link.
      expect((await new Client(node.url).login('stays.viewer@mfa.example', 'a long test password')).status).toBe(200);
      const doc = (await admin.get('/api/v1/openapi.json')).body;
      for (const [method, path] of [['post', '/api/v1/users'], ['post', '/api/v1/users/{id}/setup-link'], ['post', '/api/v1/users/{id}/enable'], ['post', '/api/v1/users/{id}/unlock']]) {
        expect(doc.paths[path!][method!].security, path).toEqual([{ session: [] }]);
      }

      // A token may still take power away: lower a role, disable an account.
      expect((await bot.patch(`/api/v1/users/${officerId}`, { role: 'viewer', displayName: 'Lowered By Token' })).body).toMatchObject({ role: 'viewer', displayName: 'Lowered By Token' });
      expect((await bot.patch(`/api/v1/users/${officerId}`, { status: 'disabled' })).body.status).toBe('disabled');

      // Signed in, with the session's CSRF token, an administrator does each of them.
      const made = await admin.post('/api/v1/users', { email: 'made.signed.in@mfa.example', displayName: 'Made Signed In', role: 'officer' });
      expect([made.status, made.body.setupLink]).toEqual([201, expect.stringMatching(/\/setup#/)]);
      expect((await admin.post(`/api/v1/users/${viewerId}/unlock`, {})).status).toBe(200);
      expect((await admin.patch(`/api/v1/users/${viewerId}`, { role: 'admin' })).body.role).toBe('admin');
      expect((await admin.post(`/api/v1/users/${viewerId}/setup-link`, {})).body.setupLink).toMatch(/\/setup#/);
      expect((await admin.post(`/api/v1/users/${goneId}/enable`, {})).body.user.status).toBe('active');
    });

    it('revokes a person\'s API tokens when the account is disabled, so enabling it again does not bring them back', async () => {
      const officer = await signedInUser(admin, 'officer', 'Token Holder');
      const secret = (await officer.post('/api/v1/tokens', { name: 'nightly export' })).body.secret as string;
      const bot = new Client(node.url).withToken(secret);
      expect((await bot.get('/api/v1/contacts')).status).toBe(200);
      const id = (await officer.get('/api/v1/auth/session')).body.user.id as string;
      expect((await admin.patch(`/api/v1/users/${id}`, { status: 'disabled' })).status).toBe(200);
      expect((await bot.get('/api/v1/contacts')).status).toBe(401);
      expect((await admin.post(`/api/v1/users/${id}/enable`, {})).body.user.status).toBe('active');
      const after = await bot.get('/api/v1/contacts');
      expect([after.status, after.body.code]).toEqual([401, 'invalid_token']);
    });

    it('ends the sessions of a disabled account, refuses its sign-in and setup links, and enabling it again brings no session back', async () => {
      const officer = await signedInUser(admin, 'officer', 'Disabled Officer');
      const id = (await officer.get('/api/v1/auth/session')).body.user.id as string;
      expect((await admin.patch(`/api/v1/users/${id}`, { status: 'disabled' })).status).toBe(200);
      const read = await officer.get('/api/v1/contacts');
      expect([read.status, read.body.code]).toEqual([401, 'sign_in_required']);
      const write = await officer.post('/api/v1/contacts', CONTACT);
      expect([write.status, write.body.code]).toEqual([401, 'sign_in_required']);
      const login = await new Client(node.url).login('disabled.officer@mfa.example', 'a long test password');
      expect([login.status, login.body.code]).toEqual([401, 'account_disabled']);
      const refusedLink = await admin.post(`/api/v1/users/${id}/setup-link`, {});
      expect([refusedLink.status, refusedLink.body.code]).toEqual([400, 'account_disabled']);

      const enabled = await admin.post(`/api/v1/users/${id}/enable`, {});
      expect(enabled.status).toBe(200);
      expect((await officer.get('/api/v1/contacts')).status).toBe(401);
      // The link enabling gave no longer lets anyone in once the account is disabled again.
      expect((await admin.patch(`/api/v1/users/${id}`, { status: 'disabled' })).status).toBe(200);
      const setup = await new Client(node.url).setup(enabled.body.setupLink, { password: 'a password to get back in' });
      expect([setup.status, setup.body.code]).toEqual([400, 'account_disabled']);
    });

    it("keeps each person's API tokens their own: another officer neither lists nor revokes them, an administrator may revoke them", async () => {
      const owner = await signedInUser(admin, 'officer', 'Token Owner');
      const other = await signedInUser(admin, 'officer', 'Other Officer');
      const made = await owner.post('/api/v1/tokens', { name: 'owner script' });
      const bot = new Client(node.url).withToken(made.body.secret);
      expect((await other.get('/api/v1/tokens')).body.tokens).toEqual([]);
      const refused = await other.delete(`/api/v1/tokens/${made.body.token.id}`);
      expect([refused.status, refused.body.code]).toEqual([403, 'forbidden']);
      // Nor with a token of its own, which acts with the same rights as its person.
      const otherBot = new Client(node.url).withToken((await other.post('/api/v1/tokens', { name: 'other script' })).body.secret);
      expect((await otherBot.delete(`/api/v1/tokens/${made.body.token.id}`)).status).toBe(403);
      expect((await bot.get('/api/v1/contacts')).status).toBe(200);
      expect((await admin.delete(`/api/v1/tokens/${made.body.token.id}`)).status).toBe(200);
      expect((await bot.get('/api/v1/contacts')).status).toBe(401);
    });

    it('makes a password reset take effect when an administrator issues the link: the old password, API tokens and sessions stop working', async () => {
      const officer = await signedInUser(admin, 'officer', 'Password Reset');
      const id = (await officer.get('/api/v1/auth/session')).body.user.id as string;
      const before = new Client(node.url).withToken((await officer.post('/api/v1/tokens', { name: 'before reset' })).body.secret);
      expect((await before.get('/api/v1/contacts')).status).toBe(200);

      const link = await admin.post(`/api/v1/users/${id}/setup-link`, {});
      expect(link.status).toBe(200);
      const refused = await before.get('/api/v1/contacts');
      expect([refused.status, refused.body.code]).toEqual([401, 'invalid_token']);
      expect((await officer.get('/api/v1/contacts')).status).toBe(401);
      const oldPassword = await new Client(node.url).login('password.reset@mfa.example', 'a long test password');
      expect([oldPassword.status, oldPassword.body.code]).toEqual([401, 'invalid_credentials']);

      const person = new Client(node.url);
      expect((await person.setup(link.body.setupLink, { password: 'a new long password' })).status).toBe(200);
      const after = new Client(node.url).withToken((await person.post('/api/v1/tokens', { name: 'after reset' })).body.secret);
      expect((await after.get('/api/v1/contacts')).status).toBe(200);
    });

    it('keeps an administrator who resets their own password signed in to read the link, and ends that session and its tokens once the new password is set', async () => {
      const second = await signedInUser(admin, 'admin', 'Second Admin');
      const id = (await second.get('/api/v1/auth/session')).body.user.id as string;
      const link = await second.post(`/api/v1/users/${id}/setup-link`, {});
      expect(link.status).toBe(200);
      expect((await second.get('/api/v1/users')).status).toBe(200);
      const meanwhile = new Client(node.url).withToken((await second.post('/api/v1/tokens', { name: 'meanwhile' })).body.secret);
      expect((await meanwhile.get('/api/v1/contacts')).status).toBe(200);

      expect((await new Client(node.url).setup(link.body.setupLink, { password: 'a new long password' })).status).toBe(200);
      expect((await meanwhile.get('/api/v1/contacts')).status).toBe(401);
      expect((await second.get('/api/v1/users')).status).toBe(401);
    });

    it('keeps an account locked out when the node restarts', async () => {
      // From a fresh count per address, which earlier tests have used.
      await node.restart();
      const c = new Client(node.url);
      for (let i = 0; i < 3; i++) expect((await c.login('restarted@mfa.example', 'wrong password')).status).toBe(401);
      // A restart forgets the count per address, kept in memory, but not the count per account.
      await node.restart();
      const blocked = await c.login('restarted@mfa.example', 'wrong password');
      expect([blocked.status, blocked.body.code]).toEqual([429, 'too_many_attempts']);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await admin.get('/api/v1/contacts')).status).toBe(200);
    });

    it("lifts an account's lockout once its password is set again through a reset link", async () => {
      const person = await signedInUser(admin, 'officer', 'Locked Out');
      const id = (await person.get('/api/v1/auth/session')).body.user.id as string;
      await node.restart(); // a fresh count per address
      const c = new Client(node.url);
      for (let i = 0; i < 3; i++) expect((await c.login('locked.out@mfa.example', 'wrong password')).status).toBe(401);
      await node.restart(); // the count per address forgotten again, so only the account's holds
      const locked = await c.login('locked.out@mfa.example', 'a long test password');
      expect([locked.status, locked.body.code]).toEqual([429, 'too_many_attempts']);

      const link = await admin.post(`/api/v1/users/${id}/setup-link`, {});
      expect((await new Client(node.url).setup(link.body.setupLink, { password: 'a new long password' })).status).toBe(200);
      expect((await c.login('locked.out@mfa.example', 'a new long password')).status).toBe(200);
    });

    const userAudit = async (id: string) =>
      ((await admin.get(`/api/v1/audit?entityType=user&entityId=${id}`)).body.entries as { action: string; actor: string }[]).map((e) => [e.action, e.actor]);

    it('enables a disabled account without its old password, and gives a one-time link with which its person sets a new one', async () => {
      const person = await signedInUser(admin, 'officer', 'Came Back');
      const id = (await person.get('/api/v1/auth/session')).body.user.id as string;
      await node.restart(); // a fresh count per address
      expect((await admin.patch(`/api/v1/users/${id}`, { status: 'disabled' })).status).toBe(200);
      // Enabled only with a link: a plain change of status would bring the old password back.
      const plain = await admin.patch(`/api/v1/users/${id}`, { status: 'active' });
      expect([plain.status, plain.body.code]).toEqual([409, 'enable_needs_link']);

      const enabled = await admin.post(`/api/v1/users/${id}/enable`, {});
      expect(enabled.status).toBe(200);
      expect(enabled.body.user.status).toBe('active');
      const old = await new Client(node.url).login('came.back@mfa.example', 'a long test password');
      expect([old.status, old.body.code]).toEqual([401, 'invalid_credentials']);
      const again = await admin.post(`/api/v1/users/${id}/enable`, {});
      expect([again.status, again.body.code]).toEqual([409, 'not_disabled']);

      const inspect = await new Client(node.url).post('/api/v1/auth/setup/inspect', { token: new URL(enabled.body.setupLink).hash.slice(1) });
      expect(inspect.body).toMatchObject({ purpose: 'reset', email: 'came.back@mfa.example' });
      expect((await new Client(node.url).setup(enabled.body.setupLink, { password: 'a new long password' })).status).toBe(200);
      expect((await new Client(node.url).login('came.back@mfa.example', 'a new long password')).status).toBe(200);
      expect(await userAudit(id)).toContainEqual(['user.enable', ADMIN.email]);
    });

    it("lets an administrator lift an account's lockout, so its person signs in with the same password from where they tried", async () => {
      const person = await signedInUser(admin, 'officer', 'Locked Again');
      const id = (await person.get('/api/v1/auth/session')).body.user.id as string;
      const officer = await signedInUser(admin, 'officer', 'Not An Admin');
      const viewer = await signedInUser(admin, 'viewer', 'Only Reads');
      await node.restart(); // a fresh count per address
      const c = new Client(node.url);
      for (let i = 0; i < 3; i++) expect((await c.login('locked.again@mfa.example', 'wrong password')).status).toBe(401);
      expect((await c.login('locked.again@mfa.example', 'a long test password')).status).toBe(429);

      const listed = async () => (await admin.get('/api/v1/users')).body.users as { id: string; lockedUntil: string | null }[];
      const lockedUntil = (await listed()).find((u) => u.id === id)!.lockedUntil;
      expect(Date.parse(lockedUntil!)).toBeGreaterThan(Date.now());
      expect((await listed()).filter((u) => u.lockedUntil !== null).map((u) => u.id)).toEqual([id]);

      for (const other of [officer, viewer]) {
        const refused = await other.post(`/api/v1/users/${id}/unlock`, {});
        expect([refused.status, refused.body.code]).toEqual([403, 'forbidden']);
      }
      expect((await c.login('locked.again@mfa.example', 'a long test password')).status).toBe(429);

      const unlocked = await admin.post(`/api/v1/users/${id}/unlock`, {});
      expect([unlocked.status, unlocked.body.lockedUntil]).toEqual([200, null]);
      expect((await listed()).find((u) => u.id === id)!.lockedUntil).toBeNull();
      expect((await c.login('locked.again@mfa.example', 'a long test password')).status).toBe(200);
      expect(await userAudit(id)).toContainEqual(['user.unlock', ADMIN.email]);
    });

    it('limits failed sign-ins and tells when to retry', async () => {
      const c = new Client(node.url);
      for (let i = 0; i < 3; i++) expect((await c.login('ratelimited@mfa.example', 'wrong password')).status).toBe(401);
      const blocked = await c.login('ratelimited@mfa.example', 'wrong password');
      expect([blocked.status, blocked.body.code]).toEqual([429, 'too_many_attempts']);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(blocked.body.detail).toMatch(/^Too many sign-in attempts\. Try again in (1 minute|([2-9]|\d\d+) minutes)\.$/);
    });

    it('says the longest a communication check may wait in plain words', async () => {
      const r = await admin.post('/api/v1/checks', { minutes: 99_999_999 });
      expect([r.status, r.body.code]).toEqual([400, 'validation_failed']);
      expect(r.body.errors).toEqual([{ path: 'minutes', message: 'Give at most 10080 minutes (7 days).' }]);
    });

    it('publishes an OpenAPI document listing every route of the contract', async () => {
      const r = await new Client(node.url).get('/api/v1/openapi.json');
      expect(r.status).toBe(200);
      expect(r.body.openapi).toBe('3.1.0');
      for (const spec of Object.values(routes)) {
        expect(r.body.paths[`/api/v1${spec.path}`]?.[spec.method], `${spec.method} ${spec.path}`).toBeDefined();
      }
    });

    it('sends security headers and a request id', async () => {
      const r = await admin.get('/api/v1/node');
      expect(r.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
      expect(r.headers.get('x-request-id')).toMatch(/.+/);
      // Plain HTTP on loopback: no promise of HTTPS to keep.
      expect(r.headers.get('strict-transport-security')).toBeNull();
    });

    it('logs structured JSON with a request id on every request line and never a secret', () => {
      const requestLines = node.logs.filter((l) => l.msg === 'request');
      expect(requestLines.length).toBeGreaterThan(10);
      expect(requestLines.every((l) => typeof l.requestId === 'string' && typeof l.status === 'number')).toBe(true);
      const text = node.logText();
      expect(text).not.toContain(ADMIN.password);
      expect(text).not.toContain('viewer password 123');
      expect(text).not.toMatch(/prl_[A-Za-z0-9_-]{20,}/);
      expect(text).not.toContain(new URL(node.firstRunLink!).hash.slice(1));
    });
  });
}
