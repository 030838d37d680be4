import { DELIVERY_HEADER, envelopeHash, signDelivery, signEnvelope, uuidv7 } from '@parley/protocol';
import { eventually, startNetwork, type Engine, type NetworkNode } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Cell = { state: string; entry: string; position: string; statement: string; source: string; origin: string };

/** Positions on the norms travel to peers as signed snapshots, over real loopback HTTP. */
export function normsFederationSuite(engine: Engine): void {
  describe(`norms positions between nodes (${engine})`, () => {
    let a: NetworkNode;
    let b: NetworkNode;

    beforeAll(async () => {
      [a, b] = (await startNetwork(['XAA', 'XAB'], { engine })) as [NetworkNode, NetworkNode];
    }, 120_000);
    afterAll(async () => {
      await Promise.all([a, b].map((n) => n?.node.close()));
    });

    const cellsAt = async (at: NetworkNode) => (await at.admin.get('/api/v1/norms/matrix')).body.cells as Cell[];

    it('publishes a position and a note to the peer, which shows them as published by that state', async () => {
      const set = await b.admin.post('/api/v1/norms/positions', { entry: 'gge2015-13h', position: 'endorses', statement: 'We answer every request within a day.', source: 'https://mfa.xab.example/norms', date: '2025-05-01' });
      expect(set.status).toBe(200);
      await b.admin.post('/api/v1/norms/notes', { entry: 'gge2015-13h', text: 'National CERT takes requests around the clock.', sources: ['CERT-XAB annual report 2024'] });
      const cell = await eventually(async () => (await cellsAt(a)).find((c) => c.state === 'XAB' && c.entry === 'gge2015-13h'), 10_000, 'XAB position at XAA');
      expect(cell).toMatchObject({ position: 'endorses', statement: 'We answer every request within a day.', source: 'https://mfa.xab.example/norms', origin: 'published' });
      const entry = await eventually(async () => {
        const r = (await a.admin.get('/api/v1/norms/entry?entry=gge2015-13h')).body;
        return r.peerNotes.length ? r : undefined;
      }, 10_000, 'XAB note at XAA');
      expect(entry.peerNotes[0]).toMatchObject({ state: 'XAB', text: 'National CERT takes requests around the clock.', sources: ['CERT-XAB annual report 2024'] });
      expect(entry.others).toContainEqual(expect.objectContaining({ state: 'XAB', origin: 'published' }));
    });

    it('replaces the published position when it changes, and keeps it apart from a position recorded by the receiver', async () => {
      await a.admin.post('/api/v1/norms/import', { csv: 'state,entry,position,statement,source,date\nXAB,gge2015-13h,endorses_with_reservations,Vote explanation,A/C.1/79/PV.20,2024-11-01', mode: 'all_or_nothing' });
      await b.admin.post('/api/v1/norms/positions', { entry: 'gge2015-13h', position: 'does_not_endorse', statement: 'Withdrawn.', source: 'A/79/999', date: '2025-06-01' });
      await eventually(async () => (await cellsAt(a)).find((c) => c.state === 'XAB' && c.origin === 'published' && c.position === 'does_not_endorse'), 10_000, 'updated XAB position at XAA');
      const both = (await cellsAt(a)).filter((c) => c.state === 'XAB' && c.entry === 'gge2015-13h');
      expect(both.map((c) => [c.origin, c.position]).sort()).toEqual([
        ['published', 'does_not_endorse'],
        ['recorded', 'endorses_with_reservations'],
      ]);
    });

    it('keeps the newest snapshot when an older one arrives late', async () => {
      // An envelope signed by XAB, published an hour ago, delivered now through the inbox as XAB's sender would.
      const old = new Date(Date.now() - 3600_000).toISOString();
      const jws = await signEnvelope(
        {
          v: 1,
          id: uuidv7(),
          sender: 'XAB',
          recipient: 'XAA',
          type: 'norms.positions',
          created: new Date().toISOString(),
          body: { publishedAt: old, positions: [{ entry: 'gge2015-13h', position: 'endorses', statement: '', source: '', date: null, updatedAt: old }], notes: [] },
        },
        b.node.ctx.keys,
      );
      const token = await signDelivery({ envelope: envelopeHash(jws), to: 'XAA', sent: new Date() }, b.node.ctx.keys.privateKey, b.node.ctx.nodeInfo().fingerprint);
      const res = await fetch(`${a.node.url}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/jose', [DELIVERY_HEADER]: token }, body: jws });
      expect(res.status).toBe(200);
      const cell = (await cellsAt(a)).find((c) => c.state === 'XAB' && c.origin === 'published');
      expect(cell?.position).toBe('does_not_endorse');
    });
  });
}
