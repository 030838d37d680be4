/**
 * What the full-text index sees of a text, and what a search is turned into, so that both go
 * through the same hands. PostgreSQL's `simple` configuration splits words at spaces and
 * punctuation and lowercases them; that leaves four gaps for text in the UN languages:
 *
 * - Chinese (and Japanese, and Korean words with their particles) is written without spaces,
 *   so "电网扫描事件" is one word to PostgreSQL and "扫描" never finds it. Runs of those scripts
 *   are indexed as overlapping pairs of characters (bigrams: 电网 网扫 扫描 描事 事件), which
 *   is how Lucene's and Elasticsearch's `cjk` analyzers do it: a search of two characters or
 *   more is the phrase of its own pairs, so it finds exactly the texts holding it, whatever
 *   a dictionary would say a word is. Every character is indexed alone as well, for a search of
 *   one character. (A dictionary segmenter such as Intl.Segmenter cuts a run into words, but a
 *   search that cuts through one of its words, or a name it does not know, then finds nothing;
 *   pg_trgm, the other way to match parts of words, drops non-ASCII letters on a database whose
 *   locale is C, and is not in PGlite unless loaded.)
 * - The same letter can be one code point or several: "é" typed as e + U+0301 (NFD, as macOS
 *   and some keyboards produce) or as U+00E9 (NFC); full-width Latin letters and digits; Arabic
 *   presentation forms. Both sides are brought to NFKC.
 * - Lowercasing non-ASCII letters (É, Ж) depends on the database's locale in PostgreSQL; here
 *   it is JavaScript's, the same on every node.
 * - Punctuation outside ASCII (، 。 « » —) and the Arabic tatweel and vowel marks, which a writer
 *   may or may not type, would otherwise stick to words or tell two spellings of a word apart.
 *
 * ASCII punctuation is left to PostgreSQL's parser, which reads addresses, host names and
 * hyphenated words from it. Stored vectors were made by these functions: a change to them needs
 * a migration that indexes the rows again, as 0011 does.
 */

// Scripts written without spaces between words (and Hangul, whose words carry their particles),
// as Lucene's CJK bigram filter takes them; U+30FC is the Japanese long vowel mark.
const RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc]+/gu;
// Tatweel, and the Arabic vowel and other marks (harakat, shadda, sukun, superscript alef).
const ARABIC_MARKS = /[\u0640\u064b-\u065f\u0670]/gu;
// Neither a letter, a mark nor a digit, and not ASCII: a separator.
const SEPARATOR = /[^\p{L}\p{M}\p{N}\u0000-\u007f]+/gu;

/** The same spelling for the same text: NFKC, lowercase, without Arabic marks, non-ASCII punctuation as spaces. */
export function foldForSearch(text: string): string {
  return text.normalize('NFKC').toLowerCase().normalize('NFKC').replace(ARABIC_MARKS, '').replace(SEPARATOR, ' ').replace(/\s+/g, ' ');
}

const pairs = (chars: string[]) => chars.slice(0, -1).map((c, i) => c + chars[i + 1]);

/**
 * The text to index (with `to_tsvector('simple', …)`) for the given fields: each folded, each run
 * of Chinese, Japanese or Korean as its pairs of characters in place, and the characters of those
 * runs alone at the end, where they cannot join a phrase by accident.
 */
export function searchDocument(fields: readonly string[]): string {
  const singles = new Set<string>();
  const body = fields
    .map((field) =>
      foldForSearch(field).replace(RUN, (run) => {
        const chars = [...run];
        if (chars.length === 1) return ` ${run} `;
        for (const c of chars) singles.add(c);
        return ` ${pairs(chars).join(' ')} `;
      }),
    )
    .join(' ');
  return `${body} ${[...singles].join(' ')}`.replace(/\s+/g, ' ').trim();
}

/**
 * A search as typed (PostgreSQL's web search syntax: words, "a phrase", -word, or) rewritten for
 * `websearch_to_tsquery('simple', …)` against searchDocument's text: folded the same way, and
 * each run of Chinese, Japanese or Korean of two characters or more as the phrase of its pairs
 * (inside the searcher's own quotes, the pairs simply join that phrase).
 */
export function searchQuery(query: string): string {
  const folded = foldForSearch(query);
  let out = '';
  let quoted = false;
  let last = 0;
  for (const m of folded.matchAll(RUN)) {
    const before = folded.slice(last, m.index);
    for (const c of before) if (c === '"') quoted = !quoted;
    out += before;
    const chars = [...m[0]];
    const words = chars.length === 1 ? m[0] : pairs(chars).join(' ');
    // A minus sign right before the run negates it; otherwise keep it apart from what precedes.
    const lead = out === '' || /[\s"-]$/.test(out) ? '' : ' ';
    out += quoted || chars.length === 1 ? `${lead}${words} ` : `${lead}"${words}" `;
    last = m.index + m[0].length;
  }
  return (out + folded.slice(last)).replace(/\s+/g, ' ').trim();
}
