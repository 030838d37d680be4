import { describe, expect, it } from 'vitest';
import { formatDuration, formatSpan, messages as t } from './index.js';
import { messages as fr } from './fr.js';
import { FSI, PDI, isolate } from './isolate.js';

const ARABIC_NAME = 'أحمد المنصوري';

describe('isolate', () => {
  it('sets a value apart with FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE', () => {
    expect(isolate(ARABIC_NAME)).toBe(`\u2068${ARABIC_NAME}\u2069`);
    expect([FSI, PDI]).toEqual(['\u2068', '\u2069']);
  });

  it('leaves an empty value empty', () => {
    expect(isolate('')).toBe('');
  });
});

describe('messages', () => {
  it('isolate an Arabic name inside an English sentence, not the sentence around it', () => {
    expect(t.contacts.created(ARABIC_NAME)).toBe(`${FSI}${ARABIC_NAME}${PDI} has been added.`);
    expect(t.contacts.retireConfirm(ARABIC_NAME)).toMatch(new RegExp(`^Retire ${FSI}${ARABIC_NAME}${PDI}\\? `));
  });

  it('isolate a state’s name but not its code', () => {
    expect(t.peers.addedFlash('XAB', 'بورياليس')).toBe(`XAB (${FSI}بورياليس${PDI}) is now a trusted peer. This node has sent it its directory.`);
    expect(t.common.stateOption('XAB', 'Borealis')).toBe(`XAB — ${FSI}Borealis${PDI}`);
  });

  it('isolate a title someone wrote in the document title', () => {
    expect(t.app.title('هجوم على شبكة الكهرباء')).toBe(`${FSI}هجوم على شبكة الكهرباء${PDI} — Parley`);
  });

  it('leave numbers, durations and the interface’s own words without isolates', () => {
    for (const s of [formatDuration(4.5), formatDuration(125), formatSpan(90 * 60_000), t.checks.startAll(3), t.consultations.normsChosen(2), t.peers.suspended('XAB')]) {
      expect(s).not.toMatch(/[\u2068\u2069]/);
    }
  });

  /**
   * Every message that takes a value a person wrote, named as the modules name such values,
   * isolates it. A new sentence that interpolates a name or a title without `isolate` fails here.
   */
  it.each([
    ['English', t],
    ['French', fr],
  ])('isolate every interpolated name, title, reference or person, wherever they are (%s)', (_language, words) => {
    const PERSONAL = new Set(['name', 'title', 'who', 'person', 'email', 'reference', 'by', 'page', 'contact']);
    const checked: string[] = [];
    const bare: string[] = [];
    const visit = (node: unknown, path: string) => {
      if (typeof node === 'function') {
        const params = /^\(([^)]*)\)/
          .exec(node.toString())?.[1]!
          .split(',')
          .map((p) => p.trim().split(/[\s:=]/)[0]!)
          .filter(Boolean);
        if (!params?.some((p) => PERSONAL.has(p))) return;
        const args = params.map((p, i) => (PERSONAL.has(p) ? `probe${i}` : 'x'));
        const out = (node as (...a: string[]) => string)(...args);
        params.forEach((p, i) => {
          if (PERSONAL.has(p) && !out.includes(`${FSI}probe${i}${PDI}`)) bare.push(`${path}: ${p}`);
        });
        checked.push(path);
      } else if (typeof node === 'object' && node !== null) {
        for (const [k, v] of Object.entries(node)) visit(v, path ? `${path}.${k}` : k);
      }
    };
    visit(words, '');
    expect(bare).toEqual([]);
    // The walk found the sentences it is meant to check.
    expect(checked).toEqual(expect.arrayContaining(['contacts.created', 'users.roleFor', 'tokens.revokeConfirm', 'drafts.editTitle', 'requests.related.option', 'evidence.uploaded']));
  });
});
