import { describe, expect, it } from 'vitest';
import { emptyForm, fieldId, fieldIdFor, followUp, formOf, legalBasisSet, requiredFields, requirement, type Draft, type Earlier } from './form-model.js';

const blank: Draft = { kind: null, recipient: '', title: '', summary: '', urgency: 'routine', tlp: 'AMBER+STRICT', responseRequestedBy: '', form: emptyForm(), evidence: [] };

const earlierForm = {
  ...emptyForm(),
  reference: 'CYB-2026-117',
  requestingAuthority: 'National Police, Cybercrime Unit',
  offence: 'Illegal access',
  dataSought: 'Subscriber data of account x',
  necessity: 'Risk of deletion',
  mlaToFollow: true,
  contact: { name: 'A. Officer', position: '', phone: '+1 555', email: 'a@example.org', officeHours: '24/7', timeZone: 'UTC', preferredChannel: '' },
};

const earlier = (side: 'raiser' | 'recipient'): Earlier => ({
  id: '6f1c1a9e-8a4b-4f4c-9a55-0d1c2b3a4f5e',
  kind: 'preservation',
  side,
  counterpart: 'XAB',
  title: 'Ransomware at the city hospital',
  summary: 'Facts',
  tlp: 'RED',
  form: earlierForm,
});

describe('requirement', () => {
  it('requires, for a preservation, the fields of the T-CY preservation form', () => {
    for (const f of ['title', 'form.requestingAuthority', 'form.offence', 'form.dataSought', 'form.linkToOffence', 'form.custodianOrLocation', 'form.necessity', 'form.mlaToFollow']) {
      expect(requirement('preservation', f), f).toBe('required');
    }
    expect(requirement('preservation', 'form.proceedings')).toBe('optional');
  });
  it('requires the legal basis and the proceedings for mutual legal assistance, and only recommends the persons', () => {
    expect(requirement('mla', 'form.legalBasis.instruments')).toBe('required');
    expect(requirement('mla', 'form.proceedings')).toBe('required');
    expect(requirement('mla', 'form.persons')).toBe('recommended');
    expect(requirement('preservation', 'form.legalBasis.instruments')).toBe('optional');
  });
  it('requires the risk to life for an emergency, and nothing of the contact for spontaneous information', () => {
    expect(requirement('emergency', 'form.riskToLife')).toBe('required');
    expect(requirement('spontaneous', 'form.contact.name')).toBe('optional');
    expect(requirement('spontaneous', 'form.riskToLife')).toBe('optional');
  });
  it('asks for a phone number or an e-mail address, either one', () => {
    expect(requirement('disclosure', 'form.contact.phone')).toBe('either');
    expect(requirement('disclosure', 'form.contact.email')).toBe('either');
    expect(requiredFields('disclosure')).toContain('form.contact.phone');
    expect(requiredFields('disclosure')).not.toContain('form.contact.email');
  });
});

describe('fieldIdFor', () => {
  it('leads a path the node names to its input', () => {
    expect(fieldIdFor('form.contact.phone')).toBe('request-form-contact-phone');
    expect(fieldIdFor('form.legalBasis.instruments')).toBe(fieldId('form.legalBasis.instruments'));
  });
  it('leads a path inside a list to the list, and an unknown path nowhere', () => {
    expect(fieldIdFor('form.related.2.reference')).toBe('request-form-related');
    expect(fieldIdFor('version')).toBeNull();
  });
});

describe('formOf', () => {
  it('reads a stored form, filling what is absent', () => {
    const f = formOf({ offence: 'Fraud', legalBasis: { instruments: ['budapest_2001'] }, related: [{ reference: 'R1' }] });
    expect(f.offence).toBe('Fraud');
    expect(f.dataSought).toBe('');
    expect(f.legalBasis).toEqual({ instruments: ['budapest_2001'], articles: '', channel: null });
    expect(f.related).toEqual([{ request: null, reference: 'R1', kind: null, note: '' }]);
    expect(f.contact.name).toBe('');
    expect(f.mlaToFollow).toBeNull();
  });
  it('reads nothing as an empty form', () => {
    expect(formOf(null)).toEqual(emptyForm());
  });
});

describe('followUp', () => {
  it('carries the facts, authorities and contact of a request this state made over to the follow-up', () => {
    const d = followUp(blank, 'mla', earlier('raiser'));
    expect(d.kind).toBe('mla');
    expect(d.recipient).toBe('XAB');
    expect(d.title).toBe('Ransomware at the city hospital');
    expect(d.tlp).toBe('RED');
    expect(d.form.reference).toBe('CYB-2026-117');
    expect(d.form.offence).toBe('Illegal access');
    expect(d.form.contact.name).toBe('A. Officer');
    expect(d.form.related).toEqual([{ request: earlier('raiser').id, reference: 'CYB-2026-117', kind: 'preservation', note: '' }]);
  });
  it('does not carry over what belongs to the preservation alone', () => {
    const d = followUp(blank, 'mla', earlier('raiser'));
    expect(d.form.necessity).toBe('');
    expect(d.form.mlaToFollow).toBeNull();
  });
  it('takes only the state and the reference from a request the other state made', () => {
    const d = followUp(blank, 'spontaneous', earlier('recipient'));
    expect(d.recipient).toBe('XAB');
    expect(d.title).toBe('');
    expect(d.form.requestingAuthority).toBe('');
    expect(d.form.contact.name).toBe('');
    expect(d.form.related[0]?.reference).toBe('CYB-2026-117');
  });
});

describe('legalBasisSet', () => {
  it('is false for an untouched form and true once any part is set', () => {
    expect(legalBasisSet(emptyForm())).toBe(false);
    expect(legalBasisSet({ ...emptyForm(), legalBasis: { instruments: [], articles: '', channel: 'diplomatic' } })).toBe(true);
  });
});
