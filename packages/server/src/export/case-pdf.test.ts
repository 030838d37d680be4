import { createHash } from 'node:crypto';
import type { CaseFile } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { pdfPages, squash } from '../../test/pdf-text.js';
import { renderCasePdf } from './case-pdf.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

function caseFile(timelineLength: number, evidenceCount: number): CaseFile {
  return {
    kind: 'consultation',
    title: 'Scanning of energy-sector networks — Сканирование сетей — Σάρωση δικτύων',
    reference: 'XAA-2024-0007',
    tlp: 'AMBER+STRICT',
    generatedAt: '2024-05-01T12:00:00.000Z',
    parties: {
      from: { state: 'XAA', name: 'Ministry of Foreign Affairs of Test State A' },
      to: [
        { state: 'XAB', name: 'Национальный CERT' },
        { state: 'XAC', name: 'Εθνική Αρχή Κυβερνοασφάλειας' },
      ],
    },
    fields: [
      { label: 'Status', value: 'Acknowledged' },
      { label: 'Urgency', value: 'Urgent (acknowledge within 24 h)' },
      { label: 'Norms at stake', value: 'UN GGE 2015 norm 13(f)' },
    ],
    sections: [{ heading: 'Summary', paragraphs: ['Repeated scanning of SCADA endpoints from addresses in the recipient state.', 'Второй абзац на русском языке.'] }],
    timeline: Array.from({ length: timelineLength }, (_, i) => ({
      at: new Date(Date.UTC(2024, 3, 1, 8, i)).toISOString(),
      actor: i % 2 ? 'XAB officer Ελένη' : 'XAA officer Иван',
      event: i % 2 ? 'Acknowledged' : 'Message sent',
      detail: `Step ${i + 1} of the exchange.`,
      hashes: [{ label: 'Envelope', value: `sha256:${sha(`envelope ${i}`)}` }],
    })),
    evidence: Array.from({ length: evidenceCount }, (_, i) => ({
      name: `capture-${i + 1}.pcap`,
      size: 52_428_800 + i,
      sha256: sha(`evidence ${i}`),
      status: 'Received and verified',
    })),
    hashes: [
      { label: 'Opening envelope signature', value: sha('signature') },
      { label: 'Receipt from XAB', value: sha('receipt') },
    ],
  };
}

const extract = async (pdf: Buffer) => ({ pages: await pdfPages(pdf) });

describe('renderCasePdf', () => {
  it('renders the title, parties in three scripts, TLP and every hash', async () => {
    const file = caseFile(3, 2);
    const pdf = await renderCasePdf(file);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const { pages } = await extract(pdf);
    expect(pages.length).toBeGreaterThanOrEqual(1);
    const all = squash(pages.join(' '));
    expect(all).toContain(squash(file.title));
    expect(all).toContain(squash('Национальный CERT'));
    expect(all).toContain(squash('Εθνική Αρχή Κυβερνοασφάλειας'));
    expect(all).toContain('XAA-2024-0007');
    for (const e of file.evidence) expect(all).toContain(e.sha256);
    for (const h of file.hashes) expect(all).toContain(h.value);
    for (const t of file.timeline) for (const h of t.hashes ?? []) expect(all).toContain(h.value);
    pages.forEach((text, i) => expect(text).toContain(`Page ${i + 1} of ${pages.length}`));
  });

  it('puts the TLP marking at the head and foot of every page and numbers the pages', async () => {
    const file = caseFile(80, 30);
    const pdf = await renderCasePdf(file);
    const { pages } = await extract(pdf);
    expect(pages.length).toBeGreaterThan(3);
    pages.forEach((text, i) => {
      // Two boxes in the head, one in the foot, plus the label before the definition in the foot.
      expect(text.split('TLP:AMBER+STRICT').length - 1, `page ${i + 1}`).toBeGreaterThanOrEqual(3);
      expect(text).toContain(`Page ${i + 1} of ${pages.length}`);
    });
    const all = squash(pages.join(' '));
    for (const e of file.evidence) expect(all).toContain(e.sha256);
    for (const t of file.timeline) for (const h of t.hashes ?? []) expect(all).toContain(h.value);
  });

  it('prints Chinese, Korean and Arabic text as written, in its reading order, in one string too', async () => {
    const base = caseFile(1, 1);
    const arabic = 'طلب حفظ بيانات حركة المرور على الشبكة منذ 12 يوما';
    const file: CaseFile = {
      ...base,
      title: '电网扫描事件 — Scanning of the grid',
      parties: { from: base.parties.from, to: [{ state: 'XAB', name: 'وزارة الخارجية' }, { state: 'XAC', name: '국가사이버안보센터' }] },
      sections: [{ heading: 'Summary', paragraphs: [arabic, '来文：وزارة الخارجية'] }],
    };
    const { pages } = await extract(await renderCasePdf(file));
    const all = squash(pages.join(' '));
    expect(all).toContain('电网扫描事件');
    expect(all).toContain('국가사이버안보센터');
    expect(all).toContain('来文');
    // pdf.js gives the items of a line left to right: an Arabic line's words come last word first.
    const reversedWords = (s: string) => s.split(' ').reverse().join(' ');
    expect(all).toContain(squash(reversedWords(arabic)));
    expect(all).toContain(squash(reversedWords('وزارة الخارجية')));
  });

  it('says so when there is no timeline, evidence or hash', async () => {
    const file = { ...caseFile(0, 0), hashes: [], kind: 'cooperation-request' as const, tlp: 'RED' as const };
    const { pages } = await extract(await renderCasePdf(file));
    expect(pages).toHaveLength(1);
    expect(pages[0]).toContain('Page 1 of 1');
    expect(pages[0]).toContain('No events.');
    expect(pages[0]).toContain('No evidence files.');
    expect(pages[0]).toContain('TLP:RED');
    expect(pages[0]).toContain('COOPERATION REQUEST');
  });
});
