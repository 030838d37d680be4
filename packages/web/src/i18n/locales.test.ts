import { describe, expect, it } from 'vitest';
import { caseStatusWords } from '../../../core/src/api/labels.js';
import { messages as en } from './en.js';
import { messages as fr } from './fr.js';
import { isLocale, locales, pickLocale } from './locales.js';

/** Every leaf of a messages tree, by its path ("consultations.detail.title"). */
function leaves(node: unknown, path = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (typeof node === 'object' && node !== null && !Array.isArray(node)) {
    for (const [k, v] of Object.entries(node)) leaves(v, path ? `${path}.${k}` : k, out);
  } else {
    out.set(path, node);
  }
  return out;
}

const NUMBERS = new Set(['n', 'rows', 'valid', 'bad', 'total', 'line', 'percent', 'hours', 'evidence', 'queued', 'status']);

/** Sample arguments for a message function, by the names of its parameters, as isolate.test.ts reads them. */
function sampleArgs(fn: (...a: never[]) => unknown, number: number): unknown[] {
  const params = /^\(([^)]*)\)/.exec(fn.toString())?.[1] ?? '';
  return params
    .split(',')
    .map((p) => p.trim().split(/[\s:=]/)[0]!)
    .filter(Boolean)
    .map((p) => (p === 'items' ? ['XAB', 'XAC', 'XAD'] : NUMBERS.has(p) ? number : `«${p}»`));
}

const english = leaves(en);
const french = leaves(fr);

describe('the French messages', () => {
  it('have exactly the keys of the English ones, each of the same kind', () => {
    expect([...french.keys()].sort()).toEqual([...english.keys()].sort());
    const differing = [...english].filter(([path, value]) => {
      const other = french.get(path);
      if (typeof value !== typeof other) return true;
      if (Array.isArray(value)) return !Array.isArray(other) || other.length !== value.length;
      if (typeof value === 'function') return (other as (...a: never[]) => unknown).length !== value.length;
      return false;
    });
    expect(differing.map(([path]) => path)).toEqual([]);
    // The walk reached the nested modules, not just the top level.
    expect(english.size).toBeGreaterThan(1500);
  });

  it('are all written: no sentence empty, none left as the English one', () => {
    const empty = [...french].filter(([, v]) => v === '' || (Array.isArray(v) && v.some((s) => !s))).map(([p]) => p);
    expect(empty).toEqual([]);
    // Words that are spelt alike in both languages; any other sentence equal to the English one was missed.
    const alike = new Set(['Parley', 'Message', 'Messages', 'Notification', 'Notifications', 'Consultation', 'Consultations', 'Menu', 'Attribution', 'Exports', 'Type', 'Organisation', 'Version', 'Position', 'Source', 'Conditions', 'Note', 'Notes', 'Articles', 'Instruments', 'Parties']);
    const same = [...french].filter(([path, v]) => typeof v === 'string' && v === english.get(path) && !/^[\p{Lu}\d\s\W]*$/u.test(v) && !alike.has(v));
    expect(same.map(([p, v]) => `${p}: ${v as string}`)).toEqual([]);
  });

  it('give non-empty text for every function, with sample arguments, for one and for several', () => {
    const broken: string[] = [];
    for (const [path, value] of french) {
      if (typeof value !== 'function') continue;
      for (const number of [0, 1, 2, 5]) {
        const out = (value as (...a: unknown[]) => unknown)(...sampleArgs(value as (...a: never[]) => unknown, number));
        if (typeof out !== 'string' || !out.trim() || /undefined|NaN|\[object /.test(out)) broken.push(`${path}(${number}): ${String(out)}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('agree in number with what they count', () => {
    expect(fr.consultations.count(1)).toBe('1 consultation');
    expect(fr.consultations.count(3)).toBe('3 consultations');
    expect(fr.checks.startAll(1)).toBe('Le pair de confiance (1 État)');
    expect(fr.checks.startAll(4)).toBe('Tous les pairs de confiance (4 États)');
    expect(fr.outbox.period(48)).toBe('2 jours');
    expect(fr.outbox.period(1)).toBe('1 heure');
    expect(fr.requests.sent('demande de conservation rapide', 'XAB')).toBe('La demande de conservation rapide a été envoyée à XAB.');
    expect(fr.requests.sent('information spontanée', 'XAB')).toBe('L’information spontanée a été envoyée à XAB.');
  });

  it('keep a no-break space before : ; ? ! % and inside « », so that no line starts with the sign', () => {
    const loose = [...french]
      .flatMap(([path, v]) => {
        const texts = typeof v === 'string' ? [v] : Array.isArray(v) ? v : typeof v === 'function' ? [String((v as (...a: unknown[]) => unknown)(...sampleArgs(v as (...a: never[]) => unknown, 2)))] : [];
        return texts.filter((s: string) => / [:;?!%»]|« /.test(s)).map((s: string) => `${path}: ${s}`);
      });
    expect(loose).toEqual([]);
  });

  it('say a case’s and a file’s status in French, not in the English words the printed case file shares with the English pages', () => {
    expect(caseStatusWords(fr.consultations, { status: 'sent', outcome: null, side: 'recipient' })).toBe('Reçue, réception non encore accusée');
    expect(caseStatusWords(fr.consultations, { status: 'closed', outcome: 'resolved_or_mitigated', side: 'raiser' })).toBe('Close\u00a0: Résolu ou atténué');
    expect(caseStatusWords(fr.requests, { status: 'sent', outcome: null, side: 'recipient' })).toBe('Reçue, réception non encore accusée');
    expect(caseStatusWords(fr.requests, { status: 'executed', outcome: null, side: 'raiser', decision: 'execute_in_part' })).toBe('Exécutée en partie');
    expect(caseStatusWords(fr.requests, { status: 'closed', outcome: 'refused', side: 'recipient' })).toBe('Close\u00a0: Refusée');
    expect(fr.evidence.statuses).toMatchObject({ stored: 'Conservé sur ce nœud', received: 'Reçu, empreinte vérifiée' });
    expect(fr.evidence.malwareBadge).toBe('Échantillon malveillant');
    expect(fr.nav.menuNotificationsNew(1)).toBe('nouvelle notification');
    expect(fr.nav.menuNotificationsNew(3)).toBe('nouvelles notifications');
  });

  it('leave TLP labels, codes and the product name as they are', () => {
    expect(fr.app.name).toBe('Parley');
    expect(fr.app.title('Page')).toBe('\u2068Page\u2069 — Parley');
    expect(Object.keys(fr.tlp.definitions)).toEqual(['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED']);
    expect(fr.peers.suspendNamed('XAB')).toBe('Suspendre XAB');
  });
});

describe('choosing the language', () => {
  it('keeps the person’s choice over the browser’s preference', () => {
    expect(pickLocale('fr', ['en-GB', 'en'])).toBe('fr');
    expect(pickLocale('en', ['fr-FR'])).toBe('en');
  });

  it('takes the first of the browser’s languages the interface has, by language alone', () => {
    expect(pickLocale(null, ['fr-CH', 'en'])).toBe('fr');
    expect(pickLocale(null, ['de-CH', 'fr', 'en'])).toBe('fr');
    expect(pickLocale(null, ['en-US', 'fr'])).toBe('en');
    expect(pickLocale(null, ['FR-be'])).toBe('fr');
  });

  it('falls back to English for a language it does not have, or a stored value it does not know', () => {
    expect(pickLocale(null, ['de-DE', 'ja'])).toBe('en');
    expect(pickLocale(null, [])).toBe('en');
    expect(pickLocale('xx', ['de'])).toBe('en');
    expect(pickLocale('__proto__', ['fr'])).toBe('fr');
    expect(isLocale('toString')).toBe(false);
  });

  it('names each language in itself', () => {
    expect(locales).toEqual({ en: 'English', fr: 'Français' });
  });
});
