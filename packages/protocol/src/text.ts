/**
 * Text that every party can store and pass on. JSON can carry two things that are not Unicode
 * text, or that stores refuse: the character U+0000, and a UTF-16 surrogate outside a pair
 * (written `\ud800` in JSON), which no UTF-8 encoding exists for. PostgreSQL refuses both in
 * `text` and `jsonb`, so a message holding either could be signed and delivered, yet never
 * stored; such text is refused where it enters, with the place it was found.
 */

/** Where in a JSON value a string (or a member name) that is not storable text was found, and why. */
export interface TextIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

/** Why `s` is not storable text, or undefined when it is. */
export function textProblem(s: string): string | undefined {
  if (s.includes('\u0000')) return 'contains the character U+0000 (NUL), which is not allowed';
  if (!s.isWellFormed()) return 'contains a lone UTF-16 surrogate, which is not Unicode text';
  return undefined;
}

/**
 * Every string in a parsed JSON value, member names included, that is not storable text (at
 * most `limit` of them), by path. Empty when the whole value is storable.
 */
export function unstorableText(value: unknown, limit = 10): TextIssue[] {
  const issues: TextIssue[] = [];
  // One path, grown and shrunk on the way; copied only for an issue.
  const path: (string | number)[] = [];
  const note = (message: string) => {
    if (issues.length < limit) issues.push({ path: [...path], message });
  };
  const visit = (v: unknown): void => {
    if (issues.length >= limit) return;
    if (typeof v === 'string') {
      const message = textProblem(v);
      if (message !== undefined) note(message);
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        visit(v[i]);
        path.pop();
      }
    } else if (typeof v === 'object' && v !== null) {
      for (const [key, item] of Object.entries(v)) {
        path.push(key);
        const message = textProblem(key);
        if (message !== undefined) note(`its member name ${message}`);
        visit(item);
        path.pop();
      }
    }
  };
  visit(value);
  return issues;
}
