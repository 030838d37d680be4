import { describe, expect, it } from 'vitest';
import { allowedActions, refusal, threadIntegrity } from './consultations.js';
import type { ConsultationRecord } from './consultation-ports.js';

const at = (status: ConsultationRecord['status'], attribution: ConsultationRecord['attribution'] = null) => ({ status, attribution }) as ConsultationRecord;
const claim = { to: { kind: 'unknown' as const }, basis: ['technical_analysis' as const], confidence: 'low' as const, evidence: [], statement: '' };

describe('who may take which step of a consultation', () => {
  it('lets only the recipient acknowledge, and only once', () => {
    expect(refusal(at('sent'), 'recipient', 'acknowledge')).toBeNull();
    expect(refusal(at('sent'), 'raiser', 'acknowledge')).toMatch(/Only the state the consultation was raised with/);
    expect(refusal(at('acknowledged'), 'recipient', 'acknowledge')).toMatch(/acknowledged; it cannot be acknowledged now/);
  });

  it('lets only the raiser close, and not before an acknowledgement', () => {
    expect(refusal(at('responded'), 'raiser', 'close')).toBeNull();
    expect(refusal(at('responded'), 'recipient', 'close')).toMatch(/Only the state that raised/);
    expect(refusal(at('sent'), 'raiser', 'close')).toMatch(/sent and not yet acknowledged/);
  });

  it('lets either side write while open, and nobody once closed', () => {
    for (const side of ['raiser', 'recipient'] as const) {
      expect(refusal(at('in_progress'), side, 'message')).toBeNull();
      expect(refusal(at('closed'), side, 'message')).toMatch(/closed/);
      expect(allowedActions(at('closed'), side)).toEqual([]);
    }
  });

  it('allows a reply on attribution only where there is an attribution', () => {
    expect(refusal(at('acknowledged'), 'recipient', 'reply_attribution')).toMatch(/attributes the activity to no one/);
    expect(refusal(at('acknowledged', claim), 'recipient', 'reply_attribution')).toBeNull();
  });

  it('offers each side exactly its steps', () => {
    expect(allowedActions(at('sent'), 'recipient').sort()).toEqual(['acknowledge', 'message', 'request_info']);
    expect(allowedActions(at('sent'), 'raiser').sort()).toEqual(['message', 'request_info', 'withdraw']);
    expect(allowedActions(at('draft'), 'raiser')).toEqual([]);
  });
});

describe('thread integrity', () => {
  const jws = (prev?: string) => `e30.${Buffer.from(JSON.stringify({ prev })).toString('base64url')}.sig`;
  const m = (hash: string, prev: string | undefined, status: 'delivered' | 'applied' | 'waiting' | 'queued') => ({ hash, jws: jws(prev), direction: 'sent' as const, status, at: new Date(), error: null, receipt: null });

  it('gives the same digest for the same set of envelopes in any order', () => {
    const one = threadIntegrity([m('h1', undefined, 'delivered'), m('h2', 'h1', 'applied')]);
    const two = threadIntegrity([m('h2', 'h1', 'applied'), m('h1', undefined, 'delivered')]);
    expect(one).toEqual(two);
    expect(one).toMatchObject({ messages: 2, problems: [] });
  });

  it('names an envelope whose predecessor is not held, and one held back', () => {
    const r = threadIntegrity([m('h1', undefined, 'delivered'), m('h3', 'h2', 'waiting')]);
    expect(r.problems).toHaveLength(2);
    expect(r.problems[0]).toMatch(/which this node does not hold/);
    expect(r.problems[1]).toMatch(/held until the message before it arrives/);
  });

  it('leaves queued envelopes out of the digest until delivered', () => {
    expect(threadIntegrity([m('h1', undefined, 'queued')])).toEqual({ messages: 0, digest: null, problems: [] });
  });
});
