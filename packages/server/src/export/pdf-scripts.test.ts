import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { isRightToLeft, ScriptedDocument, visualRuns } from './pdf-scripts.js';

/** One text item read back from a PDF: its text and where it starts and ends on the page. */
interface Item {
  str: string;
  left: number;
  right: number;
  baseline: number;
}

/** Writes `draw` into a one-page A4 document and reads its text items back with pdf.js. */
async function render(draw: (doc: ScriptedDocument) => void): Promise<{ pdf: Buffer; items: Item[] }> {
  const doc = new ScriptedDocument({ size: 'A4', margins: { top: 50, bottom: 50, left: 50, right: 50 } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  draw(doc);
  doc.end();
  const pdf = await done;
  const read = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false }).promise;
  const content = await (await read.getPage(1)).getTextContent();
  await read.destroy();
  const items = content.items
    .filter((i) => 'str' in i && i.str.trim() !== '')
    .map((i) => {
      const item = i as { str: string; transform: number[]; width: number };
      return { str: item.str.trim(), left: item.transform[4]!, right: item.transform[4]! + item.width, baseline: item.transform[5]! };
    });
  return { pdf, items };
}

/** The items of one printed line, top first, as a reader of its direction meets them. */
function lines(items: Item[], rightToLeft: boolean): string[] {
  const rows = new Map<number, Item[]>();
  for (const i of items) {
    const key = Math.round(i.baseline);
    rows.set(key, [...(rows.get(key) ?? []), i]);
  }
  return [...rows.entries()]
    .sort(([a], [b]) => b - a)
    .map(([, row]) =>
      row
        .sort((a, b) => (rightToLeft ? b.left - a.left : a.left - b.left))
        .map((i) => i.str)
        .join(' '),
    );
}

// "لا" and "الاتفاقية" are drawn with the lam-alef ligature.
const ARABIC = 'هجوم على شبكة الكهرباء منذ 12 يوما وفقا للمادة 5 من الاتفاقية، لا غير';

describe('visual order of a line (UAX #9, bidi-js)', () => {
  it('keeps left-to-right text as it is', () => {
    expect(visualRuns('Scanning of networks', false).map((r) => r.text)).toEqual(['Scanning', ' ', 'of', ' ', 'networks']);
  });

  it('puts an Arabic sentence right to left, its number left to right', () => {
    const runs = visualRuns('على شبكة 12 يوما', true).filter((r) => !r.space);
    // Leftmost first: the last word, then the number, then the words before it, each still reversed (visual).
    expect(runs.map((r) => [...r.text].reverse().join(''))).toEqual(['يوما', '21', 'شبكة', 'على']);
  });

  it('keeps an Arabic phrase in an English sentence in place, and mirrors brackets in right-to-left text', () => {
    expect(visualRuns('Reply from وزارة today', false).map((r) => r.text)).toEqual(['Reply', ' ', 'from', ' ', 'ةرازو', ' ', 'today']);
    // "(وزارة)": the opening bracket is the right end, drawn as ")"'s mirror image, so it reads "(" from the left.
    expect(visualRuns('(وزارة)', true).map((r) => r.text)).toEqual(['(ةرازو)']);
  });

  it('keeps a character outside the Basic Multilingual Plane whole in right-to-left text', () => {
    const text = visualRuns('شبكة 🔒 مغلقة', true)
      .map((r) => r.text)
      .join('');
    expect(text).toContain('🔒');
    expect(text).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('takes the base direction from the first strong character, as dir="auto" does', () => {
    expect(isRightToLeft('12: هجوم on the grid')).toBe(true);
    expect(isRightToLeft('On the grid: هجوم')).toBe(false);
    expect(isRightToLeft('2026-11-27')).toBe(false);
  });
});

describe('ScriptedDocument', () => {
  it('prints an Arabic paragraph in reading order, aligned right', async () => {
    const { items } = await render((doc) => doc.font('regular').fontSize(11).text(ARABIC, 50, 50, { width: 400 }));
    expect(lines(items, true)).toEqual([ARABIC]);
    const right = Math.max(...items.map((i) => i.right));
    expect(right).toBeGreaterThan(445); // the box ends at 50 + 400
    expect(right).toBeLessThanOrEqual(450.5);
  });

  it('keeps the reading order when a right-to-left paragraph wraps, line by line', async () => {
    const text = `${ARABIC} ${ARABIC}`;
    const { items } = await render((doc) => doc.font('regular').fontSize(11).text(text, 50, 50, { width: 160 }));
    const printed = lines(items, true);
    expect(printed.length).toBeGreaterThan(2);
    expect(printed.join(' ')).toBe(text);
  });

  it('joins Arabic letters: the same word takes less room shaped than letter by letter', async () => {
    const doc = new ScriptedDocument();
    doc.font('regular').fontSize(12);
    const joined = doc.widthOfString('شبكة');
    const apart = [...'شبكة'].reduce((w, ch) => w + doc.widthOfString(ch), 0);
    expect(joined).toBeLessThan(apart);
  });

  it('prints Chinese in a CJK face, and goes back to the face the caller chose', async () => {
    const chinese = '网络安全事件磋商：请于48小时内确认。';
    const { pdf, items } = await render((doc) => {
      doc.font('bold').fontSize(14).text(chinese, { width: 400 });
      doc.font('regular').fontSize(11).text('Reference XAA-2026-0001', { width: 400 });
    });
    expect(lines(items, false)).toEqual([chinese, 'Reference XAA-2026-0001']);
    const text = pdf.toString('latin1');
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansSC-Bold/);
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/);
    expect(text).not.toMatch(/NotoSansSC-Regular/);
  });

  it('prints Korean in a Korean face, Latin and digits included', async () => {
    const korean = '정보통신기술 사고 협의: 48시간 안에 확인해 주십시오 (XAA-2026-0001)';
    const { pdf, items } = await render((doc) => {
      doc.font('regular').fontSize(12).text(korean, { width: 450 });
      doc.font('bold').fontSize(12).text('한국 국가사이버안보센터', { width: 450 });
    });
    expect(lines(items, false)).toEqual([korean, '한국 국가사이버안보센터']);
    const text = pdf.toString('latin1');
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansKR-Regular/);
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansKR-Bold/);
    // Korean alone brings no Chinese face into the file.
    expect(text).not.toMatch(/NotoSansSC/);
  });

  it('prints one string of Chinese, Arabic and Korean with each run in a face that has it', async () => {
    const chinese = '电网扫描事件';
    const arabic = 'هجوم على الشبكة';
    const mixed = `${chinese}：${arabic} 한국`;
    const { pdf, items } = await render((doc) => doc.font('regular').fontSize(12).text(mixed, { width: 450 }));
    const printed = items.map((i) => i.str).join(' ');
    expect(printed).toContain(chinese);
    expect(printed).toContain('한국');
    // Each Arabic word comes back whole, letters joined and in order: none was set in a face without them.
    for (const word of arabic.split(' ')) expect(printed).toContain(word);
    const text = pdf.toString('latin1');
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansSC-Regular/);
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/);
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansKR-Regular/);
  });

  it('measures a string of several faces run by run, so that it wraps where it is drawn', async () => {
    const doc = new ScriptedDocument();
    doc.font('regular').fontSize(10);
    const chinese = doc.widthOfString('电网扫描事件');
    const arabic = doc.widthOfString('هجوم على الشبكة');
    // Arabic measured in Noto Sans SC would be the width of its empty boxes, one per letter.
    expect(doc.widthOfString('电网扫描事件هجوم على الشبكة')).toBeCloseTo(chinese + arabic, 0);
  });

  it('measures a Chinese string in the face it is printed in', async () => {
    const doc = new ScriptedDocument();
    doc.font('regular').fontSize(10);
    // DejaVu has no Han glyphs: measured with it, every character would be the width of its empty box.
    const measured = doc.heightOfString('网络安全事件磋商'.repeat(20), { width: 200 });
    const lineHeight = doc.heightOfString('A', { width: 200 });
    expect(measured / lineHeight).toBeGreaterThanOrEqual(8); // 160 characters of about 10 pt in 200 pt lines
  });
});
