import { describe, expect, it } from 'vitest';
import { isDomainError } from '../errors.js';
import { checkNormCsv } from './csv.js';

const header = 'state,entry,position,statement,source,date';

describe('CSV of positions', () => {
  it('reports exactly the bad rows of 200, with their line numbers and reasons', () => {
    const letters = 'abcdefghijk';
    const rows: string[] = [];
    for (let i = 0; i < 200; i++) rows.push(`XAB,gge2015-13${letters[i % 11]},endorses,"Statement ${i}, with a comma",A/C.1/78/PV.${i},2024-01-${String((i % 28) + 1).padStart(2, '0')}`);
    // Different states so that no row repeats a state and entry.
    const unique = rows.map((r, i) => r.replace(/^XAB/, `X${String.fromCharCode(65 + Math.floor(i / 11) % 26)}${String.fromCharCode(65 + (i % 11))}`));
    unique[16] = 'XZZ,gge2015-13q,endorses,,src,2024-01-01'; // line 18: unknown entry
    unique[99] = 'XZY,gge2015-13a,maybe,,src,2024-01-01'; // line 101: position outside the list
    unique[149] = 'XZX,gge2015-13a,endorses,Said so,,2024-01-01'; // line 151: statement without source
    const r = checkNormCsv([header, ...unique].join('\n'), 'XAA');
    expect(r.rows).toBe(200);
    expect(r.valid).toHaveLength(197);
    expect(r.errors.map((e) => e.line)).toEqual([18, 101, 151]);
    expect(r.errors[0]!.message).toMatch(/gge2015-13q/);
    expect(r.errors[1]!.message).toMatch(/"maybe" is not a position/);
    expect(r.errors[2]!.message).toMatch(/source/);
  });

  it('marks rows of this state as its own and rows of other states as recorded, which need a source', () => {
    const r = checkNormCsv([header, 'XAA,gge2015-13a,endorses,,,', 'XAB,gge2015-13a,does_not_endorse,,,', 'XAC,gge2015-13b,endorses_with_reservations,,A/78/PV.1,'].join('\n'), 'XAA');
    expect(r.valid.map((v) => [v.state, v.origin])).toEqual([
      ['XAA', 'own'],
      ['XAC', 'recorded'],
    ]);
    expect(r.errors).toEqual([{ line: 3, message: expect.stringMatching(/XAB recorded by this node needs a source/) }]);
  });

  it('reads back its own export: positions peers published themselves are refused, not recorded again under this node', () => {
    const exported = ['state,entry,position,statement,source,date,origin', 'XAA,gge2015-13a,endorses,,,,own', 'XAB,gge2015-13a,endorses,,,2024-01-01,published', 'XAC,gge2015-13b,endorses,,A/78/PV.1,,recorded'];
    const r = checkNormCsv(exported.join('\n'), 'XAA');
    expect(r.valid.map((v) => [v.state, v.origin])).toEqual([
      ['XAA', 'own'],
      ['XAC', 'recorded'],
    ]);
    expect(r.errors).toEqual([{ line: 3, message: expect.stringMatching(/^Line 3: XAB published this position itself .*Delete the line/) }]);
    const bad = checkNormCsv([exported[0], 'XAB,gge2015-13a,endorses,,src,,own', 'XAC,gge2015-13a,endorses,,src,,mine'].join('\n'), 'XAA');
    expect(bad.errors.map((e) => e.message)).toEqual([expect.stringMatching(/origin "own" is for positions of this node's state, XAA/), expect.stringMatching(/"mine" is not an origin/)]);
  });

  it('reports a row with too many fields, a bad date and a repeated row', () => {
    const r = checkNormCsv([header, 'XAB,gge2015-13a,endorses,a,b,2024-01-01,extra', 'XAB,gge2015-13b,endorses,,s,2024-02-30', 'XAB,gge2015-13c,endorses,,s,', 'XAB,gge2015-13c,endorses,,s,'].join('\r\n'), 'XAA');
    expect(r.errors.map((e) => e.line)).toEqual([2, 3, 5]);
    expect(r.errors[1]!.message).toMatch(/YYYY-MM-DD/);
    expect(r.errors[2]!.message).toMatch(/line 4/);
  });

  it('reports a statement dated in the future, allowing for the time zones already a day ahead', () => {
    const now = new Date('2026-11-27T12:00:00Z');
    const r = checkNormCsv([header, 'XAB,gge2015-13a,endorses,,s,2030-01-01', 'XAB,gge2015-13b,endorses,,s,2026-11-28', 'XAB,gge2015-13c,endorses,,s,2026-11-29'].join('\n'), 'XAA', now);
    expect(r.errors.map((e) => e.line)).toEqual([2, 4]);
    expect(r.errors[0]!.message).toMatch(/2030-01-01 is in the future/);
  });

  it('refuses a file without the header row', () => {
    try {
      checkNormCsv('XAB,gge2015-13a,endorses,,s,', 'XAA');
      expect.unreachable();
    } catch (e) {
      expect(isDomainError(e) && e.code).toBe('csv_header_invalid');
    }
  });

  it('refuses a file that is not CSV at all (an unclosed quote)', () => {
    try {
      checkNormCsv(`${header}\nXAB,gge2015-13a,endorses,"never closed,s,`, 'XAA');
      expect.unreachable();
    } catch (e) {
      expect(isDomainError(e) && e.code).toBe('csv_malformed');
    }
  });
});

describe('CSV of positions in any script', () => {
  it('refuses a file that is not UTF-8, naming the line and how to save it again', () => {
    // What a browser reads from a file saved in Windows-1256: every Arabic byte becomes U+FFFD.
    const legacy = `${header}\nXAB,gge2015-13a,endorses,\uFFFD\uFFFD\uFFFD\uFFFD,A/78/PV.1,`;
    try {
      checkNormCsv(legacy, 'XAA');
      expect.unreachable();
    } catch (e) {
      expect(isDomainError(e) && e.code).toBe('csv_not_utf8');
      expect((e as Error).message).toContain('line 2');
      expect((e as Error).message).toContain('CSV UTF-8');
    }
  });

  it('counts a statement in characters, and keeps it in NFC as text typed into the node is', () => {
    const chinese = '规'.repeat(5000);
    const ok = checkNormCsv(`${header}\nXAB,gge2015-13a,endorses,${chinese},A/78/PV.1,\nXAC,gge2015-13a,endorses,"Re\u0301serve",A/78/PV.1,`, 'XAA');
    expect(ok.errors).toEqual([]);
    expect(ok.valid.map((r) => r.statement)).toEqual([chinese, 'R\u00e9serve']);
    const emoji = '🤝'.repeat(5000);
    expect(checkNormCsv(`${header}\nXAB,gge2015-13a,endorses,${emoji},A/78/PV.1,`, 'XAA').errors).toEqual([]);
    expect(checkNormCsv(`${header}\nXAB,gge2015-13a,endorses,${emoji}🤝,A/78/PV.1,`, 'XAA').errors.map((e) => e.message)).toEqual(['Line 2: the statement has more than 5000 characters.']);
  });
});
