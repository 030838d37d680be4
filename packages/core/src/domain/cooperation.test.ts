import { describe, expect, it } from 'vitest';
import { requestFormInput } from '../api/cooperation.js';
import type { ConsultationStatus } from './consultation-ports.js';
import { completeness, decisionProblem, preservationState, requestRefusal, REQUEST_KINDS } from './cooperation.js';

const AT = new Date('2026-11-25T12:00:00Z');
const DAY = 86_400_000;
const emptyForm = requestFormInput.parse({});
const decision = (d: Partial<Parameters<typeof decisionProblem>[1]>) => ({ decision: 'execute' as const, grounds: [], reasons: '', conditions: '', until: null, ...d });

describe('who may take which step on a request', () => {
  const open: ConsultationStatus[] = ['sent', 'acknowledged', 'postponed', 'executed'];
  it('lets only the requested state decide, and only before the request is executed or closed', () => {
    for (const status of ['sent', 'acknowledged', 'postponed'] as const) expect(requestRefusal({ status, kind: 'mla' }, 'recipient', 'decide')).toBeNull();
    expect(requestRefusal({ status: 'sent', kind: 'mla' }, 'raiser', 'decide')?.code).toBe('wrong_side');
    expect(requestRefusal({ status: 'executed', kind: 'mla' }, 'recipient', 'decide')?.code).toBe('invalid_transition');
    expect(requestRefusal({ status: 'closed', kind: 'mla' }, 'recipient', 'decide')?.message).toContain('closed');
  });
  it('keeps extensions to preservations and decisions away from spontaneous information', () => {
    expect(requestRefusal({ status: 'executed', kind: 'preservation' }, 'recipient', 'extend')).toBeNull();
    expect(requestRefusal({ status: 'executed', kind: 'mla' }, 'recipient', 'extend')?.code).toBe('not_for_this_kind');
    expect(requestRefusal({ status: 'executed', kind: 'preservation' }, 'raiser', 'request_extension')).toBeNull();
    for (const action of ['decide', 'consult', 'return_evidence'] as const) expect(requestRefusal({ status: 'acknowledged', kind: 'spontaneous' }, 'recipient', action)?.code).toBe('not_for_this_kind');
  });
  it('lets either side write while a request is open, and no one once it is closed', () => {
    for (const kind of REQUEST_KINDS) {
      for (const status of open) for (const side of ['raiser', 'recipient'] as const) expect(requestRefusal({ status, kind }, side, 'message')).toBeNull();
      expect(requestRefusal({ status: 'closed', kind }, 'raiser', 'message')?.code).toBe('invalid_transition');
    }
  });
});

describe('what a request must contain before it is sent', () => {
  it('asks a preservation request for everything the T-CY form requires', () => {
    const { missing } = completeness({ kind: 'preservation', title: 'x', summary: 'y', form: emptyForm });
    expect(missing.map((m) => m.path)).toEqual([
      'form.requestingAuthority',
      'form.contact.name',
      'form.contact.phone',
      'form.contact.timeZone',
      'form.offence',
      'form.dataSought',
      'form.linkToOffence',
      'form.custodianOrLocation',
      'form.necessity',
      'form.mlaToFollow',
    ]);
  });
  it('asks a mutual legal assistance request for the proceedings and the legal basis, and warns about persons and time limits', () => {
    const r = completeness({ kind: 'mla', title: 'x', summary: 'y', form: emptyForm });
    expect(r.missing.map((m) => m.path)).toEqual(expect.arrayContaining(['form.proceedings', 'form.legalBasis.instruments']));
    expect(r.warnings.map((m) => m.path)).toEqual(expect.arrayContaining(['form.persons', 'form.timeLimits']));
  });
  it('asks spontaneous information only for a subject and the facts', () => {
    expect(completeness({ kind: 'spontaneous', title: '', summary: '', form: emptyForm }).missing.map((m) => m.path)).toEqual(['title', 'summary']);
  });
});

describe('decisions as the instruments allow them', () => {
  it('requires grounds and reasons for a refusal, and a consultation first except in an emergency', () => {
    expect(decisionProblem('mla', decision({ decision: 'refuse', reasons: 'r' }), AT, true)?.code).toBe('grounds_required');
    expect(decisionProblem('mla', decision({ decision: 'refuse', grounds: ['political_offence'] }), AT, true)?.code).toBe('reasons_required');
    expect(decisionProblem('mla', decision({ decision: 'refuse', grounds: ['political_offence'], reasons: 'r' }), AT, false)?.code).toBe('consultation_required');
    expect(decisionProblem('emergency', decision({ decision: 'refuse', grounds: ['political_offence'], reasons: 'r' }), AT, false)).toBeNull();
    expect(decisionProblem('mla', decision({ decision: 'refuse', grounds: ['political_offence'], reasons: 'r' }), AT, true)).toBeNull();
    expect(decisionProblem('mla', decision({ decision: 'execute', grounds: ['political_offence'] }), AT, true)?.code).toBe('grounds_not_expected');
  });
  it('postpones only with a reason and a future date', () => {
    expect(decisionProblem('mla', decision({ decision: 'postpone', until: new Date(AT.getTime() + DAY).toISOString() }), AT, true)?.code).toBe('reasons_required');
    expect(decisionProblem('mla', decision({ decision: 'postpone', reasons: 'r' }), AT, true)?.code).toBe('until_required');
    expect(decisionProblem('mla', decision({ decision: 'postpone', reasons: 'r', until: new Date(AT.getTime() - DAY).toISOString() }), AT, true)?.code).toBe('until_in_past');
  });
  it('preserves data for at least 60 days', () => {
    const until = (days: number) => new Date(AT.getTime() + days * DAY).toISOString();
    expect(decisionProblem('preservation', decision({ until: until(59) }), AT, false)?.code).toBe('preservation_too_short');
    expect(decisionProblem('preservation', decision({ until: until(60) }), AT, false)).toBeNull();
    expect(decisionProblem('mla', decision({ until: until(60) }), AT, false)?.code).toBe('until_not_expected');
    expect(decisionProblem('mla', decision({ decision: 'execute_under_conditions' }), AT, false)?.code).toBe('conditions_required');
    expect(decisionProblem('mla', decision({ decision: 'execute_in_part' }), AT, false)?.code).toBe('reasons_required');
  });
  it('shows a preservation as running, lapsing in its last week, then lapsed', () => {
    const state = (daysLeft: number) => preservationState({ status: 'executed', preserveUntil: new Date(AT.getTime() + daysLeft * DAY) }, AT);
    expect([state(30), state(7), state(0.5), state(-1)]).toEqual(['running', 'lapsing', 'lapsing', 'lapsed']);
    expect(preservationState({ status: 'executed', preserveUntil: null }, AT)).toBe('none');
  });
});
