import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// The node's own checks, by path: the web takes no runtime code from core, but these tests hold
// its boxes to them.
import { setNormNoteRequest } from '../../core/src/norms/schemas.js';
import { addPeerRequest, createContactRequest, loginRequest, setupRequest, startCheckRequest } from '../../core/src/api/schemas.js';
import { wireIndicator } from '../../protocol/src/messages/consultations.js';
import { messages as t } from '../src/i18n/index.js';
import { limits } from '../src/limits.js';
import { SOURCES_BOX, sourcesProblems } from '../src/norm-sources.js';

const src = new URL('../src/', import.meta.url).pathname;
const files = (dir: string, ext: RegExp): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name), ext) : ext.test(e.name) && !e.name.includes('.test.') ? [join(dir, e.name)] : [],
  );

/** Each line of the web's sources that matches `pattern`, as file:line: text. */
const linesMatching = (ext: RegExp, pattern: RegExp, except: (line: string) => boolean = () => false): string[] =>
  files(src, ext).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line, i) => (pattern.test(line) && !except(line) ? [`${file.slice(src.length)}:${i + 1}: ${line.trim()}`] : [])),
  );

describe('the web interface’s limits are the node’s', () => {
  it('no box states a limit of its own: each names one from the table the node checks with', () => {
    // A state code is three letters by its format, not by a limit on text.
    expect(linesMatching(/\.tsx$/, /\b(maxChars|min|max)(=\{|\s*=\s*)['"]?\d/, (line) => line.includes('maxChars={3}'))).toEqual([]);
  });

  it('no message states a limit in a number of its own', () => {
    expect(linesMatching(/\.tsx?$/, /\b\d[\d,_]*\s+(characters|minutes)\b|\bFrom \d+ to \d+/)).toEqual([]);
  });

  it('the minutes a check may wait are the node’s, in the box, its hint and its messages', () => {
    const start = (minutes: number) => startCheckRequest.safeParse({ minutes });
    const { minutesMin: min, minutesMax: max } = limits.check;
    expect([start(min).success, start(max).success]).toEqual([true, true]);
    expect([start(min - 1).error?.issues[0]?.message, start(max + 1).error?.issues[0]?.message]).toEqual([t.checks.minutesTooFew, t.checks.minutesTooMany]);
    expect([t.checks.minutesTooFew, t.checks.minutesTooMany]).toEqual(['Give at least 5 minutes.', 'Give at most 10080 minutes (7 days).']);
    expect(t.checks.minutesHint).toMatch(/^From 5 to 10080 \(7 days\);/);
  });

  it('the node refuses one character past each limit the boxes now take, and accepts the limit', () => {
    const password = (n: number) => 'pässwörd-'.repeat(40).slice(0, n);
    const setup = (p: string) => setupRequest.safeParse({ token: 't'.repeat(40), password: p }).success;
    expect([setup(password(limits.account.password)), setup(password(limits.account.password + 1))]).toEqual([true, false]);
    const login = (p: string) => loginRequest.safeParse({ email: 'a@b.example', password: p }).success;
    expect([login(password(limits.account.password)), login(password(limits.account.password + 1))]).toEqual([true, false]);

    const note = (sources: string[]) => setNormNoteRequest.safeParse({ entry: 'gge2015-13h', text: 'Note', sources }).success;
    expect(note(Array(limits.norms.noteSources).fill('𠀀'.repeat(limits.norms.source)))).toBe(true);
    expect(note(Array(limits.norms.noteSources + 1).fill('A/RES/1'))).toBe(false);
    expect(note(['𠀀'.repeat(limits.norms.source + 1)])).toBe(false);

    const url = (n: number) => `https://example.org/${'a'.repeat(n - 'https://example.org/'.length)}`;
    const peer = (u: string) => addPeerRequest.safeParse({ url: u, fingerprint: `SHA256:${'A'.repeat(43)}` });
    expect(peer(url(limits.peerUrl)).success).toBe(true);
    expect(peer(url(limits.peerUrl + 1)).error?.issues[0]?.message).toBe('A node’s address has at most 500 characters; give its base address, such as https://parley.mfa.example.');
    expect(wireIndicator.safeParse({ type: 'url', value: url(limits.indicator.value) }).success).toBe(true);
    expect(wireIndicator.safeParse({ type: 'url', value: url(limits.indicator.value + 1) }).success).toBe(false);
  });

  it('the node refuses a contact’s phone number longer than its peers take, however it is spaced', () => {
    const phone = (p: string) =>
      createContactRequest.safeParse({ kind: 'technical', name: 'N', organisation: 'O', email: 'a@b.example', phone: p, languages: ['en'], timeZone: 'UTC', available24x7: true }).success;
    // Spaces between the digits are allowed, so only a limit on the whole keeps it within what peers take.
    const spaced = (n: number) => `+41${' '.repeat(n - 12)}229171234`;
    expect([phone(spaced(limits.contact.phone)), phone(spaced(limits.contact.phone + 1))]).toEqual([true, false]);
  });
});

describe('the norm sources box', () => {
  it('holds as many full sources as the node takes, one per line', () => {
    expect(SOURCES_BOX).toBe(limits.norms.noteSources * limits.norms.source + limits.norms.noteSources - 1);
  });

  it('names what the node would refuse: too many sources, or a line too long, counted in characters', () => {
    expect(sourcesProblems(Array(limits.norms.noteSources).fill('𠀀'.repeat(limits.norms.source)))).toEqual([]);
    expect(sourcesProblems(Array(21).fill('A/RES/1'))).toEqual(['Give at most 20 sources; there are 21.']);
    expect(sourcesProblems(['A/RES/1', 'x'.repeat(501)])).toEqual(['Source 2 has 501 characters; a source has at most 500.']);
  });
});
