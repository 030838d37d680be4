import { randomUUID } from 'node:crypto';
import { DELIVERY_HEADER, envelopeHash, generateNodeKeyPair, fingerprint, signDelivery, signEnvelope, uuidv7, type Envelope } from '@parley/protocol';
import { rotateNodeKey } from '@parley/server';
import { addPeer, deliverAs, eventually, holdLog, signedInAdmin, signedInUser, startNetwork, startTestNode, type Engine, type NetworkNode } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CONTACT = {
  kind: 'technical',
  name: 'CERT duty desk',
  organisation: 'National CERT',
  email: 'duty@cert.xab.example',
  phone: '+41 58 000 00 00',
  languages: ['en', 'es'],
  timeZone: 'UTC',
  available24x7: true,
};

/** Posts an envelope to a node's inbox the way a peer's sender does, with a chosen delivery token. */
async function deliver(to: NetworkNode, jws: string, token?: string | null) {
  const headers: Record<string, string> = { 'content-type': 'application/jose' };
  if (token) headers[DELIVERY_HEADER] = token;
  const res = await fetch(`${to.node.url}/federation/v1/inbox`, { method: 'POST', headers, body: jws });
  return { status: res.status, body: (await res.json()) as { receipt?: string; duplicate?: boolean; code?: string; detail?: string } };
}

function envelopeFrom(from: NetworkNode, to: string, over: Partial<Envelope> = {}): Envelope {
  return {
    v: 1,
    id: uuidv7(),
    sender: from.node.ctx.identity.stateCode,
    recipient: to,
    type: 'directory.update',
    created: new Date().toISOString(),
    body: { publishedAt: new Date().toISOString(), contacts: [] },
    ...over,
  };
}

const sign = (from: NetworkNode, e: Envelope) => signEnvelope(e, from.node.ctx.keys);
const token = (from: NetworkNode, jws: string, to: string, sent = new Date()) =>
  signDelivery({ envelope: envelopeHash(jws), to, sent }, from.node.ctx.keys.privateKey, from.node.ctx.nodeInfo().fingerprint);

/** Three nodes, each on its own store of the given engine, over loopback HTTP. */
export function federationSuite(engine: Engine): void {
  describe(`federation between nodes over loopback HTTP (${engine})`, () => {
    let a: NetworkNode;
    let b: NetworkNode;
    let c: NetworkNode;

    beforeAll(async () => {
      [a, b, c] = (await startNetwork(['XAA', 'XAB', 'XAC'], { peered: false, engine })) as [NetworkNode, NetworkNode, NetworkNode];
    }, 120_000);
    afterAll(async () => {
      await Promise.all([a, b, c].map((n) => n?.node.close()));
    });

    it('refuses a peer whose key does not match the fingerprint, showing both', async () => {
      const wrong = fingerprint(generateNodeKeyPair().publicKey);
      const r = await a.admin.post('/api/v1/peers', { url: b.node.url, fingerprint: wrong });
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('fingerprint_mismatch');
      expect(r.body.detail).toContain(wrong);
      expect(r.body.detail).toContain(b.node.ctx.nodeInfo().fingerprint);
      expect([r.body.expected, r.body.presented]).toEqual([wrong, b.node.ctx.nodeInfo().fingerprint]);
      expect((await a.admin.get('/api/v1/peers')).body.peers).toEqual([]);
    });

    it('refuses plain HTTP to a non-loopback address and an unreachable node', async () => {
      const insecure = await a.admin.post('/api/v1/peers', { url: 'http://parley.example.org', fingerprint: b.node.ctx.nodeInfo().fingerprint });
      expect([insecure.status, insecure.body.code]).toEqual([400, 'insecure_peer_url']);
      const down = await a.admin.post('/api/v1/peers', { url: 'http://127.0.0.1:1', fingerprint: b.node.ctx.nodeInfo().fingerprint });
      expect([down.status, down.body.code]).toEqual([503, 'peer_unreachable']);
    });

    it('refuses an address inside a node (its API, its discovery document), naming the base address to give instead', async () => {
      for (const [path, what] of [['/api/v1', 'API'], ['/.well-known/parley', 'discovery document']] as const) {
        const r = await a.admin.post('/api/v1/peers', { url: `${b.node.url}${path}`, fingerprint: b.node.ctx.nodeInfo().fingerprint });
        expect([r.status, r.body.code, r.body.detail]).toEqual([
          400,
          'invalid_peer_url',
          `${b.node.url}${path} is the address of a node's ${what}, not of the node itself. Give the node's base address instead: ${b.node.url}`,
        ]);
      }
      expect((await a.admin.get('/api/v1/peers')).body.peers).toEqual([]);
    });

    it('trusts a peer whose key matches, both ways', async () => {
      for (const [x, y] of [[a, b], [b, a], [a, c], [c, a], [b, c], [c, b]] as const) await addPeer(x, y);
      const peers = (await a.admin.get('/api/v1/peers')).body.peers as { stateCode: string; status: string; isTestState: boolean }[];
      expect(peers.map((p) => [p.stateCode, p.status, p.isTestState])).toEqual([
        ['XAB', 'trusted', true],
        ['XAC', 'trusted', true],
      ]);
    });

    it('publishes a directory change to every peer without anyone pressing a button', async () => {
      const created = await b.admin.post('/api/v1/contacts', CONTACT);
      expect(created.status).toBe(201);
      for (const viewer of [a, c]) {
        const state = await eventually(async () => {
          const d = (await viewer.admin.get('/api/v1/federation/directory')).body.states as { stateCode: string; contacts: { email: string; verifiedAt: string | null }[]; publishedAt: string }[];
          return d.find((s) => s.stateCode === 'XAB' && s.contacts.some((x) => x.email === CONTACT.email));
        }, 10_000, 'XAB directory on peer');
        expect(state.contacts[0]!.verifiedAt).toBeNull();
        expect(Date.parse(state.publishedAt)).not.toBeNaN();
      }
    });

    it('runs a communication check: delivered by machine, confirmed by a person, with both times', async () => {
      const started = await a.admin.post('/api/v1/checks', { peers: ['XAB'], note: 'Quarterly check' });
      expect(started.status).toBe(201);
      const id = started.body.checks[0].id as string;
      const incoming = await eventually(async () => (await b.admin.get('/api/v1/checks?direction=incoming')).body.checks.find((x: { id: string }) => x.id === id), 10_000, 'check at XAB');
      expect(incoming.status).toBe('delivered');
      expect(incoming.note).toBe('Quarterly check');
      const delivered = await eventually(async () => {
        const x = (await a.admin.get('/api/v1/checks?direction=outgoing')).body.checks.find((y: { id: string }) => y.id === id);
        return x?.deliveredAt ? x : undefined;
      }, 10_000, 'machine receipt at XAA');
      expect(delivered.status).toBe('delivered');
      expect(delivered.deliverySeconds).toBeGreaterThanOrEqual(0);

      const contact = (await b.admin.get('/api/v1/contacts')).body.contacts[0];
      const confirmed = await b.admin.post(`/api/v1/checks/${id}/confirm`, { contact: contact.id, confirmedBy: 'Duty officer' });
      expect(confirmed.status).toBe(200);
      const again = await b.admin.post(`/api/v1/checks/${id}/confirm`, { contact: contact.id, confirmedBy: 'Duty officer' });
      expect([again.status, again.body.code]).toEqual([409, 'check_already_confirmed']);

      const done = await eventually(async () => {
        const x = (await a.admin.get('/api/v1/checks?peer=XAB')).body.checks.find((y: { id: string }) => y.id === id);
        return x?.status === 'confirmed' ? x : undefined;
      }, 10_000, 'confirmation at XAA');
      expect(done.confirmedBy).toBe('Duty officer');
      expect(done.confirmationSeconds).toBeGreaterThanOrEqual(done.deliverySeconds);
      // The contact is in XAB's directory as XAA holds it: named.
      expect([done.confirmedContact, done.confirmedContactUnlisted]).toEqual([contact.id, false]);

      expect((await b.admin.get(`/api/v1/contacts/${contact.id}`)).body.verifiedAt).not.toBeNull();
      await eventually(async () => {
        const d = (await a.admin.get('/api/v1/federation/directory')).body.states.find((s: { stateCode: string }) => s.stateCode === 'XAB');
        return d?.contacts[0]?.verifiedAt ? d : undefined;
      }, 10_000, 'verified contact in XAA view');
    });

    it("applies no check's confirmation from a peer the check was not sent to, nor a check under the id of one this node holds: stored with the reason, nothing changed", async () => {
      const started = await a.admin.post('/api/v1/checks', { peers: ['XAB'], note: 'For Borealis only' });
      const id = started.body.checks[0].id as string;
      // Caldera confirms Borealis's check, and then starts one of its own under the same id.
      const answer = await deliverAs(c, a, { type: 'check.response', thread: id, body: { check: id, confirmedAt: new Date().toISOString(), confirmedBy: 'Someone at Caldera', contact: null } });
      const request = await deliverAs(c, a, { type: 'check.request', thread: id, body: { check: id, deadline: new Date(Date.now() + 3600_000).toISOString(), note: 'Ours now' } });
      expect([answer.status, request.status]).toEqual([200, 200]);
      expect((await a.node.ctx.store.inbox.byHash(answer.hash))?.applyError).toBe(`not_a_party: XAC is not a party to check ${id}`);
      expect((await a.node.ctx.store.inbox.byHash(request.hash))?.applyError).toBe(`id_taken: check ${id} is not one XAC started`);
      // The administrators are told, in words that say what to do.
      const told = ((await a.admin.get('/api/v1/notifications')).body.notifications as { kind: string; message: string; link: string }[]).filter((n) => n.kind === 'peer.message_not_applied');
      expect(told.map((n) => n.message)).toEqual(
        expect.arrayContaining([
          `XAC sent a check.response message that this node did not apply (not_a_party: XAC is not a party to check ${id}). It is kept, with the receipt it was given; if this recurs, raise it with XAC's administrators.`,
          `XAC sent a check.request message that this node did not apply (id_taken: check ${id} is not one XAC started). It is kept, with the receipt it was given; if this recurs, raise it with XAC's administrators.`,
        ]),
      );
      expect(told.every((n) => n.link === '/peers')).toBe(true);
      const held = (await a.admin.get('/api/v1/checks')).body.checks.filter((x: { id: string }) => x.id === id);
      expect(held).toHaveLength(1);
      expect(held[0]).toMatchObject({ direction: 'outgoing', peer: 'XAB', note: 'For Borealis only', confirmedAt: null, confirmedBy: null });
      // The same check delivered again by the peer it came from is no error: it was applied once.
      const again = await deliverAs(a, b, { type: 'check.request', thread: id, body: { check: id, deadline: new Date(Date.now() + 3600_000).toISOString(), note: 'For Borealis only' } });
      const twice = await deliverAs(a, b, { type: 'check.request', thread: id, body: { check: id, deadline: new Date(Date.now() + 3600_000).toISOString(), note: 'For Borealis only' } });
      for (const h of [again.hash, twice.hash]) expect((await b.node.ctx.store.inbox.byHash(h))?.applyError).toBeNull();
    });

    it("keeps a confirmation naming a point of contact not in the peer's directory, a stranger's or another state's, without naming it as a known contact", async () => {
      // Caldera publishes a contact, which XAA holds in Caldera's directory.
      const caldera = await c.admin.post('/api/v1/contacts', { ...CONTACT, name: 'Caldera desk', email: 'desk@cert.xac.example' });
      expect(caldera.status).toBe(201);
      await eventually(async () => {
        const d = (await a.admin.get('/api/v1/federation/directory')).body.states.find((s: { stateCode: string }) => s.stateCode === 'XAC');
        return d?.contacts.some((x: { id: string }) => x.id === caldera.body.id);
      }, 10_000, "Caldera's contact in XAA's view");
      for (const contact of [randomUUID(), caldera.body.id as string]) {
        const id = (await a.admin.post('/api/v1/checks', { peers: ['XAB'], note: 'Naming a stranger' })).body.checks[0].id as string;
        const answer = await deliverAs(b, a, { type: 'check.response', thread: id, body: { check: id, confirmedAt: new Date().toISOString(), confirmedBy: 'Someone at Borealis', contact } });
        expect(answer.status).toBe(200);
        expect((await a.node.ctx.store.inbox.byHash(answer.hash))?.applyError).toBeNull();
        // A person did confirm: that stands; which contact they answered for, XAA cannot tell.
        const held = (await a.admin.get('/api/v1/checks?peer=XAB')).body.checks.find((x: { id: string }) => x.id === id);
        expect(held).toMatchObject({ status: 'confirmed', confirmedBy: 'Someone at Borealis', confirmedContact: null, confirmedContactUnlisted: true });
      }
      // Caldera's own contact is not made verified by Borealis naming it.
      const calderaView = (await a.admin.get('/api/v1/federation/directory')).body.states.find((s: { stateCode: string }) => s.stateCode === 'XAC');
      expect(calderaView.contacts.find((x: { id: string }) => x.id === caldera.body.id).verifiedAt).toBeNull();
      expect((await c.admin.get(`/api/v1/contacts/${caldera.body.id}`)).body.verifiedAt).toBeNull();
    });

    it("applies no check, nor a check's confirmation, sent outside the check's own thread", async () => {
      const id = randomUUID();
      const request = await deliverAs(a, b, { type: 'check.request', thread: randomUUID(), body: { check: id, deadline: new Date(Date.now() + 3600_000).toISOString(), note: 'Astray' } });
      expect(request.status).toBe(200);
      expect((await b.node.ctx.store.inbox.byHash(request.hash))?.applyError).toBe('wrong_thread: a communication check opens its own thread: thread and check id differ');
      expect((await b.admin.get('/api/v1/checks')).body.checks.some((x: { id: string }) => x.id === id)).toBe(false);

      const started = await a.admin.post('/api/v1/checks', { peers: ['XAB'], note: 'Answer in the thread' });
      const check = started.body.checks[0].id as string;
      const answer = await deliverAs(b, a, { type: 'check.response', thread: randomUUID(), body: { check, confirmedAt: new Date().toISOString(), confirmedBy: 'Someone', contact: null } });
      expect((await a.node.ctx.store.inbox.byHash(answer.hash))?.applyError).toBe("wrong_thread: a check's confirmation must travel in the check's thread");
      const held = (await a.admin.get('/api/v1/checks')).body.checks.find((x: { id: string }) => x.id === check);
      expect(held).toMatchObject({ confirmedAt: null, confirmedBy: null });
    });

    it('refuses envelopes from a peer once it is removed, and again takes them when it is added back', async () => {
      expect((await b.admin.delete('/api/v1/peers/XAC')).status).toBe(204);
      try {
        const refused = await deliverAs(c, b, { type: 'directory.update', body: { publishedAt: new Date().toISOString(), contacts: [] } });
        expect([refused.status, refused.body.code]).toEqual([403, 'unknown_sender']);
        expect(await b.node.ctx.store.inbox.byHash(refused.hash)).toBeUndefined();
      } finally {
        await addPeer(b, c);
      }
      expect((await deliverAs(c, b, { type: 'directory.update', body: { publishedAt: new Date().toISOString(), contacts: [] } })).status).toBe(200);
    });

    it('records every envelope sent, every envelope accepted and both receipts in the transparency logs', async () => {
      const check = (await a.admin.get('/api/v1/messages?recipient=XAB&status=delivered')).body.messages.find((m: { type: string }) => m.type === 'check.request');
      const kinds = async (n: NetworkNode) => {
        const entries = (await fetch(`${n.node.url}/log/entries?start=0&end=1000`).then((r) => r.json())).entries as { data: string }[];
        return entries.map((e) => JSON.parse(e.data) as { kind: string; hash: string; envelope?: string });
      };
      const atA = await kinds(a);
      expect(atA.some((e) => e.kind === 'envelope.sent' && e.hash === check.hash)).toBe(true);
      expect(atA.some((e) => e.kind === 'receipt.received' && e.envelope === check.hash)).toBe(true);
      const atB = await kinds(b);
      expect(atB.some((e) => e.kind === 'envelope.received' && e.hash === check.hash)).toBe(true);
      expect(atB.some((e) => e.kind === 'receipt.issued' && e.envelope === check.hash)).toBe(true);
      expect(JSON.stringify(atB)).not.toContain('Quarterly check');
    });

    it('marks an edited contact unverified again', async () => {
      const contact = (await b.admin.get('/api/v1/contacts')).body.contacts[0];
      const edited = await b.admin.patch(`/api/v1/contacts/${contact.id}`, { phone: '+41 58 111 11 11', version: contact.version });
      expect(edited.status).toBe(200);
      expect(edited.body.verifiedAt).toBeNull();
    });

    it('answers an accepted envelope with a receipt, and the same envelope again with the same receipt and no second effect', async () => {
      const jws = await sign(a, envelopeFrom(a, 'XAB', { type: 'check.request', thread: '0190a0a0-0000-7000-8000-000000000001', body: { check: '0190a0a0-0000-7000-8000-000000000001', deadline: new Date(Date.now() + 3600_000).toISOString(), note: 'dup' } }));
      const first = await deliver(b, jws, await token(a, jws, 'XAB'));
      expect(first.status).toBe(200);
      expect(first.body.duplicate).toBe(false);
      const second = await deliver(b, jws, await token(a, jws, 'XAB'));
      expect(second.status).toBe(200);
      expect(second.body).toEqual({ receipt: first.body.receipt, duplicate: true });
      const checks = (await b.admin.get('/api/v1/checks?direction=incoming')).body.checks.filter((x: { id: string }) => x.id === '0190a0a0-0000-7000-8000-000000000001');
      expect(checks).toHaveLength(1);
    });

    it('refuses a tampered body', async () => {
      const jws = await sign(a, envelopeFrom(a, 'XAB'));
      const [h, p, s] = jws.split('.');
      const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
      payload.body.contacts = [{ forged: true }];
      const tampered = [h, Buffer.from(JSON.stringify(payload)).toString('base64url'), s].join('.');
      const r = await deliver(b, tampered, await token(a, tampered, 'XAB'));
      expect([r.status, r.body.code]).toEqual([401, 'bad_signature']);
    });

    it('refuses as schema_invalid, before storing it, a body holding a NUL or a lone surrogate', async () => {
      for (const note of ['nul \u0000 char', 'lone \udc00 surrogate']) {
        const check = '0190a0a0-0000-7000-8000-0000000000c2';
        const jws = await sign(a, envelopeFrom(a, 'XAB', { type: 'check.request', body: { check, deadline: new Date(Date.now() + 3600_000).toISOString(), note } }));
        const r = await deliver(b, jws, await token(a, jws, 'XAB'));
        expect([r.status, r.body.code]).toEqual([400, 'schema_invalid']);
        expect(r.body.detail).toMatch(/^The check.request body is not valid: note: /);
        expect(await b.node.ctx.store.inbox.byHash(envelopeHash(jws))).toBeUndefined();
      }
    });

    it('refuses as schema_invalid, before storing it, a body whose time lies outside the years 1000 to 9999 (UTC), which the stores do not both hold as written', async () => {
      const check = '0190a0a0-0000-7000-8000-0000000000c3';
      const bodies = [
        // The year 0000, which PGlite cannot take; 0001, which PGlite would give back as 2001.
        { type: 'directory.update', body: { publishedAt: '0000-01-01T00:00:00Z', contacts: [] }, field: 'publishedAt' },
        { type: 'directory.update', body: { publishedAt: '0001-01-01T00:00:00Z', contacts: [] }, field: 'publishedAt' },
        // Written in the year 1000, but half an hour before it in UTC.
        { type: 'directory.update', body: { publishedAt: '1000-01-01T00:30:00+01:00', contacts: [] }, field: 'publishedAt' },
        { type: 'check.request', body: { check, deadline: '9999-12-31T23:00:00-05:00', note: '' }, field: 'deadline' },
      ] as const;
      for (const { type, body, field } of bodies) {
        const jws = await sign(a, envelopeFrom(a, 'XAB', { type, ...(type === 'check.request' ? { thread: check } : {}), body }));
        const r = await deliver(b, jws, await token(a, jws, 'XAB'));
        expect([r.status, r.body.code, r.body.detail]).toEqual([400, 'schema_invalid', `The ${type} body is not valid: ${field}: Must be a time in the years 1000 to 9999 (UTC).`]);
        expect(await b.node.ctx.store.inbox.byHash(envelopeHash(jws))).toBeUndefined();
      }
      // The first and last instants are taken, and stored.
      for (const deadline of ['1000-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z']) {
        const id = randomUUID();
        const jws = await sign(a, envelopeFrom(a, 'XAB', { type: 'check.request', thread: id, body: { check: id, deadline, note: '' } }));
        expect((await deliver(b, jws, await token(a, jws, 'XAB'))).status, deadline).toBe(200);
        expect((await b.node.ctx.store.checks.byId(id))?.deadline.toISOString()).toBe(new Date(deadline).toISOString());
      }
    });

    it('refuses an envelope addressed to another state', async () => {
      const jws = await sign(a, envelopeFrom(a, 'XAC'));
      const r = await deliver(b, jws, await token(a, jws, 'XAB'));
      expect([r.status, r.body.code]).toEqual([400, 'wrong_recipient']);
    });

    it('refuses an unknown sender', async () => {
      const stranger = generateNodeKeyPair();
      const e = envelopeFrom(a, 'XAB', { sender: 'XZZ' });
      const jws = await signEnvelope(e, stranger);
      const r = await deliver(b, jws, await signDelivery({ envelope: envelopeHash(jws), to: 'XAB', sent: new Date() }, stranger.privateKey, fingerprint(stranger.publicKey)));
      expect([r.status, r.body.code]).toEqual([403, 'unknown_sender']);
    });

    it('refuses an envelope from a peer signed with a key it does not have as bad_signature (401)', async () => {
      const stranger = generateNodeKeyPair();
      const jws = await signEnvelope(envelopeFrom(a, 'XAB'), stranger);
      const r = await deliver(b, jws, await token(a, jws, 'XAB'));
      expect([r.status, r.body.code]).toEqual([401, 'bad_signature']);
      expect(r.body.detail).toContain(fingerprint(stranger.publicKey));
      expect(await b.node.ctx.store.inbox.byHash(envelopeHash(jws))).toBeUndefined();
    });

    it('refuses envelopes from a suspended peer until it is resumed', async () => {
      expect((await b.admin.post('/api/v1/peers/XAA/suspend')).body.status).toBe('suspended');
      const jws = await sign(a, envelopeFrom(a, 'XAB'));
      const refused = await deliver(b, jws, await token(a, jws, 'XAB'));
      expect([refused.status, refused.body.code]).toEqual([403, 'sender_suspended']);
      expect((await b.admin.post('/api/v1/peers/XAA/resume')).body.status).toBe('trusted');
      expect((await deliver(b, jws, await token(a, jws, 'XAB'))).status).toBe(200);
    });

    it('refuses a replayed delivery and a stale one', async () => {
      const jws = await sign(a, envelopeFrom(a, 'XAB'));
      const t = await token(a, jws, 'XAB');
      expect((await deliver(b, jws, t)).status).toBe(200);
      const replay = await deliver(b, jws, t);
      expect([replay.status, replay.body.code]).toEqual([409, 'replayed']);
      const jws2 = await sign(a, envelopeFrom(a, 'XAB'));
      const stale = await deliver(b, jws2, await token(a, jws2, 'XAB', new Date(Date.now() - 10 * 60_000)));
      expect([stale.status, stale.body.code]).toEqual([400, 'stale']);
      const missing = await deliver(b, jws2, null);
      expect([missing.status, missing.body.code]).toEqual([400, 'delivery_missing']);
    });

    it('applies the messages of a thread in order even when delivered out of order', async () => {
      const thread = '0190a0a0-0000-7000-8000-0000000000aa';
      const t1 = new Date(Date.now() + 60_000).toISOString();
      const t2 = new Date(Date.now() + 120_000).toISOString();
      const e1 = await sign(a, envelopeFrom(a, 'XAB', { thread, body: { publishedAt: t1, contacts: [] } }));
      const e2 = await sign(a, envelopeFrom(a, 'XAB', { thread, prev: envelopeHash(e1), body: { publishedAt: t2, contacts: [] } }));
      const view = async () => (await b.admin.get('/api/v1/federation/directory')).body.states.find((s: { stateCode: string }) => s.stateCode === 'XAA');
      expect((await deliver(b, e2, await token(a, e2, 'XAB'))).status).toBe(200);
      expect((await view())?.publishedAt).not.toBe(t2);
      expect((await deliver(b, e1, await token(a, e1, 'XAB'))).status).toBe(200);
      expect((await view())?.publishedAt).toBe(t2);
    });

    it('keeps a message queued while the peer is down and delivers it when it returns', async () => {
      await c.node.stop();
      const started = await a.admin.post('/api/v1/checks', { peers: ['XAC'] });
      expect(started.status).toBe(201);
      const queued = await eventually(async () => {
        const m = (await a.admin.get('/api/v1/messages?recipient=XAC&status=queued')).body.messages.find((x: { type: string; attempts: number }) => x.type === 'check.request' && x.attempts > 0);
        return m;
      }, 10_000, 'a failed attempt');
      expect(queued.lastError).toMatch(/could not reach/);
      await c.node.restart();
      const delivered = await eventually(async () => {
        const m = (await a.admin.get('/api/v1/messages?recipient=XAC')).body.messages.find((x: { id: string }) => x.id === queued.id);
        return m?.status === 'delivered' ? m : undefined;
      }, 15_000, 'delivery after restart');
      expect(delivered.hasReceipt).toBe(true);
      const id = started.body.checks[0].id as string;
      const arrived = (await c.admin.get('/api/v1/checks?direction=incoming')).body.checks.map((x: { id: string }) => x.id);
      expect(arrived).toContain(id);
    });

    it('gives a message up when the delivery period set for the node has passed: failed with its reason, and the officers told', async () => {
      // A node whose operator set PARLEY_DELIVERY_HOURS=0.001 (3.6 s), and a peer that goes away for good.
      const d = await startTestNode({ state: 'XAD', engine, config: { deliveryHours: 0.001 } });
      const e = await startTestNode({ state: 'XAE', engine });
      try {
        const [nd, ne] = [{ node: d, admin: await signedInAdmin(d) }, { node: e, admin: await signedInAdmin(e) }];
        await addPeer(nd, ne);
        await e.stop();
        const started = await nd.admin.post('/api/v1/checks', { peers: ['XAE'], note: 'to a node that is gone' });
        expect(started.status).toBe(201);
        // Every message to XAE settles: the check, and the directory the node sent on peering unless
        // that arrived before XAE went away.
        const settled = await eventually(
          async () => {
            const messages = (await nd.admin.get('/api/v1/messages?recipient=XAE')).body.messages as { type: string; status: string; attempts: number; lastError: string }[];
            return messages.some((m) => m.type === 'check.request') && messages.every((m) => m.status !== 'queued') ? messages : undefined;
          },
          20_000,
          'the messages to XAE settled',
        );
        const failed = settled.filter((m) => m.status === 'failed');
        expect(failed.map((m) => m.type)).toContain('check.request');
        for (const m of failed) {
          expect(m.lastError).toMatch(/^could not reach http:\/\/127\.0\.0\.1:\d+/);
          expect(m.attempts).toBeGreaterThan(1);
        }
        // The officers are told of each message given up, once.
        const told = (await nd.admin.get('/api/v1/notifications')).body.notifications as { kind: string; message: string; link: string }[];
        expect(told.filter((n) => n.kind === 'delivery.failed').map((n) => [n.message.replace(/: could not reach .*/, ''), n.link]).sort()).toEqual(
          failed.map((m) => [`A ${m.type} message to XAE could not be delivered and was given up`, '/messages']).sort(),
        );
      } finally {
        await Promise.all([d.close(), e.close()]);
      }
    }, 60_000);

    it('gives up the messages queued for a peer when it is removed, tells the officers once, and does not send them when the state is added again', async () => {
      const d = await startTestNode({ state: 'XAD', engine });
      const e = await startTestNode({ state: 'XAE', engine });
      try {
        const [nd, ne] = [{ node: d, admin: await signedInAdmin(d) }, { node: e, admin: await signedInAdmin(e) }];
        await addPeer(ne, nd);
        await addPeer(nd, ne);
        await eventually(async () => (await nd.admin.get('/api/v1/messages?recipient=XAE&status=queued')).body.messages.length === 0, 10_000, 'the directory sent on peering');
        await e.stop();
        const checks: string[] = [];
        for (const note of ['first', 'second']) checks.push((await nd.admin.post('/api/v1/checks', { peers: ['XAE'], note })).body.checks[0].id);
        // Tried and kept for a retry, as for any peer that is down.
        await eventually(async () => ((await nd.admin.get('/api/v1/messages?recipient=XAE&status=queued')).body.messages as { attempts: number }[]).some((m) => m.attempts > 0), 10_000, 'a failed attempt');
        // What the confirmations of a removal state: how many messages it gives up.
        expect(((await nd.admin.get('/api/v1/peers')).body.peers as { stateCode: string; queuedMessages: number }[]).find((p) => p.stateCode === 'XAE')?.queuedMessages).toBe(2);

        expect((await nd.admin.delete('/api/v1/peers/XAE')).status).toBe(204);
        const messages = (await nd.admin.get('/api/v1/messages?recipient=XAE')).body.messages as { type: string; status: string; lastError: string | null }[];
        expect(messages.filter((m) => m.type === 'check.request').map((m) => [m.status, m.lastError])).toEqual([
          ['failed', 'XAE was removed as a peer before the message was delivered'],
          ['failed', 'XAE was removed as a peer before the message was delivered'],
        ]);
        expect(messages.filter((m) => m.status === 'queued')).toEqual([]);
        const told = async () => ((await nd.admin.get('/api/v1/notifications')).body.notifications as { kind: string; message: string; link: string }[]).filter((n) => n.kind === 'delivery.failed');
        expect(await told()).toEqual([
          expect.objectContaining({
            message: '2 messages to XAE (2 check.request) could not be delivered and were given up: XAE was removed as a peer before they were delivered',
            link: '/messages?recipient=XAE&status=failed',
          }),
        ]);

        // The same state added again gets what is written for it from now on, not what was given up.
        await e.restart();
        await addPeer(nd, ne);
        await eventually(async () => ((await nd.admin.get('/api/v1/messages?recipient=XAE&status=delivered')).body.messages as { type: string }[]).some((m) => m.type === 'directory.update'), 10_000, 'the directory sent on peering again');
        const arrived = ((await ne.admin.get('/api/v1/checks?direction=incoming')).body.checks as { id: string }[]).map((c) => c.id);
        expect(arrived.filter((id) => checks.includes(id))).toEqual([]);
        expect(((await nd.admin.get('/api/v1/messages?recipient=XAE')).body.messages as { type: string; status: string }[]).filter((m) => m.type === 'check.request').map((m) => m.status)).toEqual(['failed', 'failed']);
        expect(await told()).toHaveLength(1);
      } finally {
        await Promise.all([d.close(), e.close()]);
      }
    }, 120_000);

    it('keeps a receipt that arrives after its peer was removed: the message given up shows it was delivered after all, audited, logged, and the officers told once more', async () => {
      const d = await startTestNode({ state: 'XAD', engine });
      const e = await startTestNode({ state: 'XAE', engine });
      let release: () => Promise<void> = async () => undefined;
      try {
        const [nd, ne] = [{ node: d, admin: await signedInAdmin(d) }, { node: e, admin: await signedInAdmin(e) }];
        await addPeer(ne, nd);
        await addPeer(nd, ne);
        await eventually(async () => (await nd.admin.get('/api/v1/messages?recipient=XAE&status=queued')).body.messages.length === 0, 10_000, 'the directory sent on peering');
        // XAE is slow to answer: a transaction of its own holds the log, which its inbox needs to record a delivery.
        release = await holdLog(e);
        const requests = d.ctx.sender.sent.requests;
        const check = (await nd.admin.post('/api/v1/checks', { peers: ['XAE'], note: 'in flight when removed' })).body.checks[0].id as string;
        await eventually(async () => d.ctx.sender.sent.requests > requests, 10_000, 'the delivery in flight');

        // Removed while XAE has the message and has not yet answered: given up, and the officers told.
        expect((await nd.admin.delete('/api/v1/peers/XAE')).status).toBe(204);
        const checkMessage = async () => ((await nd.admin.get('/api/v1/messages?recipient=XAE')).body.messages as Record<string, unknown>[]).find((m) => m.type === 'check.request')!;
        expect(await checkMessage()).toMatchObject({ status: 'failed', lastError: 'XAE was removed as a peer before the message was delivered', givenUpAt: expect.any(String) });
        const notifications = async () => (await nd.admin.get('/api/v1/notifications')).body.notifications as { kind: string; message: string; link: string }[];
        expect((await notifications()).filter((n) => n.kind === 'delivery.failed')).toHaveLength(1);
        const givenUpAt = (await checkMessage()).givenUpAt as string;

        // XAE answers now, with its signed receipt: XAE did receive the message.
        await release();
        const delivered = await eventually(async () => {
          const m = await checkMessage();
          return m.status === 'delivered' ? m : undefined;
        }, 15_000, 'the late receipt recorded');
        expect(delivered).toMatchObject({ hasReceipt: true, givenUpAt, lastError: 'XAE was removed as a peer before the message was delivered', deliveredAt: expect.any(String) });
        expect(((await ne.admin.get('/api/v1/checks?direction=incoming')).body.checks as { id: string }[]).map((c) => c.id)).toContain(check);
        // The receipt is in the transparency log, as any receipt is.
        const stored = (await d.ctx.store.outbox.byId(delivered.id as string))!;
        expect(await d.ctx.store.log.find('receipt.received', envelopeHash(stored.receipt!))).toBeDefined();
        // The check shows when XAE received it.
        expect(((await nd.admin.get('/api/v1/checks')).body.checks as { id: string; deliveredAt: string | null }[]).find((c) => c.id === check)?.deliveredAt).toBe(delivered.deliveredAt);
        // The officers are told once that what they were told had failed was delivered after all; the first notice stays.
        const told = await notifications();
        expect(told.filter((n) => n.kind === 'delivery.failed')).toHaveLength(1);
        expect(told.filter((n) => n.kind === 'delivery.late')).toEqual([
          expect.objectContaining({
            message: `A check.request message to XAE that was reported as given up (XAE was removed as a peer before the message was delivered) was delivered after all: XAE's signed receipt arrived afterwards and says XAE received it at ${delivered.deliveredAt as string}.`,
            link: '/messages?recipient=XAE&status=delivered',
          }),
        ]);
        // The audit trail holds the correction beside the removal's outbox.fail, by the node itself.
        const audit = (await nd.admin.get('/api/v1/audit?entityType=peer&entityId=XAE')).body.entries as { action: string; actor: string; before: unknown; after: unknown }[];
        expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['peer.remove', 'outbox.fail', 'outbox.deliver_late']));
        expect(audit.find((a) => a.action === 'outbox.deliver_late')).toMatchObject({
          actor: 'node',
          before: { failed: [delivered.id] },
          after: { delivered: [{ id: delivered.id, receivedAt: delivered.deliveredAt, givenUpAt, reason: 'XAE was removed as a peer before the message was delivered' }] },
        });
      } finally {
        await release();
        await Promise.all([d.close(), e.close()]);
      }
    }, 120_000);

    it('keeps the messages for a suspended peer queued, and sends them as soon as it is resumed, not at their next retry', async () => {
      // Retries that wait 5 to 10 seconds, then 10 to 20: long enough to tell "at once" from "at the next retry".
      const f = await startTestNode({ state: 'XAF', engine, context: { sender: { baseDelayMs: 5_000, maxDelayMs: 600_000, pollMs: 200, requestTimeoutMs: 5_000 } } });
      const g = await startTestNode({ state: 'XAG', engine });
      try {
        const [nf, ng] = [{ node: f, admin: await signedInAdmin(f) }, { node: g, admin: await signedInAdmin(g) }];
        await addPeer(ng, nf);
        await addPeer(nf, ng);
        await eventually(async () => (await nf.admin.get('/api/v1/messages?recipient=XAG&status=queued')).body.messages.length === 0, 10_000, 'the directory sent on peering');
        await g.stop();
        const check = (await nf.admin.post('/api/v1/checks', { peers: ['XAG'], note: 'across a suspension' })).body.checks[0].id as string;
        expect((await nf.admin.post('/api/v1/peers/XAG/suspend')).status).toBe(200);
        await g.restart();
        // Retried while suspended, and kept; after a second attempt the next waits 10 to 20 seconds.
        const held = await eventually(
          async () =>
            ((await nf.admin.get('/api/v1/messages?recipient=XAG&status=queued')).body.messages as { type: string; attempts: number; lastError: string | null; nextAttemptAt: string }[]).find(
              (m) => m.type === 'check.request' && m.attempts >= 2 && m.lastError === 'XAG is suspended on this node',
            ),
          30_000,
          'a second attempt, while suspended',
        );
        expect(Date.parse(held.nextAttemptAt) - Date.now()).toBeGreaterThan(8_000);
        expect(((await ng.admin.get('/api/v1/checks?direction=incoming')).body.checks as { id: string }[]).some((c) => c.id === check)).toBe(false);

        expect((await nf.admin.post('/api/v1/peers/XAG/resume')).status).toBe(200);
        await eventually(async () => ((await ng.admin.get('/api/v1/checks?direction=incoming')).body.checks as { id: string }[]).some((c) => c.id === check), 6_000, 'the check at XAG soon after the resumption');
        expect(((await nf.admin.get('/api/v1/notifications')).body.notifications as { kind: string }[]).filter((n) => n.kind === 'delivery.failed')).toEqual([]);
      } finally {
        await Promise.all([f.close(), g.close()]);
      }
    }, 120_000);

    it('rotates a node key: peers learn it from a message signed by the old key, and messages signed before still arrive', async () => {
      const oldFingerprint = a.node.ctx.nodeInfo().fingerprint;
      await c.node.stop();
      const before = await a.admin.post('/api/v1/checks', { peers: ['XAC'], note: 'sent before the rotation' });
      expect(before.status).toBe(201);
      const rotated = await rotateNodeKey(a.node.ctx.dataDir, a.node.ctx.domain, { type: 'operator' }, { requestId: null });
      expect(rotated.previous).toBe(oldFingerprint);
      expect(rotated.peers).toBe(2);
      expect(a.node.ctx.nodeInfo().fingerprint).toBe(rotated.current);
      expect((await fetch(`${a.node.url}/.well-known/parley`).then((r) => r.json())).fingerprint).toBe(rotated.current);

      const seenByB = await eventually(async () => {
        const p = (await b.admin.get('/api/v1/peers')).body.peers.find((x: { stateCode: string }) => x.stateCode === 'XAA');
        return p?.fingerprint === rotated.current ? p : undefined;
      }, 10_000, 'XAB to learn the new key');
      expect(seenByB.status).toBe('trusted');
      // Confirming a peer's new key out of band is an administrator's task: only they are told.
      const told = (await b.admin.get('/api/v1/notifications')).body.notifications as { kind: string }[];
      expect(told.some((n) => n.kind === 'peer.key_rotated')).toBe(true);
      for (const role of ['officer', 'viewer'] as const) {
        const person = await signedInUser(b.admin, role, `Key ${role}`);
        expect(((await person.get('/api/v1/notifications')).body.notifications as { kind: string }[]).some((n) => n.kind === 'peer.key_rotated'), role).toBe(false);
      }

      const after = await a.admin.post('/api/v1/checks', { peers: ['XAB'], note: 'signed with the new key' });
      await eventually(async () => (await b.admin.get('/api/v1/checks?direction=incoming')).body.checks.find((x: { id: string }) => x.id === after.body.checks[0].id), 10_000, 'new-key message at XAB');

      await c.node.restart();
      const id = before.body.checks[0].id as string;
      await eventually(async () => (await c.admin.get('/api/v1/checks?direction=incoming')).body.checks.find((x: { id: string }) => x.id === id), 15_000, 'old-key message at XAC after restart');
      await eventually(async () => {
        const p = (await c.admin.get('/api/v1/peers')).body.peers.find((x: { stateCode: string }) => x.stateCode === 'XAA');
        return p?.fingerprint === rotated.current ? p : undefined;
      }, 15_000, 'XAC to learn the new key');
    });
  });
}
