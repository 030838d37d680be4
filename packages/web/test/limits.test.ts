import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// The node's own checks, by path: the web takes no runtime code from core, but these tests hold
// its boxes to them.
import { createContactRequest } from '../../core/src/api/schemas.js';
import { limits } from '../src/limits.js';

const src = new URL('../src/', import.meta.url).pathname;
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.tsx') ? [join(dir, e.name)] : []));

describe('the web interface’s limits are the node’s', () => {
  it('no box states a limit of its own: each names one from the table the node checks with', () => {
    const own: string[] = [];
    for (const file of files(src)) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          // A state code is three letters by its format, not by a limit on text.
          if (/maxChars(=\{|\s*=\s*)\d/.test(line) && !line.includes('maxChars={3}')) own.push(`${file.slice(src.length)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(own).toEqual([]);
  });

  it('the node refuses a contact’s phone number longer than its peers take, however it is spaced', () => {
    const phone = (p: string) =>
      createContactRequest.safeParse({ kind: 'technical', name: 'N', organisation: 'O', email: 'a@b.example', phone: p, languages: ['en'], timeZone: 'UTC', available24x7: true }).success;
    // Spaces between the digits are allowed, so only a limit on the whole keeps it within what peers take.
    const spaced = (n: number) => `+41${' '.repeat(n - 12)}229171234`;
    expect([phone(spaced(limits.contact.phone)), phone(spaced(limits.contact.phone + 1))]).toEqual([true, false]);
  });
});
