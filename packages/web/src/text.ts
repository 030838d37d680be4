/**
 * Lengths of text as the node counts them. Every limit on text a person writes counts characters,
 * that is Unicode code points, of the text brought to NFC (`text()` and `characterCount` in core's
 * `api/fields.ts`), as every node checks a message it receives. JavaScript's `length`, `slice` and
 * the HTML `maxlength` attribute count UTF-16 units instead, in which an emoji or a rare Chinese
 * character (outside the Basic Multilingual Plane) is two: a field limited by `maxlength` stops at
 * half the node's limit in such text, and `slice` can cut such a character in half. Text is
 * therefore counted and cut here.
 */

/** Characters as the node's limits count them: Unicode code points. */
export function characterCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    n++;
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  return n;
}

/**
 * Characters as the node counts them against a limit: those of the text in NFC, the form the node
 * stores, so that "é" typed as e + U+0301 (as macOS writes names) counts as the one it becomes.
 */
export function nodeLength(s: string): number {
  return characterCount(s.normalize('NFC'));
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The longest start of `s` that has at most `max` characters (`nodeLength`) and ends between two
 * characters as a reader sees them (grapheme clusters): never inside a surrogate pair, an emoji
 * sequence such as a family or a flag, or between a letter and its accent.
 */
export function clipText(s: string, max: number): string {
  if (max <= 0) return '';
  if (nodeLength(s) <= max) return s;
  let end = 0;
  let count = 0;
  // Composition to NFC stays within a grapheme cluster, so the clusters' lengths add up.
  for (const { segment, index } of graphemes.segment(s)) {
    const n = nodeLength(segment);
    if (count + n > max) break;
    count += n;
    end = index + segment.length;
  }
  return s.slice(0, end);
}

/**
 * What a field limited to `max` characters holds after an edit turned `before` into `after`, as
 * the `maxlength` attribute would do it but counting characters: an edit that fits is kept; of
 * text typed or pasted beyond the limit, as much as fits is kept, cut between grapheme clusters;
 * the rest of the field is left as it was. A field already over its limit (filled in from
 * elsewhere) may still be shortened, but not lengthened. `caret` is where the edit ends in the
 * result, to put the cursor back there.
 */
export function limitEdit(before: string, after: string, max: number): { value: string; caret: number } {
  const total = nodeLength(after);
  if (total <= max || total <= nodeLength(before)) return { value: after, caret: -1 };
  // The inserted text lies between what the edit left alone at the start and at the end,
  // compared character by character so that neither end falls inside a surrogate pair.
  const b = [...before];
  const a = [...after];
  let start = 0;
  while (start < b.length && start < a.length && b[start] === a[start]) start++;
  let end = 0;
  while (end < b.length - start && end < a.length - start && b[b.length - 1 - end] === a[a.length - 1 - end]) end++;
  const head = a.slice(0, start).join('');
  const tail = a.slice(a.length - end).join('');
  const fits = clipText(a.slice(start, a.length - end).join(''), max - nodeLength(head + tail));
  return { value: head + fits + tail, caret: head.length + fits.length };
}
