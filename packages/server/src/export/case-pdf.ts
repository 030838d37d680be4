import { caseTime, type CaseFile } from '@parley/core';
import { TLP } from '@parley/protocol';
import { ScriptedDocument } from './pdf-scripts.js';

/**
 * The printable case file of a consultation or a cooperation request: title block, parties,
 * summary, sections, timeline, evidence with full SHA-256, and an annex of signature and receipt
 * hashes. Every page carries the TLP marking at its head and foot, in FIRST's colours and as
 * text, and "Page X of Y".
 *
 * Text in any of the six UN languages prints in its own script and reading order, Arabic right to
 * left, Chinese and Korean in faces of their own, each run of a mixed string in a face that has it
 * (ScriptedDocument, pdf-scripts.ts); fonts are embedded as subsets.
 */

const KIND_LABEL: Record<CaseFile['kind'], string> = {
  consultation: 'Consultation',
  'cooperation-request': 'Cooperation request',
};

const PAGE = { size: 'A4' as const, top: 64, bottom: 60, side: 50 };
const INK = '#1b1f24';
const SOFT = '#4d5761';
const LINE = '#c9ced5';

type Doc = PDFKit.PDFDocument;

function formatSize(bytes: number): string {
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let unit = '';
  for (const u of units) {
    if (v < 1000) break;
    v /= 1000;
    unit = u;
  }
  const exact = `${bytes.toLocaleString('en')} bytes`;
  return unit ? `${v.toFixed(1)} ${unit} (${exact})` : exact;
}

/** The TLP label in FIRST's colours: coloured text on a black box. Returns the box width. */
function tlpBox(doc: Doc, tlp: CaseFile['tlp'], x: number, y: number, align: 'left' | 'right'): number {
  const t = TLP[tlp];
  doc.font('bold').fontSize(9);
  const w = doc.widthOfString(t.label) + 12;
  const left = align === 'right' ? x - w : x;
  doc.save().rect(left, y, w, 15).fill(t.colour.background).restore();
  doc.fillColor(t.colour.text).text(t.label, left + 6, y + 3.5, { lineBreak: false });
  doc.fillColor(INK);
  return w;
}

function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

function heading(doc: Doc, text: string): void {
  // Keep a heading with at least the start of what follows it.
  ensureSpace(doc, 90);
  doc.moveDown(0.8);
  doc.font('bold').fontSize(12).fillColor(INK).text(text, PAGE.side, doc.y);
  const y = doc.y + 2;
  doc.save().moveTo(PAGE.side, y).lineTo(doc.page.width - PAGE.side, y).lineWidth(0.5).strokeColor(LINE).stroke().restore();
  doc.y = y + 6;
}

type Column = { title: string; width: number; font?: 'regular' | 'bold' | 'mono'; size?: number };
type Cell = string | { text: string; font?: 'regular' | 'bold' | 'mono'; size?: number }[];

/** A table that breaks across pages, repeating its header row. */
function table(doc: Doc, columns: Column[], rows: Cell[][]): void {
  const x0 = PAGE.side;
  const pad = 3;
  const drawHeader = () => {
    doc.font('bold').fontSize(8).fillColor(SOFT);
    let x = x0;
    const y = doc.y;
    for (const c of columns) {
      doc.text(c.title, x + pad, y, { width: c.width - 2 * pad, lineBreak: false });
      x += c.width;
    }
    doc.y = y + 12;
    doc.save().moveTo(x0, doc.y).lineTo(x, doc.y).lineWidth(0.5).strokeColor(INK).stroke().restore();
    doc.y += 3;
    doc.fillColor(INK);
  };
  const parts = (cell: Cell, c: Column) => (typeof cell === 'string' ? [{ text: cell, font: c.font ?? 'regular', size: c.size ?? 9 }] : cell.map((p) => ({ text: p.text, font: p.font ?? c.font ?? 'regular', size: p.size ?? c.size ?? 9 })));
  const cellHeight = (cell: Cell, c: Column) =>
    parts(cell, c).reduce((h, p) => h + doc.font(p.font).fontSize(p.size).heightOfString(p.text || ' ', { width: c.width - 2 * pad }) + 1, 0);

  ensureSpace(doc, 40);
  drawHeader();
  for (const row of rows) {
    const h = Math.max(...row.map((cell, i) => cellHeight(cell, columns[i]!))) + 2 * pad;
    if (doc.y + h > doc.page.height - doc.page.margins.bottom) {
      doc.addPage();
      drawHeader();
    }
    const y = doc.y;
    let x = x0;
    row.forEach((cell, i) => {
      const c = columns[i]!;
      let cy = y + pad;
      for (const p of parts(cell, c)) {
        doc.font(p.font).fontSize(p.size).fillColor(p.font === 'mono' ? SOFT : INK);
        doc.text(p.text || ' ', x + pad, cy, { width: c.width - 2 * pad });
        cy = doc.y + 1;
      }
      x += c.width;
    });
    doc.y = y + h;
    doc.save().moveTo(x0, doc.y).lineTo(x, doc.y).lineWidth(0.25).strokeColor(LINE).stroke().restore();
    doc.fillColor(INK);
  }
}

/** Head and foot of every page, drawn once the number of pages is known. */
function decoratePages(doc: Doc, file: CaseFile): void {
  const range = doc.bufferedPageRange();
  const label = TLP[file.tlp].label;
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const { width, height } = doc.page;
    const bottom = doc.page.margins.bottom;
    // Writing in the margin must not start a new page.
    doc.page.margins.bottom = 0;
    tlpBox(doc, file.tlp, PAGE.side, 24, 'left');
    doc.font('regular').fontSize(8).fillColor(SOFT);
    doc.text(`${KIND_LABEL[file.kind]} ${file.reference}`, PAGE.side + 110, 27.5, { width: width - 2 * PAGE.side - 220, align: 'center', lineBreak: false });
    tlpBox(doc, file.tlp, width - PAGE.side, 24, 'right');
    const footY = height - 38;
    tlpBox(doc, file.tlp, PAGE.side, footY, 'left');
    doc.font('regular').fontSize(8).fillColor(SOFT);
    doc.text(`Page ${i - range.start + 1} of ${range.count}`, width - PAGE.side - 150, footY + 3.5, { width: 150, align: 'right', lineBreak: false });
    doc.text(`${label} — ${TLP[file.tlp].definition}`.slice(0, 120), PAGE.side + 110, footY + 3.5, { width: width - 2 * PAGE.side - 270, align: 'center', lineBreak: false, height: 10, ellipsis: true });
    doc.page.margins.bottom = bottom;
  }
  doc.fillColor(INK);
}

/** Renders the case file as a PDF (A4). */
export async function renderCasePdf(file: CaseFile): Promise<Buffer> {
  const doc = new ScriptedDocument({
    size: PAGE.size,
    margins: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.side, right: PAGE.side },
    bufferPages: true,
    info: { Title: `${file.reference} ${file.title}`, Subject: `${KIND_LABEL[file.kind]} — ${TLP[file.tlp].label}`, Creator: 'Parley', Producer: 'Parley' },
    compress: true,
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const contentWidth = doc.page.width - 2 * PAGE.side;

  // Title block.
  doc.font('regular').fontSize(10).fillColor(SOFT).text(KIND_LABEL[file.kind].toUpperCase(), PAGE.side, PAGE.top, { characterSpacing: 1 });
  doc.font('bold').fontSize(18).fillColor(INK).text(file.title, { width: contentWidth });
  doc.moveDown(0.3);
  doc.font('regular').fontSize(10).fillColor(INK).text(`Reference: ${file.reference}`);
  doc.text(`Generated: ${caseTime(file.generatedAt)}`);
  doc.moveDown(0.4);
  const y = doc.y;
  const w = tlpBox(doc, file.tlp, PAGE.side, y, 'left');
  doc.font('regular').fontSize(9).fillColor(INK).text(TLP[file.tlp].definition, PAGE.side + w + 8, y + 3, { width: contentWidth - w - 8 });
  doc.x = PAGE.side;

  heading(doc, 'Parties');
  table(
    doc,
    [
      { title: 'Role', width: 90, font: 'bold' },
      { title: 'State', width: 60, font: 'mono' },
      { title: 'Authority', width: contentWidth - 150 },
    ],
    [['From', file.parties.from.state, file.parties.from.name], ...file.parties.to.map((p, i) => [i === 0 ? 'To' : '', p.state, p.name])],
  );

  if (file.fields.length) {
    heading(doc, 'Summary');
    table(
      doc,
      [
        { title: 'Item', width: 150, font: 'bold' },
        { title: 'Value', width: contentWidth - 150 },
      ],
      file.fields.map((f) => [f.label, f.value]),
    );
  }

  for (const section of file.sections) {
    heading(doc, section.heading);
    doc.font('regular').fontSize(10).fillColor(INK);
    for (const p of section.paragraphs) {
      ensureSpace(doc, 24);
      doc.text(p, PAGE.side, doc.y, { width: contentWidth, paragraphGap: 6 });
    }
  }

  heading(doc, 'Timeline');
  if (file.timeline.length === 0) doc.font('regular').fontSize(10).text('No events.');
  else
    table(
      doc,
      [
        { title: 'When', width: 82 },
        { title: 'Who', width: 100 },
        { title: 'What', width: contentWidth - 182 },
      ],
      file.timeline.map((e) => [
        caseTime(e.at),
        e.actor,
        [
          { text: e.event, font: 'bold' as const },
          ...(e.detail ? [{ text: e.detail }] : []),
          ...(e.hashes ?? []).map((h) => ({ text: `${h.label}: ${h.value}`, font: 'mono' as const, size: 6.5 })),
        ],
      ]),
    );

  heading(doc, 'Evidence');
  if (file.evidence.length === 0) doc.font('regular').fontSize(10).text('No evidence files.');
  else
    table(
      doc,
      [
        { title: 'File', width: contentWidth - 110 },
        { title: 'Size', width: 110 },
      ],
      file.evidence.map((e) => [
        [
          { text: e.name, font: 'bold' as const },
          { text: `Status: ${e.status}` },
          { text: `SHA-256 ${e.sha256}`, font: 'mono' as const, size: 7 },
        ],
        formatSize(e.size),
      ]),
    );

  heading(doc, 'Annex: signature and receipt hashes');
  doc.font('regular').fontSize(9).fillColor(SOFT).text('Each value below identifies a signed message or receipt in the transparency log, or quotes exactly a time that was signed; a reader can check them against a proof bundle with `parley verify`.', { width: contentWidth });
  doc.moveDown(0.4);
  if (file.hashes.length === 0) doc.font('regular').fontSize(10).fillColor(INK).text('None.');
  else
    table(
      doc,
      [{ title: 'Hash', width: contentWidth }],
      file.hashes.map((h) => [[{ text: h.label, font: 'bold' as const }, { text: h.value, font: 'mono' as const, size: 7 }]]),
    );

  decoratePages(doc, file);
  doc.end();
  return done;
}
