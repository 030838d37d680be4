/**
 * A value someone wrote (a person's name, a state's, a title, a file name), set apart from the
 * sentence it is put in, so that its direction cannot reorder the words and punctuation around it:
 * an Arabic name inside an English sentence, or a Latin one inside an Arabic sentence, would
 * otherwise take the full stop or the quotation marks next to it into its own run (Unicode
 * Bidirectional Algorithm, UAX #9). U+2068 FIRST STRONG ISOLATE gives the value the direction of
 * its first strong letter, as `dir="auto"` or `<bdi>` do, and U+2069 POP DIRECTIONAL ISOLATE ends
 * it. Characters rather than `<bdi>`, because a message is a string that also becomes a document
 * title, an accessible name or a confirmation question.
 *
 * Only values that people write are isolated, inside the message modules, where each sentence
 * names what it interpolates: state codes, numbers, times and the interface's own words are not.
 */
export function isolate(value: string): string {
  return value === '' ? value : `${FSI}${value}${PDI}`;
}

export const FSI = '\u2068';
export const PDI = '\u2069';

