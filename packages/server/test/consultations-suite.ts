import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DELIVERY_HEADER, envelopeHash, evidenceCommitment, signDelivery, signEnvelope, uuidv7 } from '@parley/protocol';
import { notifyOverdueAcknowledgements } from '@parley/core';
import { Client, deliverAs, eventually, signedInUser, startNetwork, type Engine, type NetworkNode } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfPages, squash } from './pdf-text.js';

const DRAFT = {
  addressees: ['XAB'],
  title: 'Scanning of the national grid operator from addresses in your territory',
  summary: 'Since 20 November our grid operator has seen credential stuffing against its VPN gateway.',
  periodStart: '2026-11-20T00:00:00Z',
  periodEnd: '2026-11-24T18:00:00Z',
  sectors: ['energy'],
  severity: 'high',
  urgency: 'urgent',
  communicationKind: 'request_to_mitigate',
  norms: ['gge2015-13f'],
  actionsRequested: 'Identify and stop the activity from the listed addresses.',
  tlp: 'AMBER',
  indicators: [
    { type: 'ipv4', value: '203.0.113.7' },
    { type: 'domain', value: 'vpn-login.example' },
    { type: 'sha256', value: 'a'.repeat(64) },
  ],
};

type Detail = {
  id: string;
  status: string;
  side: string;
  awaiting: string | null;
  outcome: string | null;
  ackState: string;
  allowedActions: string[];
  events: { action: string; envelopeHash: string | null; text: string; side: string; notApplied: string | null; delivery: { status: string } | null }[];
  integrity: { messages: number; digest: string | null; problems: string[] };
  attributionReply: { position: string; reasons: string } | null;
};

async function tokenOf(client: Client): Promise<string> {
  const r = await client.post('/api/v1/tokens', { name: `export ${Math.random()}` });
  return r.body.secret as string;
}

/** Two or three states raising and working consultations over loopback HTTP, each on its own store. */
export function consultationSuite(engine: Engine): void {
  describe(`consultations between nodes (${engine})`, () => {
    let a: NetworkNode;
    let b: NetworkNode;
    let c: NetworkNode;
    let officerA: Client;
    let officerB: Client;
    let viewerB: Client;

    beforeAll(async () => {
      [a, b, c] = (await startNetwork(['XAA', 'XAB', 'XAC'], { engine })) as [NetworkNode, NetworkNode, NetworkNode];
      officerA = await signedInUser(a.admin, 'officer', 'Ana Officer');
      officerB = await signedInUser(b.admin, 'officer', 'Ben Officer');
      viewerB = await signedInUser(b.admin, 'viewer', 'Vera Viewer');
    }, 180_000);
    afterAll(async () => {
      await Promise.all([a, b, c].map((n) => n?.node.close()));
    });

    const detail = async (client: Client, id: string) => {
      const r = await client.get<Detail>(`/api/v1/consultations/${id}`);
      expect(r.status).toBe(200);
      return r.body;
    };
    const arrived = (client: Client, id: string, check: (d: Detail) => boolean = () => true) =>
      eventually(async () => {
        const r = await client.get<Detail>(`/api/v1/consultations/${id}`);
        return r.status === 200 && check(r.body) ? r.body : undefined;
      }, 30_000, `consultation ${id} to arrive`);
    const step = (client: Client, id: string, body: Record<string, unknown>) => client.post<Detail & { code?: string; detail?: string }>(`/api/v1/consultations/${id}/steps`, body);
    /** The text of the case file printed by `node`, spacing removed. */
    const printedFile = async (node: NetworkNode, client: Client, id: string) => {
      const pdf = await fetch(`${node.node.url}/api/v1/consultations/${id}/export.pdf`, { headers: { authorization: `Bearer ${await tokenOf(client)}` } });
      expect(pdf.status).toBe(200);
      return squash((await pdfPages(Buffer.from(await pdf.arrayBuffer()))).join(' '));
    };
    /** The status the case file printed by `node` gives, spacing removed. */
    const printedStatus = async (node: NetworkNode, client: Client, id: string) => /Status(.*?)Kindofcommunication/.exec(await printedFile(node, client, id))?.[1];

    it('refuses a draft with invalid fields, naming each one', async () => {
      const r = await officerA.post('/api/v1/consultations', {
        ...DRAFT,
        periodEnd: '2026-11-01T00:00:00Z',
        urgency: 'whenever',
        indicators: [{ type: 'phone', value: '123' }],
      });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('validation_failed');
      const paths = (r.body.errors as { path: string }[]).map((i) => i.path).sort();
      if (paths.length !== 2) console.log(r.body.errors);
      expect(paths).toEqual(['indicators.0.type', 'urgency']);
      const badValue = await officerA.post('/api/v1/consultations', { ...DRAFT, indicators: [{ type: 'ipv4', value: '10.0.0.300' }] });
      expect(badValue.status).toBe(400);
      expect(badValue.body.errors[0].path).toBe('indicators.0.value');
      expect(badValue.body.errors[0].message).toMatch(/255/);
      const order = await officerA.post('/api/v1/consultations', { ...DRAFT, periodEnd: '2026-11-01T00:00:00Z' });
      expect(order.status).toBe(400);
      expect(order.body.errors).toEqual([{ path: 'periodEnd', message: 'The activity cannot end before it starts.' }]);
      const self = await officerA.post('/api/v1/consultations', { ...DRAFT, addressees: ['XAA'] });
      expect([self.status, self.body.code]).toEqual([400, 'self_addressed']);
      // A response asked for by a time already past would arrive overdue: refused on its field.
      const past = await officerA.post('/api/v1/consultations', { ...DRAFT, responseRequestedBy: '2019-05-05T00:00:00Z', send: true });
      expect([past.status, past.body.code]).toEqual([400, 'deadline_passed']);
      expect(past.body.errors).toEqual([{ path: 'responseRequestedBy', message: 'The date must be in the future.' }]);
      const ahead = await officerA.post('/api/v1/consultations', { ...DRAFT, responseRequestedBy: new Date(Date.now() + 86_400_000).toISOString() });
      expect(ahead.status).toBe(201);
      // RFC 3339 allows the year 0000, which one store cannot hold and the other takes as 1 BC: refused on its field, as is a time in the year 9999 that is in 10000 in UTC.
      const yearZero = await officerA.post('/api/v1/consultations', { ...DRAFT, periodStart: '0000-01-01T00:00:00Z', responseRequestedBy: '9999-12-31T23:00:00-05:00' });
      expect([yearZero.status, yearZero.body.code]).toEqual([400, 'validation_failed']);
      expect(yearZero.body.errors).toEqual([
        { path: 'periodStart', message: 'Use a date and time in the years 1000 to 9999, such as 2026-11-25T09:30:00Z.' },
        { path: 'responseRequestedBy', message: 'Use a date and time in the years 1000 to 9999, such as 2026-11-25T09:30:00Z.' },
      ]);
    });

    it('recognises pasted indicators and STIX 2.1 bundles, explaining each line or object refused', async () => {
      const pasted = await officerA.post('/api/v1/indicators/parse', { text: 'hxxp://bad[.]example/login\n10.0.0.300\nAS64496\nnot an indicator' });
      expect(pasted.status).toBe(200);
      expect(pasted.body.indicators).toEqual([
        { type: 'url', value: 'http://bad.example/login' },
        { type: 'asn', value: 'AS64496' },
      ]);
      expect(pasted.body.rejected.map((r: { where: string }) => r.where)).toEqual(['line 2', 'line 4']);
      expect(pasted.body.rejected[0].reason).toMatch(/255/);
      const example = JSON.parse(readFileSync(new URL('../../../fixtures/stix/examples/indicator-for-malicious-url.json', import.meta.url), 'utf8'));
      const imported = await officerA.post('/api/v1/indicators/stix', { bundle: example });
      expect(imported.status).toBe(200);
      expect(imported.body.indicators.length).toBeGreaterThan(0);
      expect(imported.body.indicators.every((i: { type: string }) => i.type === 'url')).toBe(true);
      const broken = await officerA.post('/api/v1/indicators/stix', { bundle: { type: 'bundle', id: 'bundle--not-a-uuid', objects: [{ type: 'indicator' }] } });
      expect([broken.status, broken.body.code]).toEqual([400, 'stix_invalid']);
      expect(broken.body.errors.length).toBeGreaterThan(0);
      expect(broken.body.errors.map((e: { path: string }) => e.path).join(' ')).toContain('id');
    });

    it('keeps a draft on the raising node only, editable until sent', async () => {
      const r = await officerA.post<Detail & { version: number }>('/api/v1/consultations', { ...DRAFT, addressees: ['XZZ'] });
      expect(r.status).toBe(201);
      expect(r.body.status).toBe('draft');
      const edited = await officerA.patch<Detail & { version: number; title: string }>(`/api/v1/consultations/${r.body.id}`, { ...DRAFT, addressees: ['XZZ'], title: 'Edited title', version: r.body.version });
      expect([edited.status, edited.body.title]).toEqual([200, 'Edited title']);
      const stale = await officerA.patch(`/api/v1/consultations/${r.body.id}`, { ...DRAFT, version: r.body.version });
      expect([stale.status, stale.body.code]).toEqual([409, 'version_conflict']);
      const send = await officerA.post(`/api/v1/consultations/${r.body.id}/send`);
      expect([send.status, send.body.code]).toEqual([400, 'unknown_addressee']);
      expect(send.body.detail).toContain('XZZ is not a peer');
      const drafts = await officerA.get('/api/v1/consultations?box=drafts');
      expect(drafts.body.consultations.map((x: { id: string }) => x.id)).toContain(r.body.id);
      expect((await officerA.delete(`/api/v1/consultations/${r.body.id}`)).status).toBe(204);
      expect((await officerA.get(`/api/v1/consultations/${r.body.id}`)).status).toBe(404);
    });

    it('works a consultation from raising to closing, with both nodes holding the same thread', async () => {
      const sent = await officerA.post<Detail>('/api/v1/consultations', { ...DRAFT, send: true });
      expect(sent.status).toBe(201);
      expect(sent.body.status).toBe('sent');
      const id = sent.body.id;

      const atB = await arrived(officerB, id);
      expect(atB).toMatchObject({ side: 'recipient', status: 'sent', ackState: 'due' });
      // Each node's case file says the status as its own pages do: B received it, A sent it.
      expect(await printedStatus(b, officerB, id)).toBe(squash('Received, not yet acknowledged'));
      expect(await printedStatus(a, officerA, id)).toBe(squash('Sent, not yet acknowledged'));
      expect(atB.allowedActions).toContain('acknowledge');
      const inbox = await officerB.get(`/api/v1/consultations?box=inbox`);
      expect(inbox.body.consultations.map((x: { id: string }) => x.id)).toContain(id);

      // Only the right side takes each step.
      const early = await step(officerA, id, { action: 'acknowledge' });
      expect([early.status, early.body.code]).toEqual([409, 'invalid_transition']);
      expect(early.body.detail).toContain('Only the state the consultation was raised with');
      const closeByB = await step(officerB, id, { action: 'close', outcome: 'unfounded' });
      expect([closeByB.status, closeByB.body.code]).toEqual([409, 'invalid_transition']);
      const byViewer = await step(viewerB, id, { action: 'acknowledge' });
      expect(byViewer.status).toBe(403);
      const anonymous = await new Client(b.node.url).post(`/api/v1/consultations/${id}/steps`, { action: 'acknowledge' });
      expect(anonymous.status).toBe(401);
      const respondEarly = await step(officerB, id, { action: 'respond', text: 'Done' });
      expect([respondEarly.status, respondEarly.body.code]).toEqual([409, 'invalid_transition']);

      expect((await step(officerB, id, { action: 'acknowledge', text: 'Received; we are looking into it.' })).status).toBe(200);
      await arrived(officerA, id, (d) => d.status === 'acknowledged' && d.ackState === 'met');
      expect((await step(officerB, id, { action: 'request_info', text: 'Please send the VPN gateway logs.' })).body.awaiting).toBe('raiser');
      await arrived(officerA, id, (d) => d.awaiting === 'raiser');
      const empty = await step(officerA, id, { action: 'message' });
      expect([empty.status, empty.body.code]).toEqual([400, 'empty_message']);
      expect((await step(officerA, id, { action: 'message', text: 'Logs follow by the usual channel.' })).body.awaiting).toBeNull();
      await arrived(officerB, id, (d) => d.events.some((e) => e.text === 'Logs follow by the usual channel.'));
      // A response is the signed answer: an empty one is refused, as an empty message is.
      const emptyResponse = await step(officerB, id, { action: 'respond', text: '  ' });
      expect([emptyResponse.status, emptyResponse.body.code]).toEqual([400, 'empty_message']);
      expect((emptyResponse.body as unknown as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['text']);
      expect((await detail(officerB, id)).status).toBe('acknowledged');
      expect((await step(officerB, id, { action: 'respond', text: 'The hosts were taken down on 25 November.' })).body.status).toBe('responded');
      await arrived(officerA, id, (d) => d.status === 'responded');
      const noOutcome = await step(officerA, id, { action: 'close' });
      expect([noOutcome.status, noOutcome.body.code]).toEqual([400, 'outcome_required']);
      expect((noOutcome.body as unknown as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['outcome']);
      const closed = await step(officerA, id, { action: 'close', outcome: 'resolved_or_mitigated', text: 'Thank you.' });
      expect(closed.body).toMatchObject({ status: 'closed', outcome: 'resolved_or_mitigated' });
      const finalB = await arrived(officerB, id, (d) => d.status === 'closed');
      const afterClose = await step(officerB, id, { action: 'message', text: 'One more thing' });
      expect([afterClose.status, afterClose.body.code]).toEqual([409, 'invalid_transition']);

      const finalA = await arrived(officerA, id, (d) => d.events.every((e) => !e.delivery || e.delivery.status === 'delivered'));
      const thread = (d: Detail) => d.events.filter((e) => e.envelopeHash).map((e) => [e.action, e.envelopeHash, e.text]);
      expect(thread(finalA)).toEqual(thread(finalB));
      expect(thread(finalA).map((t) => t[0])).toEqual(['opened', 'acknowledge', 'request_info', 'message', 'respond', 'close']);
      expect(finalA.integrity).toEqual(finalB.integrity);
      expect(finalA.integrity).toMatchObject({ messages: 6, problems: [] });
      expect(finalB.outcome).toBe('resolved_or_mitigated');
      expect(finalA.events.every((e) => e.notApplied === null)).toBe(true);

      // Exports carry every envelope with its receipt, and the marking.
      const json = await viewerB.get(`/api/v1/consultations/${id}/export.json`);
      expect(json.status).toBe(200);
      expect(json.headers.get('content-disposition')).toContain('TLP-AMBER');
      expect(json.body.marking).toBe('TLP:AMBER');
      expect(json.body.envelopes).toHaveLength(6);
      expect(json.body.envelopes.every((e: { receipt: string | null }) => typeof e.receipt === 'string')).toBe(true);
      const pdf = await fetch(`${a.node.url}/api/v1/consultations/${id}/export.pdf`, { headers: { authorization: `Bearer ${await tokenOf(officerA)}` } });
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      const pdfBytes = Buffer.from(await pdf.arrayBuffer());
      expect(pdfBytes.subarray(0, 5).toString()).toBe('%PDF-');
      // The case file says what the page says, and times as people read them, in UTC.
      const printed = squash((await pdfPages(pdfBytes)).join(' '));
      const summary = printed.slice(printed.indexOf('ItemValue'), printed.indexOf('Threaddigest'));
      expect(await printedStatus(b, officerB, id)).toBe(squash('Closed: Resolved or mitigated'));
      for (const words of ['StatusClosed: Resolved or mitigated', 'Request to mitigate activity from your territory', 'UrgencyUrgent', 'SeverityHigh', 'SectorsEnergy', '20 Nov 2026, 00:00 UTC to 24 Nov 2026, 18:00 UTC', 'Norms at stakeDo not damage critical infrastructure (A/70/174, para. 13 (f); gge2015-13f)']) expect(summary).toContain(squash(words));
      for (const internal of ['resolved_or_mitigated', 'request_to_mitigate', 'urgent', 'high', 'energy', 'T00:00', 'Z']) expect(summary).not.toContain(internal);
      expect(summary).toMatch(/Sent\d{1,2}(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\d{4},\d\d:\d\dUTC/);
      expect(summary).toMatch(/Acknowledgementdue\d{1,2}[A-Z][a-z]{2}\d{4},\d\d:\d\dUTC\(met\)/);
      // Each step in the words of the page's timeline.
      const timeline = printed.slice(printed.indexOf('Timeline'), printed.indexOf('Evidence'));
      for (const words of ['Raised the consultation', 'Acknowledged the consultation', 'Asked for more information', 'Wrote', 'Responded', 'Closed the consultation']) expect(timeline).toContain(squash(words));
      for (const old of ['Consultationraised', 'Message']) expect(timeline).not.toContain(old);
      // The annex keeps the exact times of the signed messages and of their receipts.
      const exact = (json.body.envelopes as { created: string; receiptTime: string | null }[]).flatMap((e) => [e.created, e.receiptTime ?? '']);
      for (const t of exact) expect(printed).toContain(t);
      const stix = await officerA.get(`/api/v1/consultations/${id}/stix`);
      expect(stix.body.type).toBe('bundle');
      const patterns = (stix.body.objects as { type: string; pattern?: string }[]).filter((o) => o.type === 'indicator').map((o) => o.pattern);
      expect(patterns).toEqual(expect.arrayContaining(["[ipv4-addr:value = '203.0.113.7']", "[domain-name:value = 'vpn-login.example']"]));
      expect((await new Client(a.node.url).get(`/api/v1/consultations/${id}/export.json`)).status).toBe(401);
    }, 60_000);

    it('carries evidence files: the recipient fetches them, checks their hash, and both logs hold a salted commitment', async () => {
      const bytes = Buffer.from(`gateway log line\n`.repeat(50_000));
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const up = await officerA.request('POST', `/api/v1/evidence?name=${encodeURIComponent('vpn-gateway.log')}&malware=false`, undefined, { raw: bytes as never, headers: { 'content-type': 'application/octet-stream' } });
      expect(up.status).toBe(201);
      expect(up.body.sha256).toBe(sha256);
      const missing = await officerA.post('/api/v1/consultations', { ...DRAFT, evidence: ['00000000-0000-4000-8000-000000000000'], send: true });
      expect([missing.status, missing.body.code]).toEqual([400, 'evidence_not_found']);
      const sent = await officerA.post<Detail & { evidence: { sha256: string; salt: string }[] }>('/api/v1/consultations', { ...DRAFT, title: 'With the gateway logs', evidence: [up.body.id], send: true });
      expect(sent.status).toBe(201);
      const id = sent.body.id;
      const atB = await eventually(async () => {
        const d = (await officerB.get(`/api/v1/consultations/${id}`)).body as { evidence?: { sha256: string; status: string; evidenceId: string | null; salt: string }[] };
        return d.evidence?.[0]?.status === 'received' ? d : undefined;
      }, 30_000, 'evidence to arrive at XAB');
      const item = atB.evidence![0]!;
      expect(item.sha256).toBe(sha256);
      const downloaded = await officerB.get(`/api/v1/evidence/${item.evidenceId}/content`);
      expect(downloaded.status).toBe(200);
      expect(createHash('sha256').update(String(downloaded.body)).digest('hex')).toBe(sha256);
      // Each node's case file says where the file stands in the words of its own page.
      expect(await printedFile(a, officerA, id)).toContain(squash('Status: Stored on this node'));
      expect(await printedFile(b, officerB, id)).toContain(squash('Status: Received, fingerprint checked'));
      // The same salted commitment is in both logs, and neither log holds the file's own hash.
      const commitment = evidenceCommitment(item.salt, sha256);
      const opened = sent.body.events.find((e) => e.action === 'opened')!.envelopeHash!;
      for (const n of [a, b]) {
        const entries = await n.node.ctx.store.proofs.entriesAbout(opened);
        const committed = entries.filter((e) => e.kind === 'evidence.committed').map((e) => JSON.parse(e.data) as { commitment: string });
        expect(committed.map((e) => e.commitment)).toEqual([commitment]);
        expect(entries.some((e) => e.data.includes(sha256))).toBe(false);
      }
      // A proof of the message that carried the file, its content withheld but this one file disclosed.
      const proof = await eventually(async () => {
        const r = await officerA.get(`/api/v1/proofs/messages/${encodeURIComponent(opened)}?content=withhold&disclose=${sha256}`);
        return r.status === 200 ? r.body : undefined;
      }, 30_000, 'a proof bundle');
      expect(proof.envelope).toEqual({ hash: opened });
      expect(proof.evidence).toEqual([{ commitment, salt: item.salt, fileSha256: sha256 }]);
      const verdict = await new Client(b.node.url).post('/api/v1/verify', { bundle: proof, contentSha256: sha256 });
      expect(verdict.body).toMatchObject({ valid: true, contentDisclosed: false });
      const wrongFile = await new Client(b.node.url).post('/api/v1/verify', { bundle: proof, contentSha256: 'b'.repeat(64) });
      expect(wrongFile.body.valid).toBe(false);
      const undisclosed = await officerA.get(`/api/v1/proofs/messages/${encodeURIComponent(opened)}?content=withhold`);
      expect(undisclosed.body.evidence).toEqual([{ commitment }]);

      // Received under TLP:AMBER, the file stays with Borealis: it cannot be sent on to Caldera.
      const onward = await officerB.post('/api/v1/consultations', { ...DRAFT, addressees: ['XAC'], evidence: [item.evidenceId], send: true });
      expect([onward.status, onward.body.code]).toEqual([400, 'tlp_forbids_sharing']);
      expect(onward.body.detail).toContain('TLP:AMBER');
    }, 90_000);

    it('keeps a file the other state answered with under the marking of the consultation this state raised: it is not sent on to a third state', async () => {
      const sent = await officerA.post<Detail>('/api/v1/consultations', { ...DRAFT, title: 'Answered with a capture', tlp: 'AMBER+STRICT', send: true });
      const id = sent.body.id;
      await arrived(officerB, id);
      expect((await step(officerB, id, { action: 'acknowledge' })).status).toBe(200);
      const bytes = Buffer.from('Borealis capture of the scanning, shared under the consultation marking\n');
      const up = await officerB.request('POST', `/api/v1/evidence?name=borealis.pcap`, undefined, { raw: bytes as never, headers: { 'content-type': 'application/octet-stream' } });
      expect(up.status).toBe(201);
      expect((await step(officerB, id, { action: 'respond', text: 'Our capture is attached.', evidence: [up.body.id] })).status).toBe(200);
      const atA = await eventually(async () => {
        const d = (await officerA.get(`/api/v1/consultations/${id}`)).body as { evidence?: { status: string; evidenceId: string | null }[] };
        return d.evidence?.[0]?.status === 'received' ? d : undefined;
      }, 30_000, 'the answer with its file to arrive at XAA');
      const onward = await officerA.post('/api/v1/consultations', { ...DRAFT, addressees: ['XAC'], evidence: [atA.evidence![0]!.evidenceId], send: true });
      expect([onward.status, onward.body.code]).toEqual([400, 'tlp_forbids_sharing']);
      expect(onward.body.detail).toBe('The file “borealis.pcap” came from XAB marked TLP:AMBER+STRICT, which does not allow sharing it with another state. Ask XAB for permission, or leave it out.');
      // Back to the state it came from, it may go.
      expect((await step(officerA, id, { action: 'message', text: 'Is this the right capture?', evidence: [atA.evidence![0]!.evidenceId] })).status).toBe(200);
    }, 90_000);

    it("refuses a step from a state that is not a party to the consultation, and changes nothing", async () => {
      const sent = await officerA.post<Detail>('/api/v1/consultations', { ...DRAFT, title: 'Between Aurelia and Borealis only', send: true });
      const id = sent.body.id;
      await arrived(officerB, id);
      // Caldera, a trusted peer of Borealis, signs a step for a consultation it is not part of.
      const forged = await signEnvelope(
        {
          v: 1,
          id: uuidv7(),
          sender: 'XAC',
          recipient: 'XAB',
          type: 'consultation.step',
          created: new Date().toISOString(),
          thread: id,
          body: { consultation: id, action: 'withdraw', text: 'Withdrawn', evidence: [], outcome: null, attributionReply: null, by: 'Someone at Caldera' },
        },
        c.node.ctx.keys,
      );
      const token = await signDelivery({ envelope: envelopeHash(forged), to: 'XAB', sent: new Date() }, c.node.ctx.keys.privateKey, c.node.ctx.nodeInfo().fingerprint);
      const res = await fetch(`${b.node.url}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/jose', [DELIVERY_HEADER]: token }, body: forged });
      expect(res.status).toBe(200);
      const held = await b.node.ctx.store.inbox.byHash(envelopeHash(forged));
      expect(held?.applyError).toBe(`not_a_party: XAC is not a party to consultation ${id}`);
      const atB = await detail(officerB, id);
      expect(atB.status).toBe('sent');
      expect(atB.events.map((e) => e.action)).toEqual(['opened']);
    }, 60_000);

    it('applies no step the rules keep for the other side: a close by the state consulted, an acknowledgement by the state that raised it, each kept in the thread as not applied with the reason', async () => {
      const sent = await officerA.post<Detail>('/api/v1/consultations', { ...DRAFT, title: 'Steps out of turn', send: true });
      const id = sent.body.id;
      await arrived(officerB, id);
      const step = (action: string, outcome: string | null) => ({ type: 'consultation.step', thread: id, body: { consultation: id, action, text: `${action} out of turn`, evidence: [], outcome, attributionReply: null, by: 'Someone' } });
      const close = await deliverAs(b, a, step('close', 'resolved_or_mitigated'));
      const acknowledge = await deliverAs(a, b, step('acknowledge', null));
      expect([close.status, acknowledge.status]).toEqual([200, 200]);
      for (const [client, hash, reason] of [
        [officerA, close.hash, 'Only the state that raised the consultation can close it.'],
        [officerB, acknowledge.hash, 'Only the state the consultation was raised with can acknowledge it.'],
      ] as const) {
        const held = await arrived(client, id, (d) => d.events.some((e) => e.envelopeHash === hash));
        expect([held.status, held.outcome]).toEqual(['sent', null]);
        expect(held.events.find((e) => e.envelopeHash === hash)?.notApplied).toBe(reason);
      }
    }, 60_000);

    it('lets no third state open a consultation under the id of one held between two others, and changes nothing', async () => {
      const sent = await officerA.post<Detail>('/api/v1/consultations', { ...DRAFT, title: 'Held between Aurelia and Borealis', send: true });
      const id = sent.body.id;
      await arrived(officerB, id);
      const open = await deliverAs(c, b, {
        type: 'consultation.open',
        thread: id,
        body: {
          consultation: id, group: id, addressees: ['XAB'], title: 'Taken over', summary: 'Caldera writes over it.', periodStart: null, periodEnd: null, sectors: [], severity: 'low', urgency: 'routine',
          communicationKind: 'notification', ackDeadline: new Date(Date.now() + 86_400_000).toISOString(), norms: [], actionsRequested: '', responseRequestedBy: null, tlp: 'GREEN', indicators: [], attribution: null, evidence: [], raisedBy: 'Caldera',
        },
      });
      expect(open.status).toBe(200);
      expect((await b.node.ctx.store.inbox.byHash(open.hash))?.applyError).toBe(`id_taken: consultation ${id} already exists on this node`);
      const atB = (await detail(officerB, id)) as Detail & { raiser: string; title: string };
      expect([atB.raiser, atB.title, atB.status]).toEqual(['XAA', 'Held between Aurelia and Borealis', 'sent']);
      expect(atB.events.map((e) => e.action)).toEqual(['opened']);
      expect((await officerB.get(`/api/v1/requests/${id}`)).status).toBe(404);
    }, 60_000);

    it("keeps a third state out of a thread whose id it learnt: its envelope naming the thread neither becomes what the next step follows nor enters the thread's record", async () => {
      const sent = await officerA.post<Detail & { groupId: string }>('/api/v1/consultations', { ...DRAFT, addressees: ['XAB', 'XAC'], title: 'Ransomware against hospitals', send: true });
      expect(sent.status).toBe(201);
      const outbox = (await officerA.get('/api/v1/consultations?box=outbox')).body.consultations as { id: string; groupId: string; recipient: string }[];
      const toB = outbox.find((x) => x.groupId === sent.body.groupId && x.recipient === 'XAB')!;
      await arrived(officerB, toB.id);
      // However Caldera learnt the id of the thread between Aurelia and Borealis (a related request naming it, say).
      const learnt = toB.id;
      // Caldera writes into the thread between Aurelia and Borealis, at Aurelia and at Borealis.
      for (const [to, node] of [['XAA', a], ['XAB', b]] as const) {
        const forged = await signEnvelope(
          {
            v: 1,
            id: uuidv7(),
            sender: 'XAC',
            recipient: to,
            type: 'directory.update',
            created: new Date().toISOString(),
            thread: learnt,
            body: { publishedAt: new Date(Date.now() - 86_400_000).toISOString(), contacts: [] },
          },
          c.node.ctx.keys,
        );
        const token = await signDelivery({ envelope: envelopeHash(forged), to, sent: new Date() }, c.node.ctx.keys.privateKey, c.node.ctx.nodeInfo().fingerprint);
        const res = await fetch(`${node.node.url}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/jose', [DELIVERY_HEADER]: token }, body: forged });
        expect(res.status).toBe(200);
      }
      // Each side's next step follows the thread's own last message, so the other side applies it.
      expect((await step(officerB, toB.id, { action: 'acknowledge' })).status).toBe(200);
      await arrived(officerA, toB.id, (d) => d.status === 'acknowledged');
      expect((await step(officerA, toB.id, { action: 'message', text: 'Logs follow.' })).status).toBe(200);
      const atB = await arrived(officerB, toB.id, (d) => d.events.some((e) => e.text === 'Logs follow.'));
      expect(atB.events.find((e) => e.text === 'Logs follow.')?.notApplied).toBeNull();
      const finalA = await arrived(officerA, toB.id, (d) => d.integrity.messages === 3);
      expect(finalA.integrity).toMatchObject({ messages: 3, problems: [] });
      expect(atB.integrity).toEqual(finalA.integrity);
      const exported = await officerA.get(`/api/v1/consultations/${toB.id}/export.json`);
      expect((exported.body as { envelopes: { type: string }[] }).envelopes.map((e) => e.type)).toEqual(['consultation.open', 'consultation.step', 'consultation.step']);
    }, 90_000);

    it("tells each addressee a group id that is none of the threads' ids, so one cannot open a consultation under another's id before it arrives there", async () => {
      // Aurelia's messages wait in its outbox a moment (Borealis unreachable, say); Caldera was told the group id.
      await a.node.ctx.sender.stop();
      const sent = await officerA.post<Detail & { groupId: string }>('/api/v1/consultations', { ...DRAFT, addressees: ['XAB', 'XAC'], title: 'Wiper at the port authority', send: true });
      expect(sent.status).toBe(201);
      const outbox = (await officerA.get('/api/v1/consultations?box=outbox')).body.consultations as { id: string; groupId: string; recipient: string }[];
      const toB = outbox.find((x) => x.groupId === sent.body.groupId && x.recipient === 'XAB')!;
      const toC = outbox.find((x) => x.groupId === sent.body.groupId && x.recipient === 'XAC')!;
      const group = sent.body.groupId;
      expect([toB.id, toC.id]).not.toContain(group);
      // Caldera opens, at Borealis, a consultation of its own under the group id it was told.
      const squat = await signEnvelope(
        {
          v: 1,
          id: uuidv7(),
          sender: 'XAC',
          recipient: 'XAB',
          type: 'consultation.open',
          created: new Date().toISOString(),
          thread: group,
          body: {
            consultation: group, group, addressees: ['XAB'], title: 'Nothing to see', summary: 'Squatting the id.', periodStart: null, periodEnd: null, sectors: [], severity: 'low', urgency: 'routine',
            communicationKind: 'notification', ackDeadline: new Date(Date.now() + 86_400_000).toISOString(), norms: [], actionsRequested: '', responseRequestedBy: null, tlp: 'GREEN', indicators: [], attribution: null, evidence: [], raisedBy: 'Caldera',
          },
        },
        c.node.ctx.keys,
      );
      const token = await signDelivery({ envelope: envelopeHash(squat), to: 'XAB', sent: new Date() }, c.node.ctx.keys.privateKey, c.node.ctx.nodeInfo().fingerprint);
      const res = await fetch(`${b.node.url}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/jose', [DELIVERY_HEADER]: token }, body: squat });
      expect(res.status).toBe(200);
      expect((await b.node.ctx.store.inbox.byHash(envelopeHash(squat)))?.applyError).toBeNull();
      // Once Aurelia's messages go, its consultation arrives whole at each, raised by Aurelia.
      a.node.ctx.sender.start();
      for (const [client, id] of [[officerB, toB.id], [c.admin, toC.id]] as const) {
        const got = (await arrived(client, id)) as Detail & { raiser: string; title: string; groupId: string };
        expect([got.raiser, got.title, got.groupId]).toEqual(['XAA', 'Wiper at the port authority', group]);
      }
    }, 90_000);

    it('opens one consultation per addressee, and lets the raiser withdraw', async () => {
      const sent = await officerA.post<Detail & { groupId: string }>('/api/v1/consultations', { ...DRAFT, addressees: ['XAB', 'XAC'], title: 'Phishing wave against ministries', urgency: 'routine', send: true });
      expect(sent.status).toBe(201);
      const outbox = (await officerA.get('/api/v1/consultations?box=outbox')).body.consultations as { id: string; groupId: string; recipient: string }[];
      const group = outbox.filter((x) => x.groupId === sent.body.groupId);
      expect(group.map((x) => x.recipient).sort()).toEqual(['XAB', 'XAC']);
      const toC = group.find((x) => x.recipient === 'XAC')!;
      const cAdmin = c.admin;
      await arrived(cAdmin, toC.id);
      const withdrawn = await step(officerA, toC.id, { action: 'withdraw', text: 'Raised in error.' });
      expect(withdrawn.body).toMatchObject({ status: 'closed', outcome: 'withdrawn' });
      await arrived(cAdmin, toC.id, (d) => d.status === 'closed' && d.outcome === 'withdrawn');
    }, 60_000);

    it('records an attribution and the reply to it; a dispute needs reasons', async () => {
      const sent = await officerA.post<Detail>('/api/v1/consultations', {
        ...DRAFT,
        title: 'Intrusion into the electoral commission',
        attribution: { to: { kind: 'group', name: 'Example Panda' }, basis: ['technical_analysis', 'third_party_report'], confidence: 'moderate', statement: 'Infrastructure overlaps with earlier reports.' },
        send: true,
      });
      const id = sent.body.id;
      await arrived(officerB, id);
      const notYet = await step(officerB, id, { action: 'reply_attribution', attributionReply: { position: 'disputes', reasons: '' } });
      expect([notYet.status, notYet.body.code]).toEqual([409, 'invalid_transition']);
      await step(officerB, id, { action: 'acknowledge' });
      const noReasons = await step(officerB, id, { action: 'reply_attribution', attributionReply: { position: 'disputes', reasons: '' } });
      expect([noReasons.status, noReasons.body.code]).toEqual([400, 'reasons_required']);
      const replied = await step(officerB, id, { action: 'reply_attribution', attributionReply: { position: 'disputes', reasons: 'The addresses belong to a hosting provider used by many.' } });
      expect(replied.status).toBe(200);
      const atA = await arrived(officerA, id, (d) => d.attributionReply !== null);
      expect(atA.attributionReply).toEqual({ position: 'disputes', reasons: 'The addresses belong to a hosting provider used by many.' });
    }, 60_000);

    it('finds consultations by words in their messages, and filters by urgency, TLP and norm', async () => {
      const sent = await officerA.post<Detail>('/api/v1/consultations', { ...DRAFT, title: 'Ransomware at a hospital', tlp: 'RED', urgency: 'high', norms: ['gge2015-13k'], send: true });
      await arrived(officerB, sent.body.id);
      await step(officerB, sent.body.id, { action: 'message', text: 'Our CSIRT found the decryptor for Blackcactus.' });
      const found = await eventually(async () => {
        const r = await officerA.get(`/api/v1/consultations?q=${encodeURIComponent('blackcactus')}`);
        return r.body.consultations.length > 0 ? r.body.consultations : undefined;
      }, 15_000, 'search to find the message');
      expect(found.map((x: { id: string }) => x.id)).toEqual([sent.body.id]);
      const ids = async (q: string) => ((await officerA.get(`/api/v1/consultations?${q}`)).body.consultations as { id: string }[]).map((x) => x.id);
      expect(await ids('tlp=RED')).toEqual([sent.body.id]);
      expect(await ids('norm=gge2015-13k')).toEqual([sent.body.id]);
      expect(await ids('urgency=high&box=outbox')).toEqual([sent.body.id]);
      const bad = await officerA.get('/api/v1/consultations?tlp=PURPLE');
      expect([bad.status, bad.body.code]).toEqual([400, 'validation_failed']);
    }, 60_000);

    it('takes a title of 300 characters in Chinese or Arabic, stores "é" typed decomposed as one character on both nodes, and states the limit in characters', async () => {
      for (const title of ['电'.repeat(300), 'ش'.repeat(300)]) {
        const r = await officerA.post<Detail & { title: string }>('/api/v1/consultations', { ...DRAFT, title });
        expect([r.status, r.body.title]).toEqual([201, title]);
      }
      const decomposed = 'Ope\u0301ration bloque\u0301e '.repeat(16).trim(); // 287 characters, 319 code points as typed
      const sent = await officerA.post<Detail & { title: string }>('/api/v1/consultations', { ...DRAFT, title: decomposed, send: true });
      expect(sent.status).toBe(201);
      expect(sent.body.title).toBe(decomposed.normalize('NFC'));
      const atB = (await arrived(officerB, sent.body.id)) as Detail & { title: string };
      expect(atB.title).toBe(decomposed.normalize('NFC'));
      const over = await officerA.post('/api/v1/consultations', { ...DRAFT, title: '电'.repeat(301) });
      expect(over.status).toBe(400);
      expect(over.body.errors).toEqual([{ path: 'title', message: 'The title has at most 300 characters; this one has 301.' }]);
    }, 60_000);

    it('finds consultations by words in any of the UN languages: part of a Chinese title, any case, "é" in either Unicode form, on both nodes', async () => {
      const titles = {
        zh: '电网扫描事件',
        ar: 'هجوم على شبكة الكهرباء',
        es: 'Ataque a la red eléctrica',
        ru: 'Атака на ЭНЕРГОСЕТЬ',
        // "é" as e + U+0301 (NFD), as macOS writes it.
        fr: 'Re\u0301seau de l’ope\u0301rateur sature\u0301',
      };
      const ids: Record<string, string> = {};
      for (const [lang, title] of Object.entries(titles)) {
        const sent = await officerA.post<Detail>('/api/v1/consultations', { ...DRAFT, title, summary: '', actionsRequested: '', send: true });
        expect(sent.status).toBe(201);
        ids[lang] = sent.body.id;
      }
      await step(officerA, ids.zh!, { action: 'message', text: '补充：攻击者使用了僵尸网络。' });
      const found = async (client: Client, q: string) =>
        (await client.get<{ consultations: { id: string }[] }>(`/api/v1/consultations?box=all&q=${encodeURIComponent(q)}`)).body.consultations.map((x) => x.id);
      const cases: [string, string][] = [
        ['扫描', 'zh'],
        ['电网', 'zh'],
        ['扫描事件', 'zh'],
        ['网', 'zh'],
        ['僵尸网络', 'zh'],
        ['الكهرباء', 'ar'],
        ['Ataque', 'es'],
        ['ELÉCTRICA', 'es'],
        ['ele\u0301ctrica', 'es'],
        ['энергосеть', 'ru'],
        ['réseau', 'fr'],
        ['SATURÉ', 'fr'],
      ];
      for (const [q, lang] of cases) expect(await found(officerA, q), q).toEqual([ids[lang]]);
      // Characters of the title that are not next to each other in it do not match as a phrase.
      expect(await found(officerA, '电网事件')).toEqual([]);
      const atB = await eventually(async () => {
        const r = await found(officerB, '扫描');
        return r.length > 0 ? r : undefined;
      }, 30_000, 'the Chinese consultation to be found on the receiving node');
      expect(atB).toEqual([ids.zh]);
    }, 60_000);

    it('tells both sides once when an acknowledgement is overdue', async () => {
      const sent = await officerA.post<Detail & { ackDeadline: string }>('/api/v1/consultations', { ...DRAFT, title: 'Unanswered matter', send: true });
      await arrived(officerB, sent.body.id);
      const later = new Date(Date.parse(sent.body.ackDeadline) + 60_000);
      for (const n of [a, b]) {
        const ctx = { ...n.node.ctx.domain, now: () => later };
        expect(await notifyOverdueAcknowledgements(ctx)).toBeGreaterThanOrEqual(1);
        expect(await notifyOverdueAcknowledgements(ctx)).toBe(0);
      }
      const notes = (await officerA.get('/api/v1/notifications')).body.notifications as { kind: string; message: string }[];
      expect(notes.find((n) => n.kind === 'consultation.ack_overdue' && n.message.includes('XAB has not acknowledged') && n.message.includes('Unanswered matter'))?.message).toMatch(/the deadline was \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC\.$/);
      const notesB = (await officerB.get('/api/v1/notifications')).body.notifications as { kind: string; message: string }[];
      expect(notesB.some((n) => n.kind === 'consultation.ack_overdue' && n.message.includes('Unanswered matter'))).toBe(true);
      // Notifications call for action: a viewer, who can take none, gets none.
      expect((await viewerB.get('/api/v1/notifications')).body.notifications).toEqual([]);
    }, 60_000);
  });
}
