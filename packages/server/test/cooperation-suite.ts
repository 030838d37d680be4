import { createHash, randomUUID } from 'node:crypto';
import { DELIVERY_HEADER, envelopeHash, signDelivery, signEnvelope, uuidv7, verifyProofBundle, type ProofBundle } from '@parley/protocol';
import { decodeStoredEnvelope, notifyLapsingPreservations, notifyOverdueDecisions, requestCaseFile } from '@parley/core';
import { addPeer, Client, deliverAs, eventually, signedInUser, startNetwork, type Engine, type NetworkNode } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pdfPages, squash } from './pdf-text.js';

const CONTACT = { name: 'Insp. Ana Duarte', position: '24/7 point of contact', phone: '+999 21 555 0101', email: 'ana.duarte@police.xaa.example', officeHours: 'around the clock', timeZone: 'Europe/Lisbon', preferredChannel: 'Parley' };

const PRESERVATION = {
  kind: 'preservation',
  recipient: 'XAB',
  title: 'Preserve the mailbox used in the ransomware extortion of the Aurelia water utility',
  summary: 'On 18 November the water utility received extortion e-mails from a mailbox hosted in Borealis.',
  urgency: 'high',
  form: {
    reference: 'XAA-PRES-2026-041',
    requestingAuthority: 'Cybercrime Unit, Aurelia Judicial Police',
    offence: 'Extortion (Penal Code art. 223) and unlawful interference with a computer system (art. 5 Law 109/2009)',
    dataSought: 'Subscriber data, login IP addresses and the content of mailbox extort@mail.xab.example, 1 October to date.',
    linkToOffence: 'The extortion e-mails were sent from this mailbox.',
    custodianOrLocation: 'MailCo Borealis Ltd, Port Borealis',
    necessity: 'The provider keeps login logs for 30 days only.',
    mlaToFollow: true,
    confidentiality: 'Do not notify the account holder.',
    contact: CONTACT,
  },
};

type Custody = { sha256: string; name: string; entries: { action: string; by: string; at: string }[]; envelopeHash: string | null };
type Detail = {
  id: string;
  kind: string;
  status: string;
  side: string;
  awaiting: string | null;
  outcome: string | null;
  preserveUntil: string | null;
  preservation: string;
  consultedAt: string | null;
  decision: { decision: string; grounds: string[]; reasons: string } | null;
  allowedActions: string[];
  missing: { field: string; message: string }[];
  warnings: { field: string; message: string }[];
  custody: Custody[];
  related: { id: string; kind: string }[];
  evidence: { sha256: string; status: string; name: string }[];
  events: { action: string; envelopeHash: string | null; notApplied: string | null; decision: unknown }[];
  integrity: { digest: string | null; problems: string[] };
  legalBasis: { instruments: string[] } | null;
  form: { legalBasis: { instruments: string[] } };
  code?: string;
  detail?: string;
  errors?: { path: string; message: string }[];
};

/** Two states exchanging cooperation requests over loopback HTTP, each on its own store. */
export function cooperationSuite(engine: Engine): void {
  describe(`cooperation requests between nodes (${engine})`, () => {
    let a: NetworkNode;
    let b: NetworkNode;
    let officerA: Client;
    let officerB: Client;
    let viewerB: Client;

    beforeAll(async () => {
      [a, b] = (await startNetwork(['XAA', 'XAB'], { engine })) as [NetworkNode, NetworkNode];
      officerA = await signedInUser(a.admin, 'officer', 'Ana Duarte');
      officerB = await signedInUser(b.admin, 'officer', 'Ben Okafor');
      viewerB = await signedInUser(b.admin, 'viewer', 'Vera Viewer');
    }, 180_000);
    afterAll(async () => {
      await Promise.all([a, b].map((n) => n?.node.close()));
    });

    const get = async (client: Client, id: string) => (await client.get<Detail>(`/api/v1/requests/${id}`)).body;
    /** The status the case file printed by `node` gives, spacing removed. */
    const printedStatus = async (node: NetworkNode, client: Client, id: string) => {
      const token = (await client.post('/api/v1/tokens', { name: `status ${Math.random()}` })).body.secret as string;
      const pdf = await fetch(`${node.node.url}/api/v1/requests/${id}/export.pdf`, { headers: { authorization: `Bearer ${token}` } });
      expect(pdf.status).toBe(200);
      return /Status(.*?)Urgency/.exec(squash((await pdfPages(Buffer.from(await pdf.arrayBuffer()))).join(' ')))?.[1];
    };
    const arrived = (client: Client, id: string, check: (d: Detail) => boolean = () => true) =>
      eventually(async () => {
        const r = await client.get<Detail>(`/api/v1/requests/${id}`);
        return r.status === 200 && check(r.body) ? r.body : undefined;
      }, 30_000, `request ${id} at the other node`);
    const step = (client: Client, id: string, body: Record<string, unknown>) => client.post<Detail>(`/api/v1/requests/${id}/steps`, body);
    const send = async (body: Record<string, unknown>) => {
      const r = await officerA.post<Detail>('/api/v1/requests', { ...body, send: true });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body;
    };
    const upload = async (client: Client, name: string, text: string, caseId?: string) => {
      const bytes = Buffer.from(text);
      const r = await client.request('POST', `/api/v1/evidence?name=${encodeURIComponent(name)}&malware=false${caseId ? `&caseId=${caseId}` : ''}`, undefined, { raw: bytes as never, headers: { 'content-type': 'application/octet-stream' } });
      expect(r.status).toBe(201);
      return { id: r.body.id as string, sha256: createHash('sha256').update(bytes).digest('hex') };
    };

    it('keeps an incomplete request as a draft and refuses to send it, naming everything missing', async () => {
      const bad = await officerA.post('/api/v1/requests', { ...PRESERVATION, kind: 'wiretap', form: { ...PRESERVATION.form, mlaToFollow: 'maybe' } });
      expect([bad.status, bad.body.code]).toEqual([400, 'validation_failed']);
      expect((bad.body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['form.mlaToFollow', 'kind']);
      const self = await officerA.post('/api/v1/requests', { ...PRESERVATION, recipient: 'XAA' });
      expect([self.status, self.body.code]).toEqual([400, 'self_addressed']);
      // A decision asked for by a time already past would arrive overdue: refused on its field.
      const past = await officerA.post('/api/v1/requests', { ...PRESERVATION, responseRequestedBy: '2020-01-01T10:00:00Z', send: true });
      expect([past.status, past.body.code]).toEqual([400, 'deadline_passed']);
      expect(past.body.errors).toEqual([{ path: 'responseRequestedBy', message: 'The date must be in the future.' }]);
      const yearZero = await officerA.post('/api/v1/requests', { ...PRESERVATION, responseRequestedBy: '0050-12-31T10:00:00Z' });
      expect([yearZero.status, yearZero.body.code, yearZero.body.errors]).toEqual([400, 'validation_failed', [{ path: 'responseRequestedBy', message: 'Use a date and time in the years 1000 to 9999, such as 2026-11-25T09:30:00Z.' }]]);

      const draft = await officerA.post<Detail>('/api/v1/requests', { kind: 'preservation', recipient: 'XAB', title: 'Preserve a mailbox', form: { offence: 'Extortion' } });
      expect(draft.status).toBe(201);
      expect(draft.body.status).toBe('draft');
      expect(draft.body.missing.map((m) => m.field)).toEqual([
        'summary',
        'form.requestingAuthority',
        'form.contact.name',
        'form.contact.phone',
        'form.contact.timeZone',
        'form.dataSought',
        'form.linkToOffence',
        'form.custodianOrLocation',
        'form.necessity',
        'form.mlaToFollow',
      ]);
      expect(draft.body.warnings.map((w) => w.field)).toContain('form.reference');
      const refused = await officerA.post<Detail>(`/api/v1/requests/${draft.body.id}/send`, {});
      expect([refused.status, refused.body.code]).toEqual([400, 'request_incomplete']);
      expect(refused.body.errors?.map((e) => e.path)).toEqual(draft.body.missing.map((m) => m.field));
      expect(refused.body.detail).toContain('Explain why the data must be preserved.');
      // Nothing was lost: the draft is still there, unchanged, and can be completed and sent.
      const kept = await get(officerA, draft.body.id);
      expect(kept.status).toBe('draft');
      const fixed = await officerA.patch<Detail>(`/api/v1/requests/${draft.body.id}`, { ...PRESERVATION, version: 1 });
      expect(fixed.status).toBe(200);
      expect(fixed.body.missing).toEqual([]);
      const stale = await officerA.patch<Detail>(`/api/v1/requests/${draft.body.id}`, { ...PRESERVATION, version: 1 });
      expect([stale.status, stale.body.code]).toEqual([409, 'version_conflict']);
      expect((await officerA.delete(`/api/v1/requests/${draft.body.id}`)).status).toBe(204);
      // Each kind has its own requirements: an emergency request must describe the risk to life.
      const emergency = await officerA.post<Detail>('/api/v1/requests', { ...PRESERVATION, kind: 'emergency', send: true });
      expect([emergency.status, emergency.body.code]).toEqual([400, 'request_incomplete']);
      expect(emergency.body.errors?.map((e) => e.path)).toEqual(['form.riskToLife']);
    });

    it('runs a preservation, a mutual legal assistance request that follows it, and returns evidence with its chain of custody', async () => {
      // A asks for preservation; B acknowledges and executes it; the 60-day clock shows on both sides.
      const pres = await send(PRESERVATION);
      expect(pres.status).toBe('sent');
      await arrived(officerB, pres.id);
      expect((await step(officerB, pres.id, { action: 'acknowledge' })).body.status).toBe('acknowledged');
      const tooShort = await step(officerB, pres.id, { action: 'decide', decision: { decision: 'execute', until: new Date(Date.now() + 30 * 86_400_000).toISOString() } });
      expect([tooShort.status, tooShort.body.code]).toEqual([400, 'preservation_too_short']);
      const executed = await step(officerB, pres.id, { action: 'decide', decision: { decision: 'execute' }, text: 'Preserved at MailCo Borealis.' });
      expect(executed.status).toBe(200);
      expect(executed.body.status).toBe('executed');
      const days = (Date.parse(executed.body.preserveUntil!) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(59.9);
      expect(days).toBeLessThanOrEqual(60);
      const atA = await arrived(officerA, pres.id, (d) => d.status === 'executed');
      expect(atA.preserveUntil).toBe(executed.body.preserveUntil);
      expect(atA.preservation).toBe('running');
      // An extension: asked by A, granted by B, and only to a later date.
      expect((await step(officerA, pres.id, { action: 'request_extension', text: 'The MLA request is with our ministry of justice.' })).status).toBe(200);
      await arrived(officerB, pres.id, (d) => d.events.some((e) => e.action === 'request_extension'));
      const earlier = await step(officerB, pres.id, { action: 'extend', until: new Date(Date.now() + 10 * 86_400_000).toISOString() });
      expect([earlier.status, earlier.body.code]).toEqual([400, 'extension_not_later']);
      const until = new Date(Date.now() + 120 * 86_400_000).toISOString();
      expect((await step(officerB, pres.id, { action: 'extend', until })).body.preserveUntil).toBe(until);
      await arrived(officerA, pres.id, (d) => d.preserveUntil === until);

      // A follows with a mutual legal assistance request naming the preservation.
      const mla = await send({
        ...PRESERVATION,
        kind: 'mla',
        title: 'Mailbox content and logs for the water utility extortion',
        form: {
          ...PRESERVATION.form,
          reference: 'XAA-MLA-2026-077',
          proceedings: 'Criminal investigation 4411/26 by the Public Prosecutor of Aurelia City.',
          legalBasis: { instruments: ['un_cybercrime_2024'], articles: 'arts. 40 and 44', channel: 'central_authority' },
          related: [{ request: pres.id, reference: 'XAA-PRES-2026-041', kind: 'preservation' }],
        },
      });
      const mlaAtB = await arrived(officerB, mla.id);
      expect(mlaAtB.related.map((r) => r.id)).toEqual([pres.id]);
      expect((await get(officerB, pres.id)).related.map((r) => r.id)).toEqual([mla.id]);
      // The search box says requests are found by their reference number: on both sides.
      for (const client of [officerA, officerB]) {
        const byReference = (await client.get('/api/v1/requests?q=XAA-MLA-2026-077')).body.requests as { id: string }[];
        expect(byReference.map((r) => r.id)).toEqual([mla.id]);
      }

      // B asks for more information; A answers.
      const ask = await step(officerB, mla.id, { action: 'request_info', text: 'Which dates of login records do you need?' });
      expect(ask.body.awaiting).toBe('raiser');
      await arrived(officerA, mla.id, (d) => d.awaiting === 'raiser');
      expect((await step(officerA, mla.id, { action: 'message', text: '1 October to 20 November.' })).body.awaiting).toBe(null);
      await arrived(officerB, mla.id, (d) => d.awaiting === null && d.events.some((e) => e.action === 'message'));

      // B executes in part and returns two files, each with its chain of custody. They are B's own
      // files, uploaded to the request marked TLP:AMBER+STRICT: the marking binds what B received, not these.
      const logs = await upload(officerB, 'mailco-login-records.csv', 'time,ip\n2026-11-18T07:01:00Z,198.51.100.23\n', mla.id);
      const subscriber = await upload(officerB, 'mailco-subscriber.txt', 'Account holder: (as registered) J. Doe\n', mla.id);
      const links = (who: string) => [
        { action: 'collected', by: who, organisation: 'Borealis Cyber Police', at: '2026-11-23T09:00:00Z', note: 'Produced by MailCo under order 77/26' },
        { action: 'handled', by: 'Evidence Officer K. Lind', organisation: 'Borealis Cyber Police', at: '2026-11-23T11:30:00Z', note: 'Hashed and sealed' },
      ];
      const noReasons = await step(officerB, mla.id, { action: 'decide', decision: { decision: 'execute_in_part' }, evidence: [logs.id, subscriber.id], custody: [{ evidence: logs.id, entries: links('Det. Sgt. Moro') }, { evidence: subscriber.id, entries: links('Det. Sgt. Moro') }] });
      expect([noReasons.status, noReasons.body.code]).toEqual([400, 'reasons_required']);
      const noCustody = await step(officerB, mla.id, { action: 'decide', decision: { decision: 'execute_in_part', reasons: 'Mailbox content needs a court order.' }, evidence: [logs.id, subscriber.id], custody: [{ evidence: logs.id, entries: links('Det. Sgt. Moro') }] });
      expect([noCustody.status, noCustody.body.code]).toEqual([400, 'custody_required']);
      expect(noCustody.body.detail).toContain('mailco-subscriber.txt');
      const disordered = await step(officerB, mla.id, { action: 'decide', decision: { decision: 'execute_in_part', reasons: 'x' }, evidence: [logs.id], custody: [{ evidence: logs.id, entries: [...links('Moro')].reverse() }] });
      expect([disordered.status, disordered.body.code]).toEqual([400, 'custody_out_of_order']);
      const inPart = await step(officerB, mla.id, {
        action: 'decide',
        text: 'Login records and subscriber data attached.',
        decision: { decision: 'execute_in_part', reasons: 'The mailbox content needs a court order under our law; it will follow.' },
        evidence: [logs.id, subscriber.id],
        custody: [
          { evidence: logs.id, entries: links('Det. Sgt. Moro') },
          { evidence: subscriber.id, entries: links('Det. Sgt. Moro') },
        ],
      });
      expect(inPart.status, JSON.stringify(inPart.body)).toBe(200);
      expect(inPart.body.status).toBe('executed');
      expect(inPart.body.custody.map((k) => k.sha256)).toEqual([logs.sha256, subscriber.sha256]);
      expect(inPart.body.custody[0]!.entries.map((e) => e.action)).toEqual(['collected', 'handled', 'sent']);
      expect(inPart.body.custody[0]!.entries[2]!.by).toBe('Ben Okafor');

      // A receives both files, checks their hashes, and sees the same custody record and thread digest.
      const done = await arrived(officerA, mla.id, (d) => d.status === 'executed' && d.evidence.length === 2 && d.evidence.every((e) => e.status === 'received'));
      expect(done.custody).toEqual(inPart.body.custody);
      expect(done.decision).toMatchObject({ decision: 'execute_in_part' });
      // Both case files say how it was executed, as both pages do.
      expect([await printedStatus(a, officerA, mla.id), await printedStatus(b, officerB, mla.id)]).toEqual([squash('Executed in part'), squash('Executed in part')]);
      expect(done.integrity.problems).toEqual([]);
      expect(done.integrity.digest).toBe((await get(officerB, mla.id)).integrity.digest);

      // The proof bundle of B's return verifies offline, and its envelope carries the chain of custody.
      const hash = inPart.body.custody[0]!.envelopeHash!;
      const bundle = await eventually(async () => {
        const r = await officerA.get<ProofBundle>(`/api/v1/proofs/messages/${encodeURIComponent(hash)}`);
        return r.status === 200 ? r.body : undefined;
      }, 30_000, 'a proof bundle of the return');
      const verdict = await verifyProofBundle(bundle);
      expect([verdict.type, verdict.sender.state, verdict.receiver.state, verdict.contentDisclosed]).toEqual(['request.step', 'XAB', 'XAA', true]);
      expect(verdict.custody.map((k) => k.sha256)).toEqual([logs.sha256, subscriber.sha256]);
      expect(verdict.summary).toContain(`SHA-256 ${logs.sha256}: collected by Det. Sgt. Moro (Borealis Cyber Police)`);
      const envelope = JSON.parse(Buffer.from(bundle.envelope.jws!.split('.')[1]!, 'base64url').toString('utf8')) as { type: string; body: unknown };
      expect(envelope.type).toBe('request.step');
      expect((envelope.body as { custody: { sha256: string }[] }).custody.map((k) => k.sha256)).toEqual([logs.sha256, subscriber.sha256]);

      // A closes the request; a decision on a closed request is refused.
      expect((await step(officerA, mla.id, { action: 'close', outcome: 'completed' })).body.status).toBe('closed');
      await arrived(officerB, mla.id, (d) => d.status === 'closed');
      const late = await step(officerB, mla.id, { action: 'decide', decision: { decision: 'execute' } });
      expect([late.status, late.body.code]).toEqual([409, 'invalid_transition']);
      expect(late.body.detail).toContain('closed');

      // The case files say each step in the words of the page's timeline, and the chain of custody's
      // times as people read them; the annex quotes those times exactly, as they were signed.
      const token = (await officerA.post('/api/v1/tokens', { name: 'custody case file' })).body.secret as string;
      const printed = async (id: string) => {
        const pdf = await fetch(`${a.node.url}/api/v1/requests/${id}/export.pdf`, { headers: { authorization: `Bearer ${token}` } });
        expect(pdf.status).toBe(200);
        return squash((await pdfPages(Buffer.from(await pdf.arrayBuffer()))).join(' '));
      };
      const presFile = await printed(pres.id);
      for (const words of ['Sent the request', 'Acknowledged the request', 'Asked for the preservation to be extended', 'Extended the preservation']) expect(presFile).toContain(squash(words));
      const mlaFile = await printed(mla.id);
      for (const words of ['Sent the request', 'Asked for more information', 'Wrote', 'Decided', 'Closed the request']) expect(mlaFile).toContain(squash(words));
      for (const old of ['Requestsent', 'Preservationextended', 'Extensionrequested']) expect(presFile + mlaFile).not.toContain(old);
      const custody = mlaFile.slice(mlaFile.indexOf('Chainofcustodyofreturnedevidence'), mlaFile.indexOf('Timeline'));
      expect(custody).toContain(squash('23 Nov 2026, 09:00 UTC collected by Det. Sgt. Moro (Borealis Cyber Police) — Produced by MailCo under order 77/26'));
      expect(custody).toContain(squash('23 Nov 2026, 11:30 UTC handled by Evidence Officer K. Lind'));
      expect(custody).not.toMatch(/\d{4}-\d\d-\d\dT/);
      const annex = mlaFile.slice(mlaFile.indexOf('Annex'));
      const sent = inPart.body.custody[0]!.entries[2]!.at;
      expect(annex).toContain(squash(`collected 2026-11-23T09:00:00Z; handled 2026-11-23T11:30:00Z; sent ${sent}`));
    }, 180_000);

    it('does not apply a consultation step sent for a request, even by the other party, and changes nothing', async () => {
      const req = await send({ ...PRESERVATION, title: 'A request is not worked as a consultation' });
      await arrived(officerB, req.id);
      expect((await step(officerB, req.id, { action: 'acknowledge' })).status).toBe(200);
      await arrived(officerA, req.id, (d) => d.status === 'acknowledged');
      // Borealis, the requested state, signs a consultation's "respond" for the request: a status requests do not have.
      const forged = await signEnvelope(
        {
          v: 1,
          id: uuidv7(),
          sender: 'XAB',
          recipient: 'XAA',
          type: 'consultation.step',
          created: new Date().toISOString(),
          thread: req.id,
          body: { consultation: req.id, action: 'respond', text: 'Done.', evidence: [], outcome: null, attributionReply: null, by: 'Someone at Borealis' },
        },
        b.node.ctx.keys,
      );
      const token = await signDelivery({ envelope: envelopeHash(forged), to: 'XAA', sent: new Date() }, b.node.ctx.keys.privateKey, b.node.ctx.nodeInfo().fingerprint);
      const res = await fetch(`${a.node.url}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/jose', [DELIVERY_HEADER]: token }, body: forged });
      expect(res.status).toBe(200);
      expect((await a.node.ctx.store.inbox.byHash(envelopeHash(forged)))?.applyError).toBe(`unknown_case: no consultation ${req.id} is held with XAB`);
      const atA = await get(officerA, req.id);
      expect(atA.status).toBe('acknowledged');
      expect(atA.events.map((e) => e.action)).toEqual(['created', 'opened', 'acknowledge']);
    }, 60_000);

    it('refuses decisions from the wrong side, refusals without grounds or reasons, and refusal before consultation', async () => {
      const req = await send({ ...PRESERVATION, title: 'A request to be refused' });
      await arrived(officerB, req.id);
      const own = await step(officerA, req.id, { action: 'decide', decision: { decision: 'execute' } });
      expect([own.status, own.body.code]).toEqual([403, 'wrong_side']);
      expect(own.body.detail).toContain('Only the requested state');
      const viewer = await step(viewerB, req.id, { action: 'acknowledge' });
      expect(viewer.status).toBe(403);
      const noGround = await step(officerB, req.id, { action: 'decide', decision: { decision: 'refuse', reasons: 'No.' } });
      expect([noGround.status, noGround.body.code]).toEqual([400, 'grounds_required']);
      const noReason = await step(officerB, req.id, { action: 'decide', decision: { decision: 'refuse', grounds: ['political_offence'] } });
      expect([noReason.status, noReason.body.code]).toEqual([400, 'reasons_required']);
      const unknownGround = await step(officerB, req.id, { action: 'decide', decision: { decision: 'refuse', grounds: ['tax_matter'], reasons: 'x' } });
      expect([unknownGround.status, unknownGround.body.code]).toEqual([400, 'validation_failed']);
      const notConsulted = await step(officerB, req.id, { action: 'decide', decision: { decision: 'refuse', grounds: ['political_offence'], reasons: 'The conduct is a political offence under our law.' } });
      expect([notConsulted.status, notConsulted.body.code]).toEqual([400, 'consultation_required']);
      const postponeNoDate = await step(officerB, req.id, { action: 'decide', decision: { decision: 'postpone', reasons: 'Ongoing investigation.' } });
      expect([postponeNoDate.status, postponeNoDate.body.code]).toEqual([400, 'until_required']);
      // The requesting node applies the same rules: a refusal signed by B's key but never consulted on
      // (sent around B's node, which would have refused it) is kept in the thread, not applied.
      const forged = await signEnvelope(
        {
          v: 1,
          id: uuidv7(),
          sender: 'XAB',
          recipient: 'XAA',
          type: 'request.step',
          created: new Date().toISOString(),
          thread: req.id,
          body: { request: req.id, action: 'decide', text: '', decision: { decision: 'refuse', grounds: ['political_offence'], reasons: 'No.', conditions: '', until: null }, until: null, outcome: null, evidence: [], custody: [], by: 'Someone at Borealis' },
        },
        b.node.ctx.keys,
      );
      const token = await signDelivery({ envelope: envelopeHash(forged), to: 'XAA', sent: new Date() }, b.node.ctx.keys.privateKey, b.node.ctx.nodeInfo().fingerprint);
      const res = await fetch(`${a.node.url}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/jose', [DELIVERY_HEADER]: token }, body: forged });
      expect(res.status).toBe(200);
      const held = await get(officerA, req.id);
      expect(held.status).toBe('sent');
      expect(held.events.find((e) => e.envelopeHash === envelopeHash(forged))?.notApplied).toContain('consult the requesting state');

      const emptyConsult = await step(officerB, req.id, { action: 'consult' });
      expect([emptyConsult.status, emptyConsult.body.code]).toEqual([400, 'text_required']);
      const consulted = await step(officerB, req.id, { action: 'consult', text: 'We consider this a political offence. Could you narrow the request?' });
      expect(consulted.body.consultedAt).not.toBeNull();
      const refused = await step(officerB, req.id, { action: 'decide', decision: { decision: 'refuse', grounds: ['political_offence', 'sovereignty_security_ordre_public'], reasons: 'The conduct is a political offence under our law.' } });
      expect(refused.status).toBe(200);
      expect([refused.body.status, refused.body.outcome]).toEqual(['closed', 'refused']);
      const atA = await arrived(officerA, req.id, (d) => d.outcome === 'refused');
      expect(atA.decision).toMatchObject({ grounds: ['political_offence', 'sovereignty_security_ordre_public'], reasons: 'The conduct is a political offence under our law.' });
      expect(atA.events.filter((e) => e.notApplied !== null)).toHaveLength(1);

      // Spontaneous information asks for no decision.
      const info = await send({ kind: 'spontaneous', recipient: 'XAB', title: 'Botnet controller in your territory', summary: 'Our CERT found a controller at 192.0.2.10.' });
      await arrived(officerB, info.id);
      const decide = await step(officerB, info.id, { action: 'decide', decision: { decision: 'execute' } });
      expect([decide.status, decide.body.code]).toEqual([409, 'not_for_this_kind']);
      // A request is not a consultation: the consultation routes do not show or act on it.
      expect((await officerA.get(`/api/v1/consultations/${info.id}`)).status).toBe(404);
      expect(((await officerA.get('/api/v1/consultations')).body.consultations as { id: string }[]).some((c) => c.id === info.id)).toBe(false);
      expect((await officerA.get(`/api/v1/requests/00000000-0000-4000-8000-000000000000`)).body.code).toBe('request_not_found');
    }, 120_000);

    it('applies no request step from a state that is not a party, nor a request opened under the id of one held with another state, nor a decision by the requesting state; nothing changes', async () => {
      const req = await send({ ...PRESERVATION, title: 'Held between Aurelia and Borealis only' });
      await arrived(officerB, req.id);
      // Caldera, a peer Borealis trusts, knows the request's id and form (however it learnt them).
      const [c] = (await startNetwork(['XAC'], { engine, peered: false })) as [NetworkNode];
      try {
        await addPeer(b, c);
        const exported = (await officerA.get(`/api/v1/requests/${req.id}/export.json`)).body as { envelopes: { type: string; jws: string }[] };
        const opened = decodeStoredEnvelope(exported.envelopes.find((e) => e.type === 'request.open')!.jws) as { body: Record<string, unknown> };
        const stepBody = { request: req.id, text: '', decision: null, until: null, outcome: null, evidence: [], custody: [], by: 'Someone at Caldera' };
        const withdraw = await deliverAs(c, b, { type: 'request.step', thread: req.id, body: { ...stepBody, action: 'withdraw', outcome: 'withdrawn' } });
        const reopen = await deliverAs(c, b, { type: 'request.open', thread: req.id, body: { ...opened.body, title: 'Preserve nothing' } });
        expect([withdraw.status, reopen.status]).toEqual([200, 200]);
        expect((await b.node.ctx.store.inbox.byHash(withdraw.hash))?.applyError).toBe(`not_a_party: XAC is not a party to request ${req.id}`);
        expect((await b.node.ctx.store.inbox.byHash(reopen.hash))?.applyError).toBe(`id_taken: request ${req.id} already exists on this node`);
      } finally {
        await c.node.close();
      }
      // Aurelia, the requesting state, decides on its own request: kept in the thread, not applied.
      const decide = await deliverAs(a, b, { type: 'request.step', thread: req.id, body: { request: req.id, action: 'decide', text: '', decision: { decision: 'execute', grounds: [], reasons: '', conditions: '', until: null }, until: null, outcome: null, evidence: [], custody: [], by: 'Someone at Aurelia' } });
      expect(decide.status).toBe(200);
      const atB = await arrived(officerB, req.id, (d) => d.events.some((e) => e.envelopeHash === decide.hash));
      expect(atB.events.find((e) => e.envelopeHash === decide.hash)?.notApplied).toContain('Only the requested state');
      expect([atB.status, atB.decision, (atB as Detail & { title: string }).title]).toEqual(['sent', null, 'Held between Aurelia and Borealis only']);
      expect(atB.events.map((e) => e.action)).toEqual(['opened', 'decide']);
    }, 90_000);

    it('warns both sides once before a preservation lapses', async () => {
      const req = await send({ ...PRESERVATION, title: 'A preservation left to lapse' });
      await arrived(officerB, req.id);
      const executed = await step(officerB, req.id, { action: 'decide', decision: { decision: 'execute' } });
      await arrived(officerA, req.id, (d) => d.status === 'executed');
      const later = new Date(Date.parse(executed.body.preserveUntil!) - 3 * 86_400_000);
      for (const n of [a, b]) {
        const ctx = { ...n.node.ctx.domain, now: () => later };
        expect(await notifyLapsingPreservations(ctx)).toBeGreaterThanOrEqual(1);
        expect(await notifyLapsingPreservations(ctx)).toBe(0);
      }
      const notesA = (await officerA.get('/api/v1/notifications')).body.notifications as { kind: string; message: string }[];
      expect(notesA.some((x) => x.kind === 'request.preservation_lapsing' && x.message.includes('A preservation left to lapse') && x.message.includes('ask for an extension'))).toBe(true);
      const notesB = (await officerB.get('/api/v1/notifications')).body.notifications as { kind: string; message: string }[];
      expect(notesB.some((x) => x.kind === 'request.preservation_lapsing' && x.message.includes('A preservation left to lapse'))).toBe(true);
    }, 60_000);

    it('gives an emergency request its short deadlines, lists requests by what falls due next, and reports an overdue decision once', async () => {
      const emergency = await send({
        ...PRESERVATION,
        kind: 'emergency',
        urgency: 'routine',
        title: 'Threat to kill a named journalist posted from a Borealian account',
        form: { ...PRESERVATION.form, riskToLife: 'The account posted the journalist’s home address and a date.' },
      });
      const d = emergency as Detail & { urgency: string; ackDeadline: string; responseRequestedBy: string; sentAt: string };
      expect(d.urgency).toBe('urgent');
      expect(Date.parse(d.ackDeadline) - Date.parse(d.sentAt)).toBe(3600_000);
      expect(Date.parse(d.responseRequestedBy) - Date.parse(d.sentAt)).toBe(8 * 3600_000);
      await arrived(officerB, emergency.id);
      // Told in a sentence, with its deadline as people read it.
      const received = ((await officerB.get('/api/v1/notifications')).body.notifications as { kind: string; message: string }[]).find((x) => x.kind === 'request.received' && x.message.includes('Threat to kill'));
      expect(received?.message).toMatch(/^XAA sent an emergency request \(TLP:[A-Z+]+\): “Threat to kill a named journalist posted from a Borealian account”\. Acknowledge it by \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC\.$/);
      // An emergency may be refused without a prior consultation, but never without grounds and reasons.
      const byDeadline = (await officerB.get('/api/v1/requests?box=inbox&sort=deadline')).body.requests as { id: string }[];
      expect(byDeadline[0]?.id).toBe(emergency.id);
      const later = new Date(Date.parse(d.responseRequestedBy) + 60_000);
      for (const n of [a, b]) {
        const ctx = { ...n.node.ctx.domain, now: () => later };
        expect(await notifyOverdueDecisions(ctx)).toBeGreaterThanOrEqual(1);
        expect(await notifyOverdueDecisions(ctx)).toBe(0);
      }
      const notesA = (await officerA.get('/api/v1/notifications')).body.notifications as { kind: string; message: string }[];
      expect(notesA.find((x) => x.kind === 'request.decision_overdue' && x.message.includes('XAB has not decided on your emergency request'))?.message).toMatch(/a decision was asked for by \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC\.$/);
      // Acknowledged within the hour, it is not overdue yet: its decision is due in 8 hours.
      expect((await step(officerB, emergency.id, { action: 'acknowledge' })).status).toBe(200);
      const overdue = (await officerB.get('/api/v1/requests?overdue=true')).body.requests as { id: string }[];
      expect(overdue.map((r) => r.id)).not.toContain(emergency.id);
      const refused = await step(officerB, emergency.id, { action: 'decide', decision: { decision: 'refuse', grounds: ['domestic_law_bars'], reasons: 'The account is not held in Borealis.' } });
      expect([refused.status, refused.body.outcome]).toEqual([200, 'refused']);
      const badSort = await officerB.get('/api/v1/requests?sort=oldest');
      expect([badSort.status, badSort.body.code]).toEqual([400, 'validation_failed']);
    }, 60_000);

    it('records the legal basis per state, fills it into requests, and reports response times', async () => {
      const officerSets = await officerA.post('/api/v1/legal-bases/XAB', { instruments: ['budapest_2001'] });
      expect(officerSets.status).toBe(403);
      const none = await a.admin.post('/api/v1/legal-bases/XAB', { instruments: [] });
      expect([none.status, none.body.errors?.[0]?.path]).toEqual([400, 'instruments']);
      const self = await a.admin.post('/api/v1/legal-bases/XAA', { instruments: ['reciprocity'] });
      expect([self.status, self.body.code]).toEqual([400, 'self_state']);
      const set = await a.admin.post('/api/v1/legal-bases/XAB', { instruments: ['budapest_2001', 'budapest_protocol2_2022'], articles: 'arts. 29–31', channel: 'network_24_7', notes: 'Both parties since 2022.' });
      expect(set.status).toBe(200);
      expect(((await officerA.get('/api/v1/legal-bases')).body.legalBases as { state: string }[]).map((x) => x.state)).toEqual(['XAB']);
      const mla = await send({
        ...PRESERVATION,
        kind: 'mla',
        title: 'Assistance with the basis filled in by the node',
        form: { ...PRESERVATION.form, proceedings: 'Investigation 12/26.' },
      });
      expect(mla.form.legalBasis.instruments).toEqual(['budapest_2001', 'budapest_protocol2_2022']);
      expect(mla.legalBasis?.instruments).toEqual(['budapest_2001', 'budapest_protocol2_2022']);
      expect((await a.admin.delete('/api/v1/legal-bases/XAC')).body.code).toBe('legal_basis_not_found');

      const stats = await officerA.get('/api/v1/request-stats');
      expect(stats.status).toBe(200);
      const pres = (stats.body.rows as { state: string; kind: string; direction: string; requests: number; acknowledged: number; decided: number; medianDecisionHours: number | null }[]).find(
        (r) => r.state === 'XAB' && r.kind === 'preservation' && r.direction === 'outgoing',
      );
      expect(pres?.requests).toBeGreaterThanOrEqual(3);
      expect(pres?.decided).toBeGreaterThanOrEqual(2);
      expect(pres?.medianDecisionHours).not.toBeNull();
      const statsB = (await officerB.get('/api/v1/request-stats')).body.rows as { state: string; direction: string }[];
      expect(statsB.every((r) => r.state === 'XAA' && r.direction === 'incoming')).toBe(true);

      const token = (await officerA.post('/api/v1/tokens', { name: 'case file' })).body.secret as string;
      const pdf = await fetch(`${a.node.url}/api/v1/requests/${mla.id}/export.pdf`, { headers: { authorization: `Bearer ${token}` } });
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get('content-disposition')).toContain('TLP-AMBER-STRICT');
      // The case file names the instruments, channel and status as the page does, and times in UTC.
      const printed = squash((await pdfPages(Buffer.from(await pdf.arrayBuffer()))).join(' '));
      for (const words of ['Budapest Convention on Cybercrime (2001); Second Additional Protocol', 'Channel: 24/7 network of points of contact', 'StatusSent, not yet acknowledged']) expect(printed).toContain(squash(words));
      // The requested state's own case file says it received the request, as its page does.
      await arrived(officerB, mla.id);
      expect(await printedStatus(b, officerB, mla.id)).toBe(squash('Received, not yet acknowledged'));
      expect(printed).not.toContain('network247');
      expect(printed).toMatch(/Acknowledgementdue\d{1,2}[A-Z][a-z]{2}\d{4},\d\d:\d\dUTC\((notyetpassed|overdue)\)/);
      const json = await officerA.get(`/api/v1/requests/${mla.id}/export.json`);
      expect(json.body.format).toBe('parley-request-export/1');
      expect(json.body.envelopes[0].type).toBe('request.open');
      const list = (await officerB.get('/api/v1/requests?box=inbox&kind=mla')).body.requests as { id: string; kind: string }[];
      expect(list.map((r) => r.id)).toContain(mla.id);
      expect(list.every((r) => r.kind === 'mla')).toBe(true);
      const search = (await officerB.get('/api/v1/requests?q=basis%20filled')).body.requests as { id: string }[];
      expect(search.map((r) => r.id)).toEqual([mla.id]);
    }, 90_000);

    it('tells the requested state the id of a related request only when that request is held with it, and keeps the other links on this node', async () => {
      // Aurelia also asked Caldera to preserve; Borealis must not learn that request's id, with
      // which it could open a request at Caldera under that id before Aurelia's arrived there.
      const [c] = (await startNetwork(['XAC'], { engine, peered: false })) as [NetworkNode];
      try {
        await addPeer(a, c);
        await addPeer(c, a);
        const atC = await send({ ...PRESERVATION, recipient: 'XAC', title: 'Preserve the mirror of the mailbox in Caldera', form: { ...PRESERVATION.form, reference: 'XAA-PRES-2026-090' } });
        const withB = await send({ ...PRESERVATION, title: 'Preserve the backup mailbox in Borealis', form: { ...PRESERVATION.form, reference: 'XAA-PRES-2026-091' } });
        const draft = (await officerA.post<Detail>('/api/v1/requests', { ...PRESERVATION, title: 'A preservation not sent yet' })).body;
        const related = [
          { request: atC.id, reference: 'XAA-PRES-2026-090', kind: 'preservation', note: 'The mirror in Caldera' },
          { request: withB.id, reference: 'XAA-PRES-2026-091', kind: 'preservation', note: '' },
          { request: draft.id, reference: '', kind: 'preservation', note: '' },
        ];
        const mla = await send({
          ...PRESERVATION,
          kind: 'mla',
          title: 'Mailbox content, following preservations in two states',
          form: { ...PRESERVATION.form, reference: 'XAA-MLA-2026-092', proceedings: 'Criminal investigation 4411/26.', legalBasis: { instruments: ['un_cybercrime_2024'], articles: 'art. 40', channel: 'central_authority' }, related },
        });
        const atB = await arrived(officerB, mla.id);
        expect((atB.form as unknown as { related: unknown[] }).related).toEqual([
          { request: null, reference: 'XAA-PRES-2026-090', kind: 'preservation', note: 'The mirror in Caldera' },
          related[1],
          { request: null, reference: '', kind: 'preservation', note: '' },
        ]);
        const envelopes = JSON.stringify((await officerB.get(`/api/v1/requests/${mla.id}/export.json`)).body);
        expect(envelopes).not.toContain(atC.id);
        expect(envelopes).not.toContain(draft.id);
        expect(atB.related.map((r) => r.id)).toEqual([withB.id]);
        // Aurelia keeps the links its officer made.
        expect((await get(officerA, mla.id)).related.map((r) => r.id).sort()).toEqual([atC.id, withB.id, draft.id].sort());
        expect((await get(officerA, atC.id)).related.map((r) => r.id)).toEqual([mla.id]);
        // So does the JSON case file Aurelia's officer hands on: it names the request with Caldera
        // and the draft by what the officer wrote, as the form sent to Borealis does, and keeps
        // every envelope as signed.
        const exported = (await officerA.get(`/api/v1/requests/${mla.id}/export.json`)).body as { request: Detail; envelopes: { type: string; jws: string }[] };
        expect((exported.request.form as unknown as { related: unknown[] }).related).toEqual((atB.form as unknown as { related: unknown[] }).related);
        expect(exported.request.related.map((r) => r.id)).toEqual([withB.id]);
        for (const leak of [atC.id, draft.id, 'Preserve the mirror of the mailbox in Caldera', 'A preservation not sent yet']) expect(JSON.stringify(exported)).not.toContain(leak);
        const sentOpen = (await a.node.ctx.store.consultations.thread(mla.id, 'XAB')).find((m) => decodeStoredEnvelope(m.jws).type === 'request.open')!;
        expect(exported.envelopes.find((e) => e.type === 'request.open')?.jws).toBe(sentOpen.jws);
        // The case with Caldera does not name the one with Borealis that refers to it.
        const toC = JSON.stringify((await officerA.get(`/api/v1/requests/${atC.id}/export.json`)).body);
        expect(toC).not.toContain(mla.id);
        // The printed form, which may be sent on paper to the requested state, names them by reference only.
        const paper = JSON.stringify(await requestCaseFile(a.node.ctx.domain, { type: 'operator' }, mla.id));
        expect(paper).toContain('XAA-PRES-2026-090 (expedited preservation request): The mirror in Caldera');
        for (const id of [atC.id, withB.id, draft.id]) expect(paper).not.toContain(id);

        // A request Borealis sends naming Aurelia's request with Caldera (an older or hostile node)
        // is not linked to it; one naming a request held with Borealis is.
        const named = randomUUID();
        const base = await get(officerA, withB.id);
        const forged = await signEnvelope(
          {
            v: 1,
            id: uuidv7(),
            sender: 'XAB',
            recipient: 'XAA',
            type: 'request.open',
            created: new Date().toISOString(),
            thread: named,
            body: {
              request: named,
              kind: 'preservation',
              title: 'A request from Borealis naming a request it does not hold',
              summary: 'Forged for the test.',
              urgency: 'high',
              tlp: 'AMBER',
              form: { ...base.form, related: [{ request: atC.id, reference: '', kind: null, note: '' }, { request: withB.id, reference: '', kind: null, note: '' }] },
              ackDeadline: new Date(Date.now() + 86_400_000).toISOString(),
              responseRequestedBy: null,
              evidence: [],
              raisedBy: 'Someone at Borealis',
            },
          },
          b.node.ctx.keys,
        );
        const token = await signDelivery({ envelope: envelopeHash(forged), to: 'XAA', sent: new Date() }, b.node.ctx.keys.privateKey, b.node.ctx.nodeInfo().fingerprint);
        const res = await fetch(`${a.node.url}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/jose', [DELIVERY_HEADER]: token }, body: forged });
        expect(res.status).toBe(200);
        expect((await a.node.ctx.store.inbox.byHash(envelopeHash(forged)))?.applyError).toBeNull();
        expect((await get(officerA, named)).related.map((r) => r.id)).toEqual([withB.id]);
        expect((await get(officerA, atC.id)).related.map((r) => r.id)).toEqual([mla.id]);
        expect((await get(officerA, withB.id)).related.map((r) => r.id).sort()).toEqual([mla.id, named].sort());
      } finally {
        await c.node.close();
      }
    }, 90_000);
  });
}
