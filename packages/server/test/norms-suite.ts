import { randomUUID } from 'node:crypto';
import { recordNormInvocations } from '@parley/core';
import { Client, signedInAdmin, startTestNode, type Engine, type TestNode } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HEADER = 'state,entry,position,statement,source,date';

/** The norms API over real loopback HTTP, against one storage engine. */
export function normsSuite(engine: Engine): void {
  describe(`norms API over HTTP (${engine})`, () => {
    let node: TestNode;
    let admin: Client;
    let viewer: Client;

    beforeAll(async () => {
      node = await startTestNode({ engine });
      admin = await signedInAdmin(node);
      const invited = await admin.post('/api/v1/users', { email: 'viewer@mfa.example', displayName: 'A Viewer', role: 'viewer' });
      viewer = new Client(node.url);
      await viewer.setup(invited.body.setupLink, { password: 'viewer password 123' });
    });
    afterAll(async () => {
      await node?.close();
    });

    it('serves the catalogue: 11 + 13 entries with their sources and verification flags', async () => {
      const r = await viewer.get('/api/v1/norms/catalogue');
      expect(r.status).toBe(200);
      const lists = r.body.lists as { id: string; entries: { id: string; source: { symbol: string }; verified: boolean }[] }[];
      expect(lists.map((l) => [l.id, l.entries.length])).toEqual([
        ['un-gge-2015', 11],
        ['unga-73-27', 13],
      ]);
      expect(lists[0]!.entries.every((e) => e.source.symbol === 'A/70/174' && e.verified)).toBe(true);
      expect(lists[1]!.entries.every((e) => e.source.symbol === 'A/RES/73/27' && !e.verified)).toBe(true);
    });

    it('sets a position, keeps its history and records who changed it', async () => {
      const first = await admin.post('/api/v1/norms/positions', { entry: 'gge2015-13f', position: 'endorses_with_reservations', statement: 'We read "critical infrastructure" narrowly.', source: 'A/C.1/78/PV.5', date: '2023-10-12' });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ state: 'XAA', origin: 'own', position: 'endorses_with_reservations', recordedBy: 'admin@mfa.example' });
      await admin.post('/api/v1/norms/positions', { entry: 'gge2015-13f', position: 'endorses', statement: 'Endorsed without reservation.', source: 'https://mfa.example/statement', date: '2024-03-01' });
      const entry = await viewer.get('/api/v1/norms/entry?entry=gge2015-13f');
      expect(entry.status).toBe(200);
      expect(entry.body.own).toMatchObject({ position: 'endorses', date: '2024-03-01' });
      expect(entry.body.history.map((h: { position: string }) => h.position)).toEqual(['endorses', 'endorses_with_reservations']);
      const audit = await admin.get('/api/v1/audit?entityType=norm&entityId=gge2015-13f');
      expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual(['norm.position.set', 'norm.position.set']);
    });

    it('answers an unknown entry with unknown_norm, naming it', async () => {
      const set = await admin.post('/api/v1/norms/positions', { entry: 'gge2015-13z', position: 'endorses' });
      expect(set.status).toBe(400);
      expect(set.body).toMatchObject({ code: 'unknown_norm', norm: 'gge2015-13z' });
      expect(set.body.detail).toMatch(/gge2015-13z/);
      const get = await viewer.get('/api/v1/norms/entry?entry=nothing-here');
      expect(get.status).toBe(404);
      expect(get.body.code).toBe('unknown_norm');
    });

    it('refuses a position outside the list, naming the allowed values', async () => {
      const r = await admin.post('/api/v1/norms/positions', { entry: 'gge2015-13a', position: 'supports' });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('validation_failed');
      expect(r.body.errors).toEqual([{ path: 'position', message: expect.stringMatching(/endorses, endorses_with_reservations, does_not_endorse, no_stated_position/) }]);
    });

    it('refuses a statement without a source, and keeps the position unchanged', async () => {
      const r = await admin.post('/api/v1/norms/positions', { entry: 'gge2015-13f', position: 'does_not_endorse', statement: 'We withdraw.' });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: 'source_required', errors: [{ path: 'source', message: expect.any(String) }] });
      expect((await viewer.get('/api/v1/norms/entry?entry=gge2015-13f')).body.own.position).toBe('endorses');
    });

    it('keeps writing to officers and administrators, and publication to administrators', async () => {
      expect((await viewer.post('/api/v1/norms/positions', { entry: 'gge2015-13a', position: 'endorses' })).status).toBe(403);
      expect((await viewer.post('/api/v1/norms/import/preview', { csv: HEADER })).status).toBe(403);
      expect((await viewer.post('/api/v1/norms/publication', { published: true })).status).toBe(403);
      expect((await new Client(node.url).get('/api/v1/norms/matrix')).status).toBe(401);
      expect((await new Client(node.url).get('/api/v1/norms/export.csv')).status).toBe(401);
    });

    it('refuses a statement dated in the future, and keeps the position unchanged', async () => {
      const before = (await viewer.get('/api/v1/norms/entry?entry=gge2015-13f')).body.own;
      const r = await admin.post('/api/v1/norms/positions', { entry: 'gge2015-13f', position: 'does_not_endorse', statement: 'We withdraw.', source: 'A/C.1/85/PV.1', date: '2030-01-01' });
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: 'date_in_future', errors: [{ path: 'date', message: 'A statement date cannot be in the future.' }] });
      expect((await viewer.get('/api/v1/norms/entry?entry=gge2015-13f')).body.own).toEqual(before);
    });

    it('stores an implementation note with its sources', async () => {
      const bad = await admin.post('/api/v1/norms/notes', { entry: 'gge2015-13g', text: 'Critical infrastructure act of 2022.' });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('source_required');
      const ok = await admin.post('/api/v1/norms/notes', { entry: 'gge2015-13g', text: 'Critical infrastructure act of 2022.', sources: ['https://laws.example/cia-2022'] });
      expect(ok.status).toBe(200);
      expect((await viewer.get('/api/v1/norms/entry?entry=gge2015-13g')).body.note).toMatchObject({ text: 'Critical infrastructure act of 2022.', sources: ['https://laws.example/cia-2022'] });
    });

    it('previews a CSV of 200 rows with 3 bad ones, reports exactly those lines, and imports nothing or the valid rows as chosen', async () => {
      const rows: string[] = [];
      for (let i = 0; i < 200; i++) {
        const state = `X${String.fromCharCode(66 + (Math.floor(i / 24) % 24))}${String.fromCharCode(65 + (i % 24))}`;
        const entry = i % 2 ? `gge2015-13${'abcdefghijk'[i % 11]}` : `a73-27-1.${(i % 13) + 1}`;
        rows.push(`${state},${entry},does_not_endorse,"Vote, recorded",A/78/PV.${i},2023-12-05`);
      }
      rows[9] = 'XZZ,gge2015-13a,endorses,,,2023-12-05'; // line 11: recorded position without a source
      rows[49] = 'XZY,gge2015-13a,abstains,,A/78/PV.1,2023-12-05'; // line 51: position outside the list
      rows[189] = 'XZX,unknown-entry,endorses,,A/78/PV.1,2023-12-05'; // line 191: unknown entry
      const csv = [HEADER, ...rows].join('\n');
      const preview = await admin.post('/api/v1/norms/import/preview', { csv });
      expect(preview.status).toBe(200);
      expect(preview.body).toMatchObject({ rows: 200, valid: 197 });
      expect(preview.body.errors.map((e: { line: number }) => e.line)).toEqual([11, 51, 191]);

      const refused = await admin.post('/api/v1/norms/import', { csv, mode: 'all_or_nothing' });
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('csv_rows_invalid');
      expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual(['line.11', 'line.51', 'line.191']);
      expect((await admin.get('/api/v1/norms/matrix')).body.cells.filter((c: { origin: string }) => c.origin === 'recorded')).toHaveLength(0);

      const done = await admin.post('/api/v1/norms/import', { csv, mode: 'valid_rows' });
      expect(done.status).toBe(200);
      expect(done.body.imported).toBe(197);
      expect(done.body.skipped).toHaveLength(3);
      const matrix = await admin.get('/api/v1/norms/matrix');
      expect(matrix.body.cells.filter((c: { origin: string }) => c.origin === 'recorded')).toHaveLength(197);
    });

    it('refuses a CSV that cannot be read as CSV', async () => {
      const r = await admin.post('/api/v1/norms/import/preview', { csv: `${HEADER}\nXAB,gge2015-13a,endorses,"unclosed,src,` });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('csv_malformed');
    });

    it('filters the matrix by list and position, and refuses an unknown list', async () => {
      const gge = await viewer.get('/api/v1/norms/matrix?list=un-gge-2015&position=endorses');
      expect(gge.status).toBe(200);
      expect(gge.body.entries).toHaveLength(11);
      expect(gge.body.cells.every((c: { entry: string; position: string }) => c.entry.startsWith('gge2015-') && c.position === 'endorses')).toBe(true);
      expect(gge.body.cells).toContainEqual(expect.objectContaining({ state: 'XAA', entry: 'gge2015-13f', origin: 'own' }));
      expect(gge.body.states[0]).toMatchObject({ code: 'XAA', self: true });
      const bad = await viewer.get('/api/v1/norms/matrix?list=nope');
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('unknown_norm_list');
    });

    it('exports as JSON and as CSV that the import reads back, statements in any script intact', async () => {
      const statement = 'نؤيد هذه القاعدة. 我们支持这一规范，并且“严格”适用。 Nous la soutenons, sans réserve 🤝';
      expect((await admin.post('/api/v1/norms/positions', { entry: 'gge2015-13f', position: 'endorses', statement, source: 'A/C.1/78/PV.5', date: '2024-03-01' })).status).toBe(200);
      const json = await viewer.get('/api/v1/norms/export');
      expect(json.status).toBe(200);
      expect(json.body.positions.length).toBe(198);
      const csv = await viewer.get('/api/v1/norms/export.csv');
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      // A byte-order mark first, so that spreadsheet programs read the file as UTF-8 (fetch's
      // text(), like a browser, reads past it).
      const token = (await admin.post('/api/v1/tokens', { name: 'CSV export' })).body.secret as string;
      const bytes = new Uint8Array(await (await fetch(`${node.url}/api/v1/norms/export.csv`, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer());
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(String(csv.body).split('\n')[0]).toBe(`${HEADER},origin`);
      const asSaved = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
      const again = await admin.post('/api/v1/norms/import/preview', { csv: asSaved });
      expect(again.body).toMatchObject({ rows: 198, valid: 198, errors: [] });
      expect(again.body.preview).toContainEqual(expect.objectContaining({ state: 'XAA', entry: 'gge2015-13f', statement }));
    });

    it("lists the cases that invoke an entry and counts invocations per entry", async () => {
      const ctx = node.ctx.domain;
      const caseId = randomUUID();
      await ctx.store.transaction((tx) => recordNormInvocations(tx, { caseType: 'consultation', caseId, title: 'Outage at the grid operator', createdAt: new Date('2026-01-05T10:00:00Z'), normIds: ['gge2015-13f', 'gge2015-13h'] }));
      await ctx.store.transaction((tx) => recordNormInvocations(tx, { caseType: 'request', caseId: randomUUID(), title: 'Preservation request', createdAt: new Date(), normIds: ['gge2015-13f'] }));
      await expect(ctx.store.transaction((tx) => recordNormInvocations(tx, { caseType: 'request', caseId: randomUUID(), title: 'x', createdAt: new Date(), normIds: ['gge2015-13q'] }))).rejects.toMatchObject({ code: 'unknown_norm' });
      const entry = await viewer.get('/api/v1/norms/entry?entry=gge2015-13f');
      expect(entry.body.invocations.map((i: { title: string }) => i.title).sort()).toEqual(['Outage at the grid operator', 'Preservation request']);
      // Naming the entries of a case again replaces them.
      await ctx.store.transaction((tx) => recordNormInvocations(tx, { caseType: 'consultation', caseId, title: 'Outage at the grid operator', createdAt: new Date('2026-01-05T10:00:00Z'), normIds: ['gge2015-13h'] }));
      const counts = await viewer.get('/api/v1/norms/invocations');
      const count = (id: string) => counts.body.counts.find((c: { entry: string }) => c.entry === id)?.count;
      expect([count('gge2015-13f'), count('gge2015-13h'), count('gge2015-13a')]).toEqual([1, 1, 0]);
    });

    it('shows the public page only after an administrator publishes it, without sign-in and without names', async () => {
      const anonymous = new Client(node.url);
      const before = await anonymous.get('/api/v1/public/norms');
      expect(before.status).toBe(404);
      expect(before.body.code).toBe('norms_not_published');
      const on = await admin.post('/api/v1/norms/publication', { published: true });
      expect(on.body).toMatchObject({ published: true, changedBy: 'admin@mfa.example' });
      const page = await anonymous.get('/api/v1/public/norms');
      expect(page.status).toBe(200);
      expect(page.body.state).toMatchObject({ code: 'XAA', isTestState: true });
      expect(page.body.lists).toHaveLength(2);
      expect(page.body.positions.every((p: { state: string; recordedBy: string | null }) => p.state === 'XAA' && p.recordedBy === null)).toBe(true);
      expect(JSON.stringify(page.body)).not.toContain('admin@mfa.example');
      await admin.post('/api/v1/norms/publication', { published: false });
      expect((await anonymous.get('/api/v1/public/norms')).status).toBe(404);
    });
  });
}
