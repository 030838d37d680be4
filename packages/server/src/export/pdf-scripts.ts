import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import bidiModule, { type Bidi } from 'bidi-js';
import PDFDocument from 'pdfkit';

/**
 * A pdfkit document that prints the scripts of the six UN languages, whatever the text's language:
 *
 * - **Latin, Cyrillic, Greek, Arabic and Hebrew** with DejaVu Sans (the dejavu-fonts-ttf package),
 *   which has their glyphs and the OpenType tables fontkit shapes Arabic with (joined letters,
 *   lam-alef).
 * - **Chinese (and Japanese kana)** with Noto Sans SC, and **Korean** with Noto Sans KR (the
 *   @expo-google-fonts/noto-sans-sc and noto-sans-kr packages, regular and bold, each read only
 *   when a document needs it). A string with a Han, kana or full-width character is set in Noto
 *   Sans SC, else one with Hangul in Noto Sans KR: both have Latin glyphs, so a Chinese title with
 *   a reference number in it stays in one face.
 * - **Fallback per run of characters**: within such a string, the characters its face lacks are
 *   set in the face that has them, measured and drawn run by run: Arabic and Hebrew in DejaVu Sans
 *   (neither CJK face has them), Hangul in Noto Sans KR (Noto Sans SC has none), Chinese in Noto
 *   Sans SC (Noto Sans KR has only the hanja of Korean). So one string may mix Chinese and Arabic.
 * - **Right-to-left text** in its reading order. pdfkit lays a line out left to right, word by
 *   word, and fontkit reverses the letters of each Arabic word, so before this class an Arabic
 *   sentence came out with its words in the wrong order. Each line is now put in visual order by
 *   the Unicode Bidirectional Algorithm (UAX #9, with bidi-js), mirrored brackets included, and
 *   drawn as runs of one direction. A text's base direction is that of its first strong
 *   character, as a browser's `dir="auto"`; a right-to-left text is aligned right unless the
 *   caller chose an alignment.
 *
 * The faces are registered as `regular`, `bold` and `mono`; a caller picks one with `font(name)`
 * and this class swaps in the Chinese face when the text asks for it. It overrides two internals
 * of pdfkit 0.20 (`_fragment`, which draws one laid-out line, and the font kept in `_font`); the
 * tests in pdf-scripts.test.ts read the text back from the PDF, so a pdfkit that changed them
 * would fail there.
 */

const require = createRequire(import.meta.url);

const FACES = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
  mono: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSansMono.ttf'),
} as const;
export type Face = keyof typeof FACES;

/** The faces for scripts DejaVu has no glyphs for, by script and weight; each about 6 to 10 MB. */
const EAST_ASIAN_FACES = {
  sc: {
    regular: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
    bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
  },
  kr: {
    regular: '@expo-google-fonts/noto-sans-kr/400Regular/NotoSansKR_400Regular.ttf',
    bold: '@expo-google-fonts/noto-sans-kr/700Bold/NotoSansKR_700Bold.ttf',
  },
} as const;
type EastAsian = keyof typeof EAST_ASIAN_FACES;
type Weight = 'regular' | 'bold';
/** Which face a run of characters is set in: the caller's (DejaVu), or an East Asian one. */
type RunFace = 'caller' | EastAsian;

/** Han, kana, bopomofo, CJK punctuation and full-width forms: text DejaVu has no glyphs for. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Bopomofo}\u3000-\u303f\uff00-\uffef]/u;
/** Hangul syllables and letters, which only Noto Sans KR has. */
const HANGUL = /\p{Script=Hangul}/u;
/** Strong right-to-left characters (Hebrew, Arabic, Syriac, Thaana, N'Ko and their presentation forms). */
const RTL = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]|[\u{10800}-\u{10fff}\u{1e800}-\u{1efff}]/u;
/** Strong characters of either direction, to find the first one. */
const STRONG = /[\p{L}\p{Extended_Pictographic}]/u;

/** The East Asian faces, read from disk once, and only when a document needs them. */
const eastAsianFonts = new Map<string, Buffer>();
function eastAsianFont(script: EastAsian, weight: Weight): Buffer {
  const path = EAST_ASIAN_FACES[script][weight];
  let font = eastAsianFonts.get(path);
  if (!font) {
    font = readFileSync(require.resolve(path));
    eastAsianFonts.set(path, font);
  }
  return font;
}

/** The face a string is set in: Noto Sans SC if it has Chinese or kana, else Noto Sans KR if it has Hangul, else the caller's. */
export function mainFace(text: string): RunFace {
  return CJK.test(text) ? 'sc' : HANGUL.test(text) ? 'kr' : 'caller';
}

/** The face one character is set in, in a string set in `main`: its own script's if `main` lacks it. */
function faceOf(ch: string, main: RunFace): RunFace {
  if (CJK.test(ch)) return 'sc';
  if (HANGUL.test(ch)) return 'kr';
  // Neither East Asian face has Arabic or Hebrew; everything else (Latin, digits, punctuation,
  // spaces, Cyrillic, Greek) is in all three, and stays in the string's face.
  if (main !== 'caller' && RTL.test(ch)) return 'caller';
  return main;
}

/** `text` cut into runs of one face each, in order; a space stays in the face of the run it follows. */
export function faceRuns(text: string, main: RunFace): { text: string; face: RunFace }[] {
  const runs: { text: string; face: RunFace }[] = [];
  for (const ch of text) {
    const last = runs[runs.length - 1];
    const face = last && /\s/.test(ch) ? last.face : faceOf(ch, main);
    if (last?.face === face) last.text += ch;
    else runs.push({ text: ch, face });
  }
  return runs;
}

// The package is CommonJS whose export is the factory; its types declare it as an ES default export.
const bidi = (bidiModule as unknown as () => Bidi)();

/** Whether a text reads right to left: its first strong character does, as `dir="auto"` decides in a browser. */
export function isRightToLeft(text: string): boolean {
  for (const ch of text) if (STRONG.test(ch)) return RTL.test(ch);
  return false;
}

/** A run of a laid-out line: characters of one embedding level, in visual order, or a gap of spaces. */
interface Run {
  text: string;
  space: boolean;
}

/**
 * A line's runs in visual order (left to right): the line reordered by the Unicode Bidirectional
 * Algorithm with `rtl` as its base direction, mirrored characters swapped, cut at spaces and at
 * every change of embedding level.
 */
export function visualRuns(line: string, rtl: boolean): Run[] {
  const levels = bidi.getEmbeddingLevels(line, rtl ? 'rtl' : 'ltr');
  const mirrored = bidi.getMirroredCharactersMap(line, levels.levels);
  const order = bidi.getReorderedIndices(line, levels);
  const runs: Run[] = [];
  let current: (Run & { level: number }) | undefined;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    let ch = line[i]!;
    // A surrogate pair reversed with its run is put back in order here.
    if (ch >= '\ud800' && ch <= '\udbff') continue; // taken with its low surrogate
    if (ch >= '\udc00' && ch <= '\udfff' && i > 0) {
      const high = line[i - 1]!;
      if (high >= '\ud800' && high <= '\udbff') ch = high + ch;
    } else ch = mirrored.get(i) ?? ch;
    const space = /\s/.test(ch);
    const level = levels.levels[i]!;
    if (!current || current.space !== space || (!space && current.level !== level)) {
      current = { text: '', space, level };
      runs.push(current);
    }
    current.text += ch;
  }
  return runs.map(({ text, space }) => ({ text, space }));
}

/** Reverses a string by code point. */
const reversed = (s: string) => [...s].reverse().join('');

type TextOptions = PDFKit.Mixins.TextOptions;

/** The parts of pdfkit this class reaches into: what it draws a line with, and its font object. */
interface PdfkitInternals {
  _fragment(text: string, x: number, y: number, options: TextOptions & { lineWidth?: number }): void;
  _font: { font: { layout(text: string): { direction: 'ltr' | 'rtl' } } };
}

export class ScriptedDocument extends PDFDocument {
  /** The face the caller asked for, before any swap for Chinese or Korean. */
  private face: Face = 'regular';
  /** The face of the string being written, and whether some of its characters need another. */
  private main: RunFace = 'caller';
  private mixed = false;
  /** The base direction of the text being written, for its lines. */
  private rightToLeft = false;
  private readonly registered = new Set<string>();
  /** Whether a text is being written or measured: pdfkit measures its words through the same methods. */
  private inside = false;

  constructor(options?: PDFKit.PDFDocumentOptions) {
    super(options);
    for (const [name, path] of Object.entries(FACES)) this.registerFont(name, path);
  }

  override font(src: PDFKit.Mixins.PDFFontSource, family?: string, size?: number): this;
  override font(src: PDFKit.Mixins.PDFFontSource, size?: number): this;
  override font(src: PDFKit.Mixins.PDFFontSource, a?: string | number, b?: number): this {
    if (typeof src === 'string' && src in FACES) this.face = src as Face;
    return super.font(src, a as string, b);
  }

  override text(text: string, x?: number | TextOptions, y?: number, options?: TextOptions): this {
    const opts = typeof x === 'object' ? x : options;
    return this.inScript(String(text ?? ''), opts, (o) => (typeof x === 'object' ? super.text(text, o) : super.text(text, x, y, o)));
  }

  override heightOfString(text: string, options?: TextOptions): number {
    return this.inScript(String(text ?? ''), options, (o) => super.heightOfString(text, o));
  }

  override widthOfString(text: string, options?: TextOptions): number {
    // pdfkit measures each word of a text being written through here: a word of several faces is
    // measured run by run, each in the face it will be drawn in.
    const s = String(text ?? '');
    return this.inScript(s, options, (o) => (this.mixed ? this.widthInFaces(s, o) : super.widthOfString(text, o)));
  }

  private widthInFaces(text: string, options?: TextOptions): number {
    const runs = faceRuns(text, this.main);
    const spacing = (options?.characterSpacing ?? 0) + (options?.wordSpacing ?? 0);
    const plain = { ...options, characterSpacing: 0, wordSpacing: 0 };
    const width = runs.reduce((w, r) => w + this.inFace(r.face, () => super.widthOfString(r.text, plain)), 0);
    return width + spacing * Math.max(0, [...text].length - 1);
  }

  /** Runs `f` with the font of `face` (at the caller's weight), then goes back to the string's face. */
  private inFace<T>(face: RunFace, f: () => T): T {
    if (face === this.main) return f();
    this.useFace(face);
    try {
      return f();
    } finally {
      this.useFace(this.main);
    }
  }

  private useFace(face: RunFace): void {
    if (face === 'caller') super.font(this.face);
    else this.useEastAsian(face, this.face === 'bold' ? 'bold' : 'regular');
  }

  /** Runs `write` with the face the text needs and its base direction, then restores the caller's face. */
  private inScript<T>(text: string, options: TextOptions | undefined, write: (options: TextOptions | undefined) => T): T {
    if (this.inside) return write(options);
    const face = this.face;
    this.main = mainFace(text);
    this.mixed = this.main !== 'caller' && faceRuns(text, this.main).length > 1;
    if (this.main !== 'caller') this.useFace(this.main);
    this.inside = true;
    this.rightToLeft = isRightToLeft(text);
    try {
      return write(this.rightToLeft && options?.align === undefined && options?.width !== undefined ? { ...options, align: 'right' } : options);
    } finally {
      this.inside = false;
      this.rightToLeft = false;
      this.mixed = false;
      if (this.main !== 'caller') this.font(face);
      this.main = 'caller';
    }
  }

  private useEastAsian(script: EastAsian, weight: Weight): void {
    const name = `${script}-${weight}`;
    if (!this.registered.has(name)) {
      this.registerFont(name, eastAsianFont(script, weight));
      this.registered.add(name);
    }
    super.font(name);
  }

  /**
   * A ligature of right-to-left letters (lam-alef) is drawn in visual order, but its entry in the
   * font's ToUnicode map lists its letters in logical order, so a reader that turns a line back into
   * logical order (pdf.js, Acrobat) swapped them: copied text read "ال" for "لا". Such entries are
   * written reversed, so the copied text is what was written.
   */
  override end(): void {
    const fonts = (this as unknown as { _fontFamilies: Record<string, { unicode?: number[][] }> })._fontFamilies;
    // A font is listed under each name it was asked for by: each is changed once.
    for (const font of new Set(Object.values(fonts))) {
      font.unicode?.forEach((codePoints, gid) => {
        if (codePoints.length > 1 && codePoints.every((c) => RTL.test(String.fromCodePoint(c)))) font.unicode![gid] = [...codePoints].reverse();
      });
    }
    super.end();
  }

  /**
   * Draws one laid-out line: as pdfkit does when it is all left to right in one face, else run by
   * run in visual order, each run in its face.
   */
  _fragment(text: string, x: number, y: number, options: TextOptions & { lineWidth?: number }): void {
    const internals = PDFDocument.prototype as unknown as PdfkitInternals;
    const line = text.replace(/\n/g, '');
    if (!this.rightToLeft && !RTL.test(line) && !this.mixed) return internals._fragment.call(this, text, x, y, options);
    const trimmed = line.trim();
    if (!trimmed) return;
    const layout = (r: { text: string; face: RunFace }) => this.inFace(r.face, () => (this as unknown as PdfkitInternals)._font.font.layout(r.text).direction);
    // A run is cut where its face changes; a space is drawn in the face of the run before it.
    // fontkit reverses a run it reads as right to left, so such a run is handed over in logical
    // order: it then shapes the letters in the order they join, and lays them out in the visual one.
    const runs: { text: string; space: boolean; face: RunFace }[] = [];
    for (const r of visualRuns(trimmed, this.rightToLeft)) {
      if (r.space) runs.push({ ...r, face: runs[runs.length - 1]?.face ?? this.main });
      else for (const f of faceRuns(r.text, this.main)) runs.push({ ...f, space: false, text: layout(f) === 'rtl' ? reversed(f.text) : f.text });
    }
    const plain = { ...options, align: 'left' as const, width: undefined, wordSpacing: 0 };
    const widths = runs.map((r) => this.inFace(r.face, () => super.widthOfString(r.text, plain)));
    const total = widths.reduce((a, b) => a + b, 0);
    const room = options.lineWidth ?? options.width ?? total;
    let at = x;
    if (options.align === 'right' || (options.align === 'justify' && this.rightToLeft)) at += room - total;
    else if (options.align === 'center') at += (room - total) / 2;
    runs.forEach((r, i) => {
      if (!r.space) this.inFace(r.face, () => internals._fragment.call(this, r.text, at, y, plain));
      at += widths[i]!;
    });
  }
}
