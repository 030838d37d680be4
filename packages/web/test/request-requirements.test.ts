import { describe, expect, it } from 'vitest';
// The node's own check, by path: the web takes no runtime code from core, but this test holds the
// form's marks to it, so that the two cannot drift apart unnoticed.
import { completeness } from '../../core/src/domain/cooperation.js';
import { emptyForm, FIELD_ORDER, requirement, type FormValue } from '../src/requests/form-model.js';
import { requestKinds } from '../src/requests/values.js';

const full: FormValue = {
  ...emptyForm(),
  reference: 'R',
  requestingAuthority: 'A',
  investigatingAuthority: 'A',
  prosecutorOrCourt: 'P',
  caseNumber: 'C',
  proceedings: 'P',
  offence: 'O',
  legalBasis: { instruments: ['budapest_2001'], articles: 'art. 29', channel: 'network_24_7' },
  dataSought: 'D',
  linkToOffence: 'L',
  custodianOrLocation: 'C',
  persons: 'P',
  necessity: 'N',
  procedure: 'P',
  riskToLife: 'R',
  mlaToFollow: true,
  confidentiality: 'C',
  timeLimits: 'T',
  related: [{ request: null, reference: 'P1', kind: 'preservation', note: '' }],
  contact: { name: 'N', position: 'P', phone: '1', email: 'e@example.org', officeHours: 'H', timeZone: 'UTC', preferredChannel: 'C' },
};

/** The full form with one field emptied. */
function without(path: string): { title: string; summary: string; form: FormValue } {
  const r = { title: 'T', summary: 'S', form: structuredClone(full) };
  if (path === 'title' || path === 'summary') return { ...r, [path]: '' };
  const f = r.form as unknown as Record<string, unknown>;
  const [a, b, c] = path.split('.').slice(1);
  if (a === 'legalBasis' && b === 'instruments') r.form.legalBasis.instruments = [];
  else if (a === 'contact' && b) (r.form.contact as unknown as Record<string, string>)[b] = '';
  else if (a === 'mlaToFollow') r.form.mlaToFollow = null;
  else if (a === 'related') r.form.related = [];
  else if (a && !b && !c && typeof f[a] === 'string') f[a] = '';
  return r;
}

const checked = FIELD_ORDER.filter((p) => p === 'title' || p === 'summary' || (p.startsWith('form.') && p !== 'form.legalBasis.articles' && p !== 'form.legalBasis.channel'));

describe('the form marks each field as the node checks it before sending', () => {
  for (const kind of requestKinds) {
    it(`for ${kind}`, () => {
      expect(completeness({ kind, title: 'T', summary: 'S', form: full }).missing).toEqual([]);
      for (const path of checked) {
        const { missing, warnings } = completeness({ kind, ...without(path) });
        const mark = requirement(kind, path);
        const blocks = missing.some((m) => m.path === path);
        const warns = warnings.some((m) => m.path === path);
        if (mark === 'either') expect({ path, blocks }).toEqual({ path, blocks: false });
        else expect({ path, blocks, warns }).toEqual({ path, blocks: mark === 'required', warns: mark === 'recommended' });
      }
      if (requirement(kind, 'form.contact.phone') === 'either') {
        const r = without('form.contact.phone');
        r.form.contact.email = '';
        expect(completeness({ kind, ...r }).missing.map((m) => m.path)).toContain('form.contact.phone');
      }
    });
  }
});
