import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

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
});
