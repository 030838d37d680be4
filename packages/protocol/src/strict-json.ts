/**
 * JSON as every signed part of the protocol is read: RFC 8259 through `JSON.parse`, but refusing
 * an object that names one member twice. RFC 8259 leaves such an object's meaning to each
 * parser: `JSON.parse` keeps the last value, other parsers the first or an error, so two
 * implementations could read different recipients, senders or hashes from the same signed
 * bytes. RFC 7515 §4 allows a JWS header's duplicates to be refused, or the last value kept.
 *
 * A reviver cannot tell (it sees the object after the later value has replaced the earlier), and
 * a second parser written in JavaScript would read the whole text again. So the text is parsed by
 * `JSON.parse`, which also checks its syntax, and then a duplicate shows as a difference in count:
 * every member written in the text has exactly one colon outside strings, and every member the
 * parser kept is one own key of one object in the value. A duplicate is written twice but kept
 * once. Both counts take one pass each: about 2 µs more for the example envelope of protocol §3.1,
 * which `JSON.parse` alone reads in about 4 µs, far below the cost of checking its signature.
 */

export class DuplicateMemberError extends SyntaxError {
  override readonly name = 'DuplicateMemberError';
  constructor() {
    super('an object in the JSON names the same member more than once');
  }
}

/** How deep arrays and objects may nest in a signed part: no message of the protocol needs more than a handful of levels. */
export const MAX_JSON_DEPTH = 64;

export class TooDeeplyNestedError extends SyntaxError {
  override readonly name = 'TooDeeplyNestedError';
  constructor() {
    super(`the JSON nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`);
  }
}

/**
 * Parses `text` as `JSON.parse` does; throws SyntaxError on bad JSON, DuplicateMemberError on a
 * member named twice in one object, TooDeeplyNestedError on arrays and objects nested more than
 * MAX_JSON_DEPTH deep (checked first: every later walk of the value recurses, and a text of a
 * million brackets would exhaust the stack).
 */
export function parseJsonStrict(text: string): unknown {
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) throw new TooDeeplyNestedError();
  const value: unknown = JSON.parse(text);
  if (typeof value === 'object' && value !== null && membersKept(value) !== membersWritten(text)) throw new DuplicateMemberError();
  return value;
}

/** Why `parseJsonStrict`, or the UTF-8 decoding before it, refused a text: the end of a sentence naming what was read. */
export function jsonRefusal(cause: unknown): string {
  if (cause instanceof DuplicateMemberError) return 'names a member twice in one object';
  if (cause instanceof TooDeeplyNestedError) return `nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`;
  return 'is not UTF-8 JSON';
}

/** Whether brackets and braces outside strings nest deeper than `max` in `text`, JSON or not. */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      // Skips the string; a backslash always escapes the character after it.
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (ch === 0x5b /* [ */ || ch === 0x7b /* { */) {
      if (++depth > max) return true;
    } else if (ch === 0x5d /* ] */ || ch === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}

/** Colons outside strings: one per member in text that `JSON.parse` accepted. */
function membersWritten(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3a /* : */) count++;
    else if (c === 0x22 /* " */) {
      // Jumps to the closing quote: the first one after an even number of backslashes (the text
      // parsed, so there is one).
      for (;;) {
        i = text.indexOf('"', i + 1);
        let escapes = 0;
        while (text.charCodeAt(i - 1 - escapes) === 0x5c /* \ */) escapes++;
        if (escapes % 2 === 0) break;
      }
    }
  }
  return count;
}

/** Own keys of every object in a parsed value. */
function membersKept(value: object): number {
  let count = 0;
  if (Array.isArray(value)) {
    for (const item of value) if (typeof item === 'object' && item !== null) count += membersKept(item as object);
  } else {
    for (const key of Object.keys(value)) {
      count++;
      const item = (value as Record<string, unknown>)[key];
      if (typeof item === 'object' && item !== null) count += membersKept(item);
    }
  }
  return count;
}
